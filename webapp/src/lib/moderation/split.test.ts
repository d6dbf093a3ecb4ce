import { parseEther } from "viem";
import { describe, expect, it } from "vitest";

import { parseSplitBps, splitSession } from "./split";

describe("splitSession", () => {
  it("splits as the escrow does: the creator's part rounded down, the fee taken from it, the rest to the fan", () => {
    expect(splitSession(parseEther("100"), 6_000, 1_000n)).toEqual({
      creatorBps: 6_000,
      creatorGross: parseEther("60"),
      fee: parseEther("6"),
      creatorNet: parseEther("54"),
      fanAmount: parseEther("40"),
    });
    const odd = splitSession(333n, 3_333, 1_000n);
    expect(odd.creatorGross).toBe(110n); // 333 × 3333 / 10000 = 110.9889 → 110
    expect(odd.fee).toBe(11n);
    expect(odd.fanAmount).toBe(223n);
    expect(odd.creatorGross + odd.fanAmount).toBe(333n);
  });
  it("all to one side at the ends", () => {
    expect(splitSession(1000n, 0, 1_000n)).toMatchObject({ creatorGross: 0n, fee: 0n, fanAmount: 1000n });
    expect(splitSession(1000n, 10_000, 0n)).toMatchObject({ creatorNet: 1000n, fanAmount: 0n });
  });
});

describe("parseSplitBps", () => {
  it("takes whole basis points from 0 to 10,000 only", () => {
    expect(parseSplitBps(" 2500 ")).toEqual({ ok: true, bps: 2500 });
    expect(parseSplitBps("0")).toEqual({ ok: true, bps: 0 });
    expect(parseSplitBps("10000")).toEqual({ ok: true, bps: 10_000 });
    expect(parseSplitBps("10001")).toEqual({ ok: false, problem: "tooLarge" });
    expect(parseSplitBps("99999999999999999999")).toEqual({ ok: false, problem: "tooLarge" });
    expect(parseSplitBps("12.5")).toEqual({ ok: false, problem: "notWhole" });
    expect(parseSplitBps("-1")).toEqual({ ok: false, problem: "notWhole" });
    expect(parseSplitBps("")).toEqual({ ok: false, problem: "notWhole" });
  });
});
