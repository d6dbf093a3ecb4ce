// @mesi/relayer: what other parts of Mesi (scripts/start.ts, tests, the bench) use.
export { createRelayer, createGateway, startRelayer, type Relayer, type RelayerDeps } from "./relayer.ts";
export { parseConfig, configFromEnv, type RelayerConfig, type RelayerConfigInput } from "./config.ts";
export { createChainClients, type ChainClients } from "./chain/clients.ts";
export { openStore } from "./store/open.ts";
export { createLogger } from "./logger.ts";
export { paymentRefOf } from "./stripe/webhook.ts";
export { buildEvent, signEvent, deliverEvent } from "./stripe/simulator.ts";
export { startLocalRelayer, LOCAL_WEBHOOK_SECRET, type LocalRelayer, type LocalRelayerOptions } from "./local.ts";
