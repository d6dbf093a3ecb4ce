// A tiny server-side cache for hot pages: concurrent requests for the same key share one load, and its result
// is reused for `ttlMs` (about a second: a profile shown at most a second old, while the browser's own poll
// keeps the history live). Failures are never cached.

export interface MicroCache<T> {
  get(key: string, load: () => Promise<T>): Promise<T>;
}

export function microCache<T>(ttlMs: number, maxEntries = 1_000, now: () => number = Date.now): MicroCache<T> {
  const entries = new Map<string, { value: Promise<T>; at: number }>();
  return {
    get(key, load) {
      const hit = entries.get(key);
      if (hit !== undefined && now() - hit.at < ttlMs) return hit.value;
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
      const value = load();
      entries.set(key, { value, at: now() });
      value.catch(() => {
        if (entries.get(key)?.value === value) entries.delete(key);
      });
      return value;
    },
  };
}
