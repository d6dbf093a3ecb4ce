// The connected wallet as reactive state every page reads. The wallet libraries load only when needed.
import type { Address } from "viem";

import type { PublicConfig } from "$lib/config/types";

import type { WalletRuntime } from "./runtime";

export class WalletState {
  status = $state<"connected" | "connecting" | "disconnected" | "reconnecting">("disconnected");
  address = $state<Address | undefined>(undefined);
  chainId = $state<number | undefined>(undefined);
  connectorName = $state<string | undefined>(undefined);
  /** The chain Mesi expects; set from configuration when the runtime loads. */
  expectedChainId = $state<number | undefined>(undefined);

  get connected(): boolean {
    return this.status === "connected" && this.address !== undefined;
  }

  get wrongChain(): boolean {
    return this.connected && this.expectedChainId !== undefined && this.chainId !== this.expectedChainId;
  }
}

export const wallet = new WalletState();

let runtime: Promise<WalletRuntime> | undefined;

/** Loads @wagmi/core (once) and keeps {@link wallet} in step with it. */
export function loadWallet(config: PublicConfig): Promise<WalletRuntime> {
  wallet.expectedChainId = config.chainId;
  runtime ??= import("./runtime").then(({ createWalletRuntime }) => createWalletRuntime(config, wallet));
  return runtime;
}
