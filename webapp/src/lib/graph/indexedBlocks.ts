// "Something new may be in the index": live lists (a creator's tips, a stream's alerts) refresh on each newly
// indexed block when the index streams them (the embedded indexer's server-sent events), and every second
// otherwise (or every `pollMs`). Only while the tab is visible; a dropped stream reconnects (EventSource retries by itself) and polls
// meanwhile, so a list is never left stale.
import type { PublicConfig } from "$lib/config/types";

const POLL_MS = 1_000;

/**
 * Calls `refresh` whenever the index may hold something new; returns the function that stops it. `pollMs`: how
 * often to refresh while the index streams no blocks (default 1 s; heavier pages poll slower).
 */
export function onIndexedBlock(
  config: Pick<PublicConfig, "indexerBlocksUrl">,
  refresh: () => void,
  options: { readonly pollMs?: number } = {},
): () => void {
  const pollMs = options.pollMs ?? POLL_MS;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let source: EventSource | undefined;
  let streaming = false;

  const visible = (): boolean => document.visibilityState === "visible";
  const poll = (): void => {
    timer = setTimeout(() => {
      if (stopped) return;
      if (!streaming && visible()) refresh();
      poll();
    }, pollMs);
  };
  poll();

  if (config.indexerBlocksUrl !== null && typeof EventSource !== "undefined") {
    source = new EventSource(config.indexerBlocksUrl);
    source.addEventListener("open", () => (streaming = true));
    source.addEventListener("error", () => (streaming = false));
    source.addEventListener("block", () => {
      if (visible()) refresh();
    });
  }
  const onVisible = (): void => {
    if (visible()) refresh();
  };
  document.addEventListener("visibilitychange", onVisible);

  return () => {
    stopped = true;
    clearTimeout(timer);
    source?.close();
    document.removeEventListener("visibilitychange", onVisible);
  };
}
