// The chain context studio actions need, built on demand so wallet code loads only when a creator acts.
import type { ChainContext } from "$lib/account/actions";
import type { PublicConfig } from "$lib/config/types";
import { WalletDisconnectedError } from "$lib/errors";

async function contextFor(config: PublicConfig, ready: boolean): Promise<ChainContext> {
  const wallet = await import("$lib/wallet");
  const runtime = ready ? await wallet.readyWallet(config) : await wallet.loadWallet(config);
  if (runtime === null) throw new WalletDisconnectedError("no wallet is connected");
  const { mesiContracts } = await import("$lib/contracts/mesi");
  return { wagmi: runtime.config, mesi: mesiContracts(config), chainId: config.chainId };
}

/** For reads: the wallet's client, whatever chain the wallet is on (reads name Mesi's chain themselves). */
export function studioContext(config: PublicConfig): Promise<ChainContext> {
  return contextFor(config, false);
}

/** For transactions: the wallet connected and on Mesi's chain (it is asked to switch when it is not). */
export function studioWriteContext(config: PublicConfig): Promise<ChainContext> {
  return contextFor(config, true);
}
