// viem clients for one hot wallet. JSON-RPC batching folds the many small
// reads of a reconciliation (creditOf per reference) into one HTTP request.
import { createPublicClient, defineChain, http, type Chain, type PublicClient, type Transport } from "viem";

import type { RelayerConfig } from "../config.ts";
import type { MesiAddresses } from "./contracts.ts";
import { createSigner, type Signer } from "./signer.ts";

export interface ChainClients {
  readonly chain: Chain;
  readonly publicClient: PublicClient<Transport, Chain>;
  /**
   * The hot wallet's signer (the local key or a remote signer): every transaction is signed before it is
   * broadcast, so its hash is known and recorded first.
   */
  readonly signer: Signer;
  readonly addresses: MesiAddresses;
}

export function createChainClients(
  config: RelayerConfig["chain"],
  signer: Signer = createSigner(config),
): ChainClients {
  const chain = defineChain({
    id: config.chainId,
    name: `chain-${config.chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [config.rpcUrl] } },
  });
  const transport = http(config.rpcUrl, { batch: { batchSize: 200, wait: 0 }, retryCount: 0, timeout: 10_000 });
  return {
    chain,
    publicClient: createPublicClient({ chain, transport, pollingInterval: config.pollIntervalMs }),
    signer,
    addresses: { vault: config.vault, tickets: config.tickets, mesi: config.mesi },
  };
}
