// `npm start`: the whole platform on this machine, no account anywhere.
// Starts a local chain on 127.0.0.1 (a free port unless --chain-port), deploys
// Mesi with Hardhat Ignition, writes the @mesi/deployments addresses module,
// seeds demo data, prints the URLs, keys and addresses, and runs until Ctrl-C
// or SIGTERM, then stops everything it started.
//
// Services keep their state (relayer store, index) under --data-dir (default .mesi/), which is wiped at
// every start: the local chain starts empty each time, so state from an earlier chain would be wrong.
//
// Usage: node --import tsx scripts/start.ts [--chain-port <port>] [--addresses-file <path>] [--data-dir <dir>]
//        [--no-seed] [--block-time <seconds>]
import { mkdirSync, rmSync } from "node:fs";
import { join, relative } from "node:path";
import { parseArgs } from "node:util";

import { randomBytes } from "node:crypto";

import { startKyf } from "@mesi/kyf";
import { startMessageHub } from "@mesi/messaging/hub";
import { startLocalRelayer } from "@mesi/relayer";
import { startStreaming } from "@mesi/streaming";
import { startIndexer } from "@mesi/subgraph";
import pino from "pino";
import { createPublicClient, defineChain, formatUnits, http, type Chain } from "viem";
import { z } from "zod";

import { buildContracts } from "./lib/build-contracts.ts";
import type { MesiDeployment } from "./lib/deploy.ts";
import { ADDRESSES_MODULE_PATH, writeChainAddresses } from "./lib/deployments-module.ts";
import { deployMesiWithIgnition } from "./lib/ignition-deploy.ts";
import { DEFAULT_MNEMONIC, localAccounts, type LocalAccount, type LocalRole } from "./lib/local-accounts.ts";
import { startLocalChain, type LocalChain } from "./lib/local-chain.ts";
import { MESI_CONTRACTS } from "./lib/mesi-contracts.ts";
import { seedDemo, type DemoData } from "./lib/seed-demo.ts";
import { freePort } from "./lib/free-port.ts";
import { ServiceRunner, type RunningService, type Service } from "./lib/services.ts";
import { buildWebapp, startWebapp } from "./lib/webapp.ts";

const root = `${import.meta.dirname}/..`;

const Options = z.object({
  chainPort: z.coerce.number().int().min(1).max(65_535).optional(),
  addressesFile: z.string().min(1).default(ADDRESSES_MODULE_PATH),
  seed: z.boolean().default(true),
  dataDir: z.string().min(1).default(join(root, ".mesi")),
  /** Mine a block every N seconds, as an L2 does, instead of one per transaction. */
  blockTime: z.coerce.number().int().min(1).max(60).optional(),
  /** Where KYF registration data comes from: the local form (default) or Persona's signed webhook. */
  kyfProvider: z
    .discriminatedUnion("kind", [
      z.object({ kind: z.literal("embedded") }),
      z.object({ kind: z.literal("persona"), webhookSecret: z.string().min(16) }),
    ])
    .default({ kind: "embedded" }),
});
type Options = z.infer<typeof Options>;

function parseOptions(argv: readonly string[]): Options {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      "chain-port": { type: "string" },
      "addresses-file": { type: "string" },
      "no-seed": { type: "boolean", default: false },
      "data-dir": { type: "string" },
      "block-time": { type: "string" },
    },
  });
  return Options.parse({
    chainPort: values["chain-port"],
    addressesFile: values["addresses-file"],
    seed: !values["no-seed"],
    dataDir: values["data-dir"],
    blockTime: values["block-time"],
    // MESI_KYF_PROVIDER=persona with MESI_KYF_PERSONA_WEBHOOK_SECRET points the verifier at Persona's webhook.
    kyfProvider:
      process.env.MESI_KYF_PROVIDER === "persona"
        ? { kind: "persona", webhookSecret: process.env.MESI_KYF_PERSONA_WEBHOOK_SECRET }
        : undefined,
  });
}

