// Whether this browser used a wallet before: read on every page load, so it must not pull the wallet libraries.

export const WALLET_STORAGE_KEY = "mesi.wallet";

/** True when this browser connected a wallet before, so the page should reconnect it on load. */
export function hasRecentConnection(): boolean {
  try {
    return window.localStorage.getItem(`${WALLET_STORAGE_KEY}.recentConnectorId`) !== null;
  } catch {
    return false;
  }
}
