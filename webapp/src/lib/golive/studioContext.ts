// The wallet-backed context every studio action takes: loads the wallet code, asks to connect when needed and
// switches to Mesi's chain. Returns null when the creator still has to connect (the modal was opened).
import type { Hex } from "viem";

import type { PublicConfig } from "$lib/config/types";
import { loadWallet, wallet } from "$lib/wallet";

import type { StudioContext } from "./studioActions";

export async function studioContext(
  config: PublicConfig,
  onSubmitted?: (hash: Hex) => void,
): Promise<StudioContext | null> {
  const runtime = await loadWallet(config);
  if (!wallet.connected) {
    await runtime.openConnectModal();
    return null;
  }
  if (wallet.wrongChain) await runtime.switchToMesiChain();
  const { mesiContracts } = await import("$lib/contracts/mesi");
  return {
    wagmi: runtime.config,
    mesi: mesiContracts(config),
    addresses: config.addresses,
    chainId: config.chainId,
    onSubmitted,
  };
}