/** What the services hand on to the ones after them. */
interface PlatformContext {
  readonly options: Options;
  readonly accounts: Readonly<Record<LocalRole, LocalAccount>>;
  chain?: LocalChain;
  viemChain?: Chain;
  deployment?: MesiDeployment;
  demo?: DemoData;
  /** Chosen before the relayer starts, so the relayer can allow the webapp's origin. */
  webappPort?: number;
  relayerUrl?: string;
  indexerUrl?: string;
  indexerBlocksUrl?: string;
  mediaUrl?: string;
  gateUrl?: string;
  hubUrl?: string;
  kyfUrl?: string;
  /** Signs the webapp's sessions; the stream gate and the message hub verify the tokens minted from them. */
  readonly sessionSecret: string;
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} is not available: a service before this one did not start`);
  return value;
}

const chainService: Service<PlatformContext> = {
  name: "chain",
  async start(context, log) {
    log("starting anvil on 127.0.0.1…");
    const blockTime = context.options.blockTime;
    const chain = await startLocalChain({
      port: context.options.chainPort,
      ...(blockTime === undefined ? {} : { args: ["--block-time", String(blockTime)] }),
    });
    context.chain = chain;
    context.viemChain = defineChain({
      id: chain.chainId,
      name: "Mesi local",
      nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
      rpcUrls: { default: { http: [chain.url] } },
    });
    log(`listening on ${chain.url} (chain id ${chain.chainId}, pid ${chain.pid})`);
    return { url: chain.url, details: [`chain id ${chain.chainId}`], stop: () => chain.stop() };
  },
};

const contractsService: Service<PlatformContext> = {
  name: "contracts",
  async start(context, log) {
    const chain = required(context.chain, "the chain");
    log("compiling contracts (incremental)…");
    await buildContracts();
    log("deploying with Hardhat Ignition…");
    const deployment = await deployMesiWithIgnition({
      rpcUrl: chain.url,
      relayer: context.accounts.relayer.address,
      moderator: context.accounts.moderator.address,
      verifier: context.accounts.verifier.address,
      onProgress: log,
    });
    context.deployment = deployment;
    const file = await writeChainAddresses(deployment.chainId, deployment.contracts, context.options.addressesFile);
    log(`wrote ${relative(root, file)}`);
    if (context.options.seed) {
      log("seeding demo data…");
      const publicClient = createPublicClient({ chain: context.viemChain, transport: http(chain.url) });
      context.demo = await seedDemo({
        rpcUrl: chain.url,
        chain: required(context.viemChain, "the chain definition"),
        publicClient,
        contracts: deployment.contracts,
        accounts: context.accounts,
        onProgress: log,
      });
    }
    return { stop: async () => {} };
  },
};

const relayerService: Service<PlatformContext> = {
  name: "relayer",
  async start(context, log) {
    const chain = required(context.chain, "the chain");
    const { contracts } = required(context.deployment, "the deployment");
    log("starting (SQLite store, local Stripe stand-in)…");
    context.webappPort ??= await freePort();
    const relayer = await startLocalRelayer({
      corsOrigins: [`http://127.0.0.1:${context.webappPort}`],
      rpcUrl: chain.url,
      chainId: chain.chainId,
      relayerPrivateKey: context.accounts.relayer.privateKey,
      addresses: {
        vault: contracts.MesiVault.address,
        tickets: contracts.MesiTickets.address,
        mesi: contracts.MesiToken.address,
      },
      dataDir: join(context.options.dataDir, "relayer"),
    });
    log(`listening on ${relayer.url}`);
    context.relayerUrl = relayer.url;
    return { url: relayer.url, details: relayer.details, stop: () => relayer.stop() };
  },
};

const indexerService: Service<PlatformContext> = {
  name: "indexer",
  async start(context, log) {
    const chain = required(context.chain, "the chain");
    const { contracts } = required(context.deployment, "the deployment");
    log("building the subgraph if needed and indexing the chain with its mappings…");
    const print = (object: object, message?: string) => log(`${message ?? ""} ${JSON.stringify(object)}`.trim());
    context.webappPort ??= await freePort();
    const indexer = await startIndexer({
      client: createPublicClient({ chain: context.viemChain, transport: http(chain.url) }),
      deployment: contracts,
      databasePath: join(context.options.dataDir, "indexer.sqlite"),
      // The webapp's pages query GraphQL from the browser; /audit/ stays closed to other origins.
      corsOrigins: [`http://127.0.0.1:${context.webappPort}`],
      // GET /audit/reconcile matches the relayer's own records (its SQLite store) to the chain's credits.
      relayerRecords: join(context.options.dataDir, "relayer", "relayer.sqlite"),
      logger: { info: print, warn: print, error: print },
    });
    await indexer.ready;
    log(`caught up at block ${indexer.status().indexedBlock ?? "?"}`);
    context.indexerUrl = indexer.url;
    context.indexerBlocksUrl = indexer.blocksUrl;
    return {
      url: indexer.url,
      details: [`auditor API ${indexer.baseUrl}/audit/ (npm run audit -w @mesi/subgraph -- --help)`],
      stop: () => indexer.stop(),
    };
  },
};

