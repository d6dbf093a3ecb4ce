export { wallet, loadWallet, WalletState } from "./wallet.svelte";
export { readyWallet } from "./ready";
export { hasRecentConnection } from "./recent";
export type { WalletRuntime } from "./runtime";
