// The one wallet configuration, shared by the Svelte pages (@wagmi/core) and the RainbowKit island (wagmi).
// Wallets come from EIP-6963 discovery: every installed wallet that announces itself is offered.
import { createConfig, createStorage, http, type Config } from "@wagmi/core";

import type { PublicConfig } from "$lib/config/types";

import { mesiChain } from "./chain";
import { WALLET_STORAGE_KEY } from "./recent";

export function createWagmiConfig(config: PublicConfig): Config {
  const chain = mesiChain(config);
  return createConfig({
    chains: [chain],
    transports: { [chain.id]: http(config.rpcUrl, { batch: false }) },
    multiInjectedProviderDiscovery: true,
    connectors: [],
    ssr: false,
    storage: createStorage({ storage: window.localStorage, key: WALLET_STORAGE_KEY }),
    pollingInterval: 1_000,
  });
}
