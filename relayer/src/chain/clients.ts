// viem clients for one hot wallet. JSON-RPC batching folds the many small
// reads of a reconciliation (creditOf per reference) into one HTTP request.
import {
  createPublicClient,
  createWalletClient,
  defineChain,
  http,
  type Account,
  type Chain,
  type PublicClient,
  type Transport,
  type WalletClient,
} from "viem";
import { privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";

import type { RelayerConfig } from "../config.ts";
import type { MesiAddresses } from "./contracts.ts";

export interface ChainClients {
  readonly chain: Chain;
  readonly publicClient: PublicClient<Transport, Chain>;
  readonly walletClient: WalletClient<Transport, Chain, Account>;
  /** The hot wallet: signs locally, so a transaction's hash is known before it is broadcast. */
  readonly account: PrivateKeyAccount;
  readonly addresses: MesiAddresses;
}

export function createChainClients(config: RelayerConfig["chain"]): ChainClients {
  const chain = defineChain({
    id: config.chainId,
    name: `chain-${config.chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [config.rpcUrl] } },
  });
  const transport = http(config.rpcUrl, { batch: { batchSize: 200, wait: 0 }, retryCount: 0, timeout: 10_000 });
  const account = privateKeyToAccount(config.relayerPrivateKey);
  return {
    chain,
    publicClient: createPublicClient({ chain, transport, pollingInterval: config.pollIntervalMs }),
    walletClient: createWalletClient({ chain, transport, account }),
    account,
    addresses: { vault: config.vault, tickets: config.tickets, mesi: config.mesi },
  };
}