/** A pino logger writing JSON lines to `<data dir>/<name>.log` (the banner names the file). */
function serviceLogger(context: PlatformContext, name: string) {
  mkdirSync(context.options.dataDir, { recursive: true });
  const file = join(context.options.dataDir, `${name}.log`);
  return {
    file,
    logger: pino({ level: "info", base: { service: name } }, pino.destination({ dest: file, sync: false })),
  };
}

const streamingService: Service<PlatformContext> = {
  name: "streaming",
  async start(context, log) {
    const chain = required(context.chain, "the chain");
    const deployment = required(context.deployment, "the deployment");
    context.webappPort ??= await freePort();
    const logs = serviceLogger(context, "streaming");
    log("starting the access gate and the local media server…");
    const streaming = await startStreaming({
      indexerUrl: required(context.indexerUrl, "the indexer"),
      rpcUrl: chain.url,
      deployment: { chainId: deployment.chainId, contracts: deployment.contracts },
      secret: context.sessionSecret,
      corsOrigins: [`http://127.0.0.1:${context.webappPort}`],
      messageHubUrl: required(context.hubUrl, "the message hub"),
      dataDir: join(context.options.dataDir, "streaming"),
      logger: logs.logger,
    });
    context.mediaUrl = streaming.url;
    context.gateUrl = streaming.gateUrl;
    return {
      url: streaming.url,
      details: [
        "local Livepeer-compatible media server (WHIP/WebRTC under /webrtc/); Livepeer Studio in production",
        `access gate ${streaming.gateUrl} (Livepeer playback webhook at /webhooks/livepeer/playback)`,
        `log: ${logs.file}`,
      ],
      stop: () => streaming.stop(),
    };
  },
};

const messagingService: Service<PlatformContext> = {
  name: "messaging",
  async start(context, log) {
    context.webappPort ??= await freePort();
    const logs = serviceLogger(context, "messaging");
    log("starting the local message hub…");
    const hub = await startMessageHub({
      dataDir: join(context.options.dataDir, "messaging"),
      secret: context.sessionSecret,
      indexerUrl: required(context.indexerUrl, "the indexer"),
      corsOrigins: [`http://127.0.0.1:${context.webappPort}`],
      logger: logs.logger,
    });
    context.hubUrl = hub.url;
    return {
      url: hub.url,
      details: [
        "local message hub — the DEVELOPMENT transport, not end-to-end encrypted; XMTP in production",
        `log: ${logs.file}`,
      ],
      stop: () => hub.stop(),
    };
  },
};

const kyfService: Service<PlatformContext> = {
  name: "kyf",
  async start(context, log) {
    const chain = required(context.chain, "the chain");
    const deployment = required(context.deployment, "the deployment");
    context.webappPort ??= await freePort();
    const logs = serviceLogger(context, "kyf");
    log("starting the KYF verifier (embedded: encrypted SQLite, attests with the verifier role)…");
    // The deploy grants VERIFIER_ROLE to the verifier account; the service signs its attestations with that key.
    const kyf = await startKyf({
      dataDir: join(context.options.dataDir, "kyf"),
      secret: context.sessionSecret,
      // A fresh key per start: the data directory (and the chain) are wiped at every start anyway.
      encryptionKey: randomBytes(32).toString("hex"),
      rpcUrl: chain.url,
      chainId: chain.chainId,
      registry: deployment.contracts.KyfRegistry.address,
      verifierPrivateKey: context.accounts.verifier.privateKey,
      provider: context.options.kyfProvider,
      corsOrigins: [`http://127.0.0.1:${context.webappPort}`],
      logger: logs.logger,
    });
    context.kyfUrl = kyf.url;
    return {
      url: kyf.url,
      details: [
        kyf.provider === "persona"
          ? `KYF verifier (Persona): signed webhooks at ${kyf.url}/webhooks/persona; attests as ${context.accounts.verifier.address}`
          : `KYF verifier (embedded form): registration data encrypted at rest, attests as ${context.accounts.verifier.address}; MESI_KYF_PROVIDER=persona for Persona's webhook`,
        `log: ${logs.file}`,
      ],
      stop: () => kyf.stop(),
    };
  },
};

