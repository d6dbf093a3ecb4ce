import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { KEY_REFRESH_MS, watchStream, type WatchOptions } from "./watchSession";
import type { GateAnswer } from "./types";

// A stand-in for the browser's EventSource (node has none): records the URLs opened and lets the test emit events.
class FakeEventSource {
  static opened: FakeEventSource[] = [];
  readonly listeners = new Map<string, (event: { data: string }) => void>();
  onerror: (() => void) | null = null;
  closed = false;
  constructor(readonly url: URL) {
    FakeEventSource.opened.push(this);
  }
  addEventListener(name: string, listener: (event: { data: string }) => void): void {
    this.listeners.set(name, listener);
  }
  emit(name: string, data: unknown): void {
    this.listeners.get(name)?.({ data: JSON.stringify(data) });
  }
  close(): void {
    this.closed = true;
  }
}

const answer = (allow: boolean, reason: GateAnswer["reason"]): GateAnswer => ({
  allow,
  reason,
  streamId: "9",
  viewer: "0x0000000000000000000000000000000000000001",
});

/** Watches stream 9 through a gate at an address nobody serves, signed in, with callbacks that do nothing unless given. */
function watch(options: Partial<Omit<WatchOptions, "fetch">> & { fetch: unknown }): () => void {
  return watchStream({
    gateUrl: "http://127.0.0.1:1",
    streamId: "9",
    signedIn: true,
    onAccess: () => {},
    onRemoved: () => {},
    onKey: () => {},
    ...options,
    fetch: options.fetch as typeof fetch,
  });
}

describe("watching a stream: access keys and the gate's events", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    FakeEventSource.opened = [];
    vi.stubGlobal("EventSource", FakeEventSource);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it("fetches a fresh key before each one's 60 s run out, and passes the key to the event stream", async () => {
    let minted = 0;
    const fetchStub = vi.fn(async () => new Response(JSON.stringify({ accessKey: `key-${++minted}` })));
    const keys: (string | null)[] = [];
    const stop = watch({
      fetch: fetchStub,
      onKey: (key) => keys.push(key),
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(keys).toEqual(["key-1"]);
    expect(FakeEventSource.opened[0]!.url.searchParams.get("accessKey")).toBe("key-1");
    expect(KEY_REFRESH_MS).toBeLessThan(60_000);
    await vi.advanceTimersByTimeAsync(KEY_REFRESH_MS * 3);
    expect(keys).toEqual(["key-1", "key-2", "key-3", "key-4"]);
    expect(fetchStub).toHaveBeenCalledWith("/live/9/key", expect.objectContaining({ method: "POST" }));
    stop();
    await vi.advanceTimersByTimeAsync(KEY_REFRESH_MS * 2);
    expect(keys).toHaveLength(4);
    expect(FakeEventSource.opened[0]!.closed).toBe(true);
  });

  it("relays access and removal; a dropped event stream reopens with a fresh key", async () => {
    let minted = 0;
    const fetchStub = async () => new Response(JSON.stringify({ accessKey: `key-${++minted}` }));
    const seen: string[] = [];
    const stop = watch({
      fetch: fetchStub,
      onAccess: (a) => seen.push(`access:${a.reason}`),
      onRemoved: (a) => seen.push(`removed:${a.reason}`),
    });
    await vi.advanceTimersByTimeAsync(0);
    const first = FakeEventSource.opened[0]!;
    first.emit("access", answer(true, "public"));
    first.emit("access", answer(false, "ticket_only"));
    first.emit("removed", answer(false, "ticket_only"));
    expect(seen).toEqual(["access:public", "access:ticket_only", "removed:ticket_only"]);
    first.onerror?.();
    expect(first.closed).toBe(true);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(FakeEventSource.opened).toHaveLength(2);
    expect(FakeEventSource.opened[1]!.url.searchParams.get("accessKey")).toBe("key-2");
    stop();
  });

  it("without a session: no key is asked for, the event stream opens without one", async () => {
    const fetchStub = vi.fn();
    const keys: (string | null)[] = [];
    const stop = watch({
      signedIn: false,
      fetch: fetchStub,
      onKey: (key) => keys.push(key),
    });
    await vi.advanceTimersByTimeAsync(KEY_REFRESH_MS * 2);
    expect(fetchStub).not.toHaveBeenCalled();
    expect(keys).toEqual([null]);
    expect(FakeEventSource.opened[0]!.url.searchParams.has("accessKey")).toBe(false);
    stop();
  });

  it("an invite link is presented to the gate with the key before each event stream opens; a refused token is reported", async () => {
    let minted = 0;
    const calls: string[] = [];
    const fetchStub = async (url: string, init?: RequestInit) => {
      calls.push(`${url} ${init?.body ?? ""}`);
      if (url.endsWith("/invites/redeem")) {
        return new Response(JSON.stringify({ error: "invite signature is malformed" }), { status: 400 });
      }
      return new Response(JSON.stringify({ accessKey: `key-${++minted}` }));
    };
    const rejected: string[] = [];
    const stop = watch({
      invite: "tok",
      fetch: fetchStub,
      onInviteRejected: (error) => rejected.push(error),
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toEqual([
      "/live/9/key ",
      `http://127.0.0.1:1/invites/redeem ${JSON.stringify({ invite: "tok", accessKey: "key-1" })}`,
    ]);
    expect(rejected).toEqual(["invite signature is malformed"]);
    expect(FakeEventSource.opened).toHaveLength(1);
    FakeEventSource.opened[0]!.onerror?.();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(calls.at(-1)).toContain('"accessKey":"key-2"');
    expect(FakeEventSource.opened).toHaveLength(2);
    stop();
  });

  it("without a session an invite is not presented (there is no wallet to keep it for)", async () => {
    const fetchStub = vi.fn();
    const stop = watch({
      signedIn: false,
      invite: "tok",
      fetch: fetchStub,
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(fetchStub).not.toHaveBeenCalled();
    expect(FakeEventSource.opened).toHaveLength(1);
    stop();
  });
});
