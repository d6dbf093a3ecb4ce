// "Something new may be in the index": live lists (a creator's tips, a stream's alerts) refresh on each newly
// indexed block when the index streams them (the embedded indexer's server-sent events), and every second
// otherwise (or every `pollMs`). Only while the tab is visible; a dropped stream reconnects (EventSource retries by itself) and polls
// meanwhile, so a list is never left stale.
import type { PublicConfig } from "$lib/config/types";

const POLL_MS = 1_000;

/**
 * Calls `refresh` whenever the index may hold something new, with the newly indexed block's number when the index
 * streamed it (undefined on a poll or when the tab comes back); returns the function that stops it. `pollMs`: how
 * often to refresh while the index streams no blocks (default 1 s; heavier pages poll slower).
 */
export function onIndexedBlock(
  config: Pick<PublicConfig, "indexerBlocksUrl">,
  refresh: (block?: number) => void,
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
    source.addEventListener("block", (event) => {
      if (visible()) refresh(blockNumberOf(event));
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

/** The block number in the indexer's `block` event (`{"number":"123"}`), if it parses. */
function blockNumberOf(event: Event): number | undefined {
  try {
    const number = Number((JSON.parse((event as MessageEvent<string>).data) as { number?: unknown }).number);
    return Number.isSafeInteger(number) ? number : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs `load` now and again whenever the index may hold something new (see `onIndexedBlock`), one run at a time:
 * a block that arrives during a run asks for exactly one more run when it ends, so a slow query is never stacked
 * and the last block is never missed. `load` gets `stopped()` to check before it writes state after an await, and
 * handles its own errors (the next block tries again). `immediate: false` skips the first run, for lists the server
 * already rendered. Returns the function that stops it.
 */
export function followIndex(
  config: Pick<PublicConfig, "indexerBlocksUrl">,
  load: (stopped: () => boolean) => Promise<void>,
  options: { readonly pollMs?: number; readonly immediate?: boolean } = {},
): () => void {
  let stopped = false;
  let running = false;
  let again = false;
  const isStopped = (): boolean => stopped;
  const run = async (): Promise<void> => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        await load(isStopped).catch(() => undefined);
      } while (again && !stopped);
    } finally {
      running = false;
    }
  };
  if (options.immediate !== false) void run();
  const stop = onIndexedBlock(config, () => void run(), options);
  return () => {
    stopped = true;
    stop();
  };
}
