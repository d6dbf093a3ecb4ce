// What the two KYF pages (the fan's /me/kyf and the creator's /studio/fans) load in the browser: the wallet and the
// chain context KYF's chain actions take, and a SIWE sign-in (connecting a wallet first) that reloads the page's
// data with the new session. Both load on first use, not with the page.
import { invalidateAll } from "$app/navigation";

import type { PublicConfig } from "$lib/config/types";
import { loadWallet, wallet, type WalletRuntime } from "$lib/wallet";

import type { KyfContext } from "./chainActions";

export async function kyfContext(config: PublicConfig): Promise<{ runtime: WalletRuntime; chain: KyfContext }> {
  const runtime = await loadWallet(config);
  const { mesiContracts } = await import("$lib/contracts/mesi");
  return { runtime, chain: { wagmi: runtime.config, mesi: mesiContracts(config), chainId: config.chainId } };
}

/** Opens the connect dialog when no wallet is connected; otherwise signs in with `statement` and reloads the data. */
export async function signInForKyf(config: PublicConfig, statement: string): Promise<void> {
  const { runtime } = await kyfContext(config);
  if (!wallet.connected) return void (await runtime.openConnectModal());
  const { signIn } = await import("$lib/siwe/signIn");
  await signIn(runtime.config, config.chainId, statement);
  await invalidateAll();
}