const webappService: Service<PlatformContext> = {
  name: "webapp",
  async start(context, log) {
    const chain = required(context.chain, "the chain");
    await buildWebapp(log);
    const webapp = await startWebapp({
      port: context.webappPort ?? (await freePort()),
      chainId: chain.chainId,
      rpcUrl: chain.url,
      indexerUrl: required(context.indexerUrl, "the indexer"),
      relayerUrl: required(context.relayerUrl, "the relayer"),
      addresses: required(context.deployment, "the deployment").contracts,
      dataDir: join(context.options.dataDir, "webapp"),
      devPayments: true,
      sessionSecret: context.sessionSecret,
      extraEnv: {
        PUBLIC_INDEXER_BLOCKS_URL: required(context.indexerBlocksUrl, "the indexer"),
        PUBLIC_MEDIA_URL: required(context.mediaUrl, "the media server"),
        PUBLIC_STREAM_GATE_URL: required(context.gateUrl, "the stream gate"),
        PUBLIC_MESSAGE_HUB_URL: required(context.hubUrl, "the message hub"),
        PUBLIC_KYF_URL: required(context.kyfUrl, "the KYF verifier"),
      },
      onOutput: log,
    });
    log(`serving on ${webapp.url}`);
    return {
      url: webapp.url,
      details: ["the dApp: connect a funded test account below (import its key into your wallet)"],
      stop: () => webapp.stop(),
    };
  },
};

const services: readonly Service<PlatformContext>[] = [
  chainService,
  contractsService,
  relayerService,
  indexerService,
  messagingService, // before streaming: the gate reads group members from the hub (group → live)
  streamingService,
  kyfService,
  webappService,
];

function banner(context: PlatformContext, running: readonly RunningService[]): string {
  const lines = ["", "Mesi is running. Press Ctrl-C to stop.", "", "Services:"];
  for (const service of running) {
    if (service.url === undefined) continue;
    lines.push(`  ${service.name.padEnd(10)} ${service.url}`);
    for (const detail of service.details) lines.push(`  ${"".padEnd(10)}   ${detail}`);
  }
  const deployment = context.deployment;
  if (deployment !== undefined) {
    lines.push(
      "",
      `Contracts (chain ${deployment.chainId}; also in ${relative(root, context.options.addressesFile)}):`,
    );
    for (const name of MESI_CONTRACTS) {
      const { address, blockNumber } = deployment.contracts[name];
      lines.push(`  ${name.padEnd(16)} ${address}  (block ${blockNumber})`);
    }
  }
  lines.push("", `Funded test accounts (mnemonic "${DEFAULT_MNEMONIC}"); local use only:`);
  for (const account of Object.values(context.accounts)) {
    lines.push(`  ${account.role.padEnd(13)} ${account.address}  private key ${account.privateKey}`);
  }
  const demo = context.demo;
  if (demo !== undefined) {
    const total = demo.tips.reduce((sum, tip) => sum + tip.amount, 0n);
    lines.push(
      "",
      "Demo data:",
      `  creators: Alice ${demo.creators.alice}, Bob ${demo.creators.bob}`,
      `  ticketed stream ${demo.ticketedStreamId} (Alice), ${formatUnits(demo.ticketPrice, 18)} MESI a ticket; one sold`,
      `  ${demo.tips.length} tips, ${formatUnits(total, 18)} MESI gross; one-to-one session ${demo.pendingSessionId} pending`,
      `  relayer float: ${formatUnits(demo.floatFunded, 18)} MESI`,
    );
  }
  lines.push("");
  return lines.join("\n");
}

const options = parseOptions(process.argv.slice(2));
rmSync(options.dataDir, { recursive: true, force: true });
const context: PlatformContext = {
  options,
  accounts: localAccounts(),
  sessionSecret: randomBytes(32).toString("hex"),
};
const runner = new ServiceRunner(services, (name) => (message) => console.log(`[${name}] ${message}`));

let shuttingDown = false;
async function shutDown(reason: string, exitCode: number): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  console.log(`\n${reason}: stopping…`);
  await runner.stop();
  console.log("stopped.");
  process.exit(exitCode);
}
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => void shutDown(`received ${signal}`, 0));
}

try {
  const running = await runner.start(context);
  if (!shuttingDown) console.log(banner(context, running));
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  await shutDown("start failed", 1);
}
