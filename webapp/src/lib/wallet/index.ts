export { wallet, loadWallet, WalletState } from "./wallet.svelte";
export { hasRecentConnection } from "./recent";
export type { WalletRuntime } from "./runtime";
