import { describe, expect, it } from "vitest";

import { microCache } from "./microCache";

describe("microCache", () => {
  it("shares one load between concurrent callers and reuses it until the TTL passes", async () => {
    let clock = 0;
    let loads = 0;
    const cache = microCache<number>(1_000, 10, () => clock);
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
    const cache = microCache<number>(60_000, 2);
    const load = async () => ++loads;
    await cache.get("a", load);
    await cache.get("b", load);
    await cache.get("c", load);
    expect(await cache.get("a", load)).toBe(4);
  });
});
