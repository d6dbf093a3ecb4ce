// The browser side of watching one stream: the short-lived access key (minted by the webapp's server from the SIWE
// session, refreshed well before its 60 s run out) and the gate's server-sent events — `access` now and on every
// change, `removed` the moment an admitted viewer stops qualifying. Reconnects with a fresh key if the event
// stream drops. A viewer who came through an invite link presents it to the gate (`POST /invites/redeem`) with the
// key before every event stream opens, so the gate decides with it (and again after a gate restart).
import type { GateAnswer } from "./types";

/** A fresh key is fetched this long after the last (keys live 60 s). */
export const KEY_REFRESH_MS = 40_000;

export interface WatchCallbacks {
  /** The gate's current decision (first answer, and again on every change). */
  onAccess(answer: GateAnswer): void;
  /** An admitted viewer no longer qualifies: unmount the player now. */
  onRemoved(answer: GateAnswer): void;
  /** The key the player sends as `Livepeer-Access-Key` (null: watching without a wallet). */
  onKey(key: string | null): void;
  /** The gate refused the invite link itself (malformed or tampered token): the gate's sentence. */
  onInviteRejected?(error: string): void;
}

export interface WatchOptions extends WatchCallbacks {
  readonly gateUrl: string;
  readonly streamId: string;
  /** Whether the page has a SIWE session (else no key is asked for). */
  readonly signedIn: boolean;
  /** The invite link's token (`?invite=`), if the viewer came through one. */
  readonly invite?: string | null;
  readonly fetch?: typeof fetch;
}

/** Asks the webapp's server for a key for `streamId`; null without a session. */
export async function fetchAccessKey(streamId: string, doFetch: typeof fetch = fetch): Promise<string | null> {
  const response = await doFetch(`/live/${streamId}/key`, { method: "POST", credentials: "same-origin" });
  if (response.status === 401) return null;
  if (!response.ok) throw new Error(`the access key request answered ${response.status}`);
  return ((await response.json()) as { accessKey: string }).accessKey;
}

/**
 * Presents an invite link's token to the gate for the key's wallet. Resolves null when the gate took it (its
 * decision then arrives on the event stream), or the gate's reason for refusing the token itself.
 */
export async function redeemInvite(
  gateUrl: string,
  invite: string,
  accessKey: string,
  doFetch: typeof fetch = fetch,
): Promise<string | null> {
  const response = await doFetch(`${gateUrl}/invites/redeem`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ invite, accessKey }),
  });
  if (response.ok) return null;
  const body = (await response.json().catch(() => ({}))) as { error?: unknown };
  return typeof body.error === "string" ? body.error : `the gate answered ${response.status}`;
}

/** Starts watching; returns the function that stops everything (event stream, timers). */
export function watchStream(options: WatchOptions): () => void {
  const doFetch = options.fetch ?? fetch;
  let stopped = false;
  let key: string | null = null;
  let events: EventSource | null = null;
  let refresh: ReturnType<typeof setTimeout> | undefined;
  let retry: ReturnType<typeof setTimeout> | undefined;

  const newKey = async (): Promise<string | null> => {
    if (!options.signedIn) return null;
    try {
      key = await fetchAccessKey(options.streamId, doFetch);
    } catch {
      // keep the last key; the next refresh tries again
    }
    if (!stopped) options.onKey(key);
    return key;
  };

  const scheduleRefresh = (): void => {
    refresh = setTimeout(async () => {
      await newKey();
      if (!stopped) scheduleRefresh();
    }, KEY_REFRESH_MS);
  };

  const presentInvite = async (): Promise<void> => {
    if (options.invite === undefined || options.invite === null || options.invite === "" || key === null) return;
    const problem = await redeemInvite(options.gateUrl, options.invite, key, doFetch).catch(() => null);
    if (problem !== null && !stopped) options.onInviteRejected?.(problem);
  };

  const open = async (): Promise<void> => {
    await presentInvite();
    if (stopped) return;
    const url = new URL(`${options.gateUrl}/streams/${options.streamId}/events`);
    if (key !== null) url.searchParams.set("accessKey", key);
    const source = new EventSource(url);
    events = source;
    source.addEventListener("access", (event) => options.onAccess(JSON.parse((event as MessageEvent).data)));
    source.addEventListener("removed", (event) => options.onRemoved(JSON.parse((event as MessageEvent).data)));
    source.onerror = () => {
      // The browser's own reconnect would reuse an expired key: reopen with a fresh one.
      source.close();
      if (stopped) return;
      retry = setTimeout(async () => {
        await newKey();
        await open();
      }, 1_000);
    };
  };

  void (async () => {
    await newKey();
    if (options.signedIn) scheduleRefresh();
    if (!options.signedIn) options.onKey(null);
    await open();
  })();

  return () => {
    stopped = true;
    clearTimeout(refresh);
    clearTimeout(retry);
    events?.close();
  };
}
