export { wallet, loadWallet, WalletState } from "./wallet.svelte";
export { hasRecentConnection } from "./wagmiConfig";
export { mesiChain } from "./chain";
export type { WalletRuntime } from "./runtime";
