// The chain context studio actions need, built on demand so wallet code loads only when a creator acts.
import type { ChainContext } from "$lib/account/actions";
import type { PublicConfig } from "$lib/config/types";

export async function studioContext(config: PublicConfig): Promise<ChainContext> {
  const { loadWallet } = await import("$lib/wallet");
  const runtime = await loadWallet(config);
  const { mesiContracts } = await import("$lib/contracts/mesi");
  return { wagmi: runtime.config, mesi: mesiContracts(config), chainId: config.chainId };
}
