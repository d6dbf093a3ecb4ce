// Public pages as anonymous visitors see them — the home page, a creator's profile, a tipping link — are the same
// for every such visitor. When a creator shares a link, a burst of visitors shares one render per second instead
// of each costing a full render (what a CDN's micro-cache does in front of Patreon-like pages). Signed-in
// visitors, data requests, and anything but a plain 200 HTML answer are never cached; live parts of these pages
// (tips, sales) refresh in the browser, so a page at most a second old shows nothing stale for long.
import { microCache } from "./microCache";

const PUBLIC_PAGES = /^\/(?:c\/[^/]+|tip\/[^/]+)?$/;
const TTL_MS = 1_000;
// Past its second, a page is still answered for this long while one render replaces it in the background: under
// a burst, no visitor waits for a render (and its index reads) after the first one.
const STALE_MS = 2_000;

export interface PageRequest {
  readonly method: string;
  readonly url: URL;
  readonly isDataRequest: boolean;
  /** The visitor has a session cookie (signed in): their pages are theirs alone. */
  readonly signedIn: boolean;
}

export function isCacheable(request: PageRequest): boolean {
  return (
    request.method === "GET" && !request.signedIn && !request.isDataRequest && PUBLIC_PAGES.test(request.url.pathname)
  );
}

interface Snapshot {
  readonly status: number;
  readonly headers: [string, string][];
  /** Encoded once, so each visitor's answer costs a copy, not an encoding of the whole page. */
  readonly body: Uint8Array;
}

/** A rendered answer that must not be shared (an error page, a redirect, a cookie). */
class NotShareable extends Error {
  constructor(readonly snapshot: Snapshot) {
    super("not shareable");
  }
}

async function snapshotOf(response: Response): Promise<Snapshot> {
  return {
    status: response.status,
    headers: [...response.headers],
    body: new Uint8Array(await response.arrayBuffer()),
  };
}

const toResponse = (snapshot: Snapshot): Response =>
  new Response(snapshot.body, { status: snapshot.status, headers: snapshot.headers });

export function anonymousPageCache(ttlMs = TTL_MS, maxEntries = 500, now: () => number = Date.now, staleMs = STALE_MS) {
  const cache = microCache<Snapshot>(ttlMs, { maxEntries, now, staleMs });
  return {
    /** The page for `url`, rendered by `render` at most once per `ttlMs` for all anonymous visitors together. */
    async serve(url: URL, render: () => Promise<Response>): Promise<Response> {
      try {
        return toResponse(
          await cache.get(url.pathname + url.search, async () => {
            const snapshot = await snapshotOf(await render());
            const html = snapshot.headers.some(([k, v]) => k === "content-type" && v.startsWith("text/html"));
            const cookie = snapshot.headers.some(([k]) => k === "set-cookie");
            if (snapshot.status !== 200 || !html || cookie) throw new NotShareable(snapshot);
            return snapshot;
          }),
        );
      } catch (error) {
        if (error instanceof NotShareable) return toResponse(error.snapshot);
        throw error;
      }
    },
  };
}
