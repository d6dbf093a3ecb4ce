import { describe, expect, it } from "vitest";

import { microCache } from "./microCache";

describe("microCache", () => {
  it("shares one load between concurrent callers and reuses it until the TTL passes", async () => {
    let clock = 0;
    let loads = 0;
    const cache = microCache<number>(1_000, { maxEntries: 10, now: () => clock });
    const load = async () => ++loads;
    expect(await Promise.all([cache.get("a", load), cache.get("a", load)])).toEqual([1, 1]);
    clock = 999;
    expect(await cache.get("a", load)).toBe(1);
    clock = 1_000;
    expect(await cache.get("a", load)).toBe(2);
    expect(await cache.get("b", load)).toBe(3);
  });

  it("never keeps a failure", async () => {
    const cache = microCache<number>(1_000);
    await expect(cache.get("a", () => Promise.reject(new Error("down")))).rejects.toThrow("down");
    expect(await cache.get("a", async () => 7)).toBe(7);
  });

  it("drops the oldest entry beyond its size", async () => {
    let loads = 0;
    const cache = microCache<number>(60_000, { maxEntries: 2 });
    const load = async () => ++loads;
    await cache.get("a", load);
    await cache.get("b", load);
    await cache.get("c", load);
    expect(await cache.get("a", load)).toBe(4);
  });

  it("answers a stale value while one load replaces it, and waits once the stale window has passed", async () => {
    let clock = 0;
    let loads = 0;
    const gates: (() => void)[] = [];
    const cache = microCache<number>(1_000, { now: () => clock, staleMs: 2_000 });
    const load = () => new Promise<number>((resolve) => gates.push(() => resolve(++loads)));
    const first = cache.get("a", load);
    gates.shift()!();
    expect(await first).toBe(1);
    clock = 1_500; // past the TTL, inside the stale window: the old value at once, one load behind it
    expect(await Promise.all([cache.get("a", load), cache.get("a", load), cache.get("a", load)])).toEqual([1, 1, 1]);
    expect(gates).toHaveLength(1);
    gates.shift()!();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(await cache.get("a", load)).toBe(2);
    clock = 1_500 + 3_000; // past TTL + stale window of the second load: the caller waits for a new one
    const waiting = cache.get("a", load);
    expect(gates).toHaveLength(1);
    gates.shift()!();
    expect(await waiting).toBe(3);
  });

  it("keeps answering the stale value when its replacement fails, and tries again on the next call", async () => {
    let clock = 0;
    const cache = microCache<number>(1_000, { now: () => clock, staleMs: 2_000 });
    expect(await cache.get("a", async () => 1)).toBe(1);
    clock = 1_200;
    expect(await cache.get("a", () => Promise.reject(new Error("index down")))).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(await cache.get("a", async () => 2)).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(await cache.get("a", async () => 3)).toBe(2);
  });
});
