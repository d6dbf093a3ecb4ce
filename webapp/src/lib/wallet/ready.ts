// Every payment starts the same way: the wallet loaded, connected and on Mesi's chain.
import type { PublicConfig } from "$lib/config/types";

import type { WalletRuntime } from "./runtime";
import { loadWallet, wallet } from "./wallet.svelte";

/**
 * The wallet, ready to sign on Mesi's chain. Not connected: the connect dialog opens and this returns null (the
 * person acts again once connected). On another chain: it asks the wallet to switch, and throws what the wallet
 * answers if it refuses.
 */
export async function readyWallet(config: PublicConfig): Promise<WalletRuntime | null> {
  const runtime = await loadWallet(config);
  if (!wallet.connected) {
    await runtime.openConnectModal();
    return null;
  }
  if (wallet.wrongChain) await runtime.switchToMesiChain();
  return runtime;
}
