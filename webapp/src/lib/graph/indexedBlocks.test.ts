import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { followIndex, onIndexedBlock } from "./indexedBlocks";

// Node has no EventSource or document: the index's block stream is a small stand-in the test fires by hand, and the
// document is a visible page.
class BlockStream {
  static last: BlockStream | undefined;
  readonly listeners = new Map<string, (event: { data?: string }) => void>();
  constructor(readonly url: string) {
    BlockStream.last = this;
  }
  addEventListener(name: string, listener: (event: { data?: string }) => void): void {
    this.listeners.set(name, listener);
  }
  fire(name: string, data?: string): void {
    this.listeners.get(name)?.({ data });
  }
  close(): void {}
}

const config = { indexerBlocksUrl: "http://127.0.0.1:1/blocks" };

/** A load whose runs are counted and each held open until the test lets it finish. */
function heldLoad() {
  const pending: Array<() => void> = [];
  let runs = 0;
  const load = vi.fn(async () => {
    runs += 1;
    await new Promise<void>((resolve) => pending.push(resolve));
  });
  return {
    load,
    runs: () => runs,
    finishOne: async () => {
      pending.shift()?.();
      await vi.advanceTimersByTimeAsync(0);
    },
  };
}

describe("followIndex", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.stubGlobal("EventSource", BlockStream);
    vi.stubGlobal("document", {
      visibilityState: "visible",
      addEventListener: () => undefined,
      removeEventListener: () => undefined,
    });
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  it("hands on the number of each block the index streams, and none for a poll or a malformed event", async () => {
    const seen: Array<number | undefined> = [];
    const stop = onIndexedBlock(config, (block) => seen.push(block), { pollMs: 1_000 });
    await vi.advanceTimersByTimeAsync(1_000); // not streaming yet: a poll
    BlockStream.last!.fire("open");
    BlockStream.last!.fire("block", '{"number":"1234"}');
    BlockStream.last!.fire("block", "not json");
    expect(seen).toEqual([undefined, 1234, undefined]);
    stop();
  });

  it("runs at once, then once more for any number of blocks that arrive during a run", async () => {
    const held = heldLoad();
    const stop = followIndex(config, held.load);
    BlockStream.last!.fire("open");
    expect(held.runs()).toBe(1);
    for (let i = 0; i < 5; i++) BlockStream.last!.fire("block");
    expect(held.runs()).toBe(1); // never two at once
    await held.finishOne();
    expect(held.runs()).toBe(2); // the blocks during the first run asked for exactly one more
    await held.finishOne();
    expect(held.runs()).toBe(2); // nothing new since: it waits for the next block
    BlockStream.last!.fire("block");
    expect(held.runs()).toBe(3);
    stop();
  });

  it("keeps following after a load fails", async () => {
    let calls = 0;
    const stop = followIndex(config, async () => {
      calls += 1;
      throw new Error("index unreachable");
    });
    BlockStream.last!.fire("open");
    await vi.advanceTimersByTimeAsync(0);
    BlockStream.last!.fire("block");
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toBe(2);
    stop();
  });

  it("tells a run in flight that it was stopped, and runs no more after stop", async () => {
    let seen: boolean | undefined;
    let release!: () => void;
    let runs = 0;
    const stop = followIndex(config, async (stopped) => {
      runs += 1;
      await new Promise<void>((resolve) => (release = resolve));
      seen = stopped();
    });
    BlockStream.last!.fire("open");
    BlockStream.last!.fire("block"); // asks for a second run
    stop();
    release();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(seen).toBe(true);
    expect(runs).toBe(1); // the block asked for a second run, but stop came first
    BlockStream.last!.fire("block");
    await vi.advanceTimersByTimeAsync(0);
    expect(runs).toBe(1);
  });

  it("polls while the index streams no blocks, and skips the first run when asked", async () => {
    const runs: number[] = [];
    const stop = followIndex(config, async () => void runs.push(Date.now()), { pollMs: 2_000, immediate: false });
    expect(runs).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(4_100);
    expect(runs).toHaveLength(2);
    stop();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(runs).toHaveLength(2);
  });
});
