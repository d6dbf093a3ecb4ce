// The wallet-backed context every studio action takes, through the shared wallet prelude (load, connect, switch
// chain). Returns null when the creator still has to connect (the connect dialog was opened).
import type { Hex } from "viem";

import type { PublicConfig } from "$lib/config/types";
import { readyWallet } from "$lib/wallet";

import type { StudioContext } from "./studioActions";

export async function studioContext(
  config: PublicConfig,
  onSubmitted?: (hash: Hex) => void,
): Promise<StudioContext | null> {
  const runtime = await readyWallet(config);
  if (runtime === null) return null;
  const { mesiContracts } = await import("$lib/contracts/mesi");
  return {
    wagmi: runtime.config,
    mesi: mesiContracts(config),
    addresses: config.addresses,
    chainId: config.chainId,
    onSubmitted,
  };
}
