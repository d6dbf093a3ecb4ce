// Wallet work that only runs in the browser, loaded on demand (a Connect click, a payment, or a wallet this
// browser used before): it keeps the shared wallet state in step with @wagmi/core.
import {
  disconnect as wagmiDisconnect,
  reconnect,
  switchChain,
  watchAccount,
  getAccount,
  type Config,
} from "@wagmi/core";

import type { PublicConfig } from "$lib/config/types";

import type { WalletState } from "./wallet.svelte";
import { createWagmiConfig } from "./wagmiConfig";

export interface WalletRuntime {
  readonly config: Config;
  openConnectModal(): Promise<void>;
  disconnect(): Promise<void>;
  switchToMesiChain(): Promise<void>;
}

export function createWalletRuntime(publicConfig: PublicConfig, state: WalletState): WalletRuntime {
  const config = createWagmiConfig(publicConfig);
  const sync = (): void => {
    const account = getAccount(config);
    state.status = account.status;
    state.address = account.address;
    state.chainId = account.chainId;
    state.connectorName = account.connector?.name;
  };
  watchAccount(config, { onChange: sync });
  sync();
  void reconnect(config).then(sync, sync);
  return {
    config,
    async openConnectModal() {
      const { openRainbowKit } = await import("$lib/rainbow/island");
      await openRainbowKit(config);
    },
    async disconnect() {
      await wagmiDisconnect(config);
      sync();
    },
    async switchToMesiChain() {
      await switchChain(config, { chainId: publicConfig.chainId });
      sync();
    },
  };
}
