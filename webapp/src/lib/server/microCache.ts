// A tiny server-side cache for hot pages: concurrent requests for the same key share one load, and its result
// is reused for `ttlMs` (about a second: a profile shown at most a second old, while the browser's own poll
// keeps the history live). Failures are never cached.
//
// With `staleMs`, a value past its TTL is still answered for that long while one load in the background
// replaces it (stale-while-revalidate): under a burst no visitor waits for a render after the first one.

export interface MicroCache<T> {
  get(key: string, load: () => Promise<T>): Promise<T>;
}

export interface MicroCacheOptions {
  readonly maxEntries?: number;
  readonly now?: () => number;
  /** How long past its TTL a loaded value may still be answered while its replacement loads. */
  readonly staleMs?: number;
}

interface Entry<T> {
  readonly value: Promise<T>;
  readonly at: number;
  settled: boolean;
  refreshing: boolean;
}

export function microCache<T>(ttlMs: number, options: MicroCacheOptions = {}): MicroCache<T> {
  const { maxEntries = 1_000, now = Date.now, staleMs = 0 } = options;
  const entries = new Map<string, Entry<T>>();

  const start = (key: string, load: () => Promise<T>): Entry<T> => {
    const entry: Entry<T> = { value: load(), at: now(), settled: false, refreshing: false };
    entry.value.then(
      () => (entry.settled = true),
      () => {
        if (entries.get(key) === entry) entries.delete(key);
      },
    );
    return entry;
  };

  return {
    get(key, load) {
      const hit = entries.get(key);
      const age = hit === undefined ? Infinity : now() - hit.at;
      if (hit !== undefined && age < ttlMs) return hit.value;
      if (hit !== undefined && hit.settled && age < ttlMs + staleMs) {
        if (!hit.refreshing) {
          hit.refreshing = true;
          const next = start(key, load);
          next.value.then(
            () => entries.get(key) === hit && entries.set(key, next),
            () => (hit.refreshing = false),
          );
        }
        return hit.value;
      }
      if (hit === undefined && entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
      const entry = start(key, load);
      entries.set(key, entry);
      return entry.value;
    },
  };
}
