import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { compareSnapshot, evaluateTargets, formatTargetLine, gasRatio, toSnapshot, type GasTarget } from "./targets.ts";

const tipTarget: GasTarget = {
  name: "tip_repeat",
  description: "repeat tip vs transferFrom",
  measured: "mesi.tip",
  baseline: "erc20.transferFrom",
  maxRatio: 1.3,
};

describe("gas targets", () => {
  it("rounds ratios to three decimals", () => {
    assert.equal(gasRatio(52_646n, 40_497n), 1.3);
    assert.equal(gasRatio(1n, 3n), 0.333);
    assert.throws(() => gasRatio(1n, 0n));
  });

  it("passes at the bound and misses just past it", () => {
    const [atBound] = evaluateTargets([tipTarget], { "mesi.tip": 13_000n, "erc20.transferFrom": 10_000n });
    assert.equal(atBound?.ok, true);
    const [past] = evaluateTargets([tipTarget], { "mesi.tip": 13_006n, "erc20.transferFrom": 10_000n });
    assert.equal(past?.ok, false);
    assert.equal(formatTargetLine(past!), "TARGET tip_repeat measured=1.301x goal=<=1.30x status=miss");
  });

  it("refuses a target whose measurements are missing", () => {
    assert.throws(() => evaluateTargets([tipTarget], { "mesi.tip": 1n }), /erc20.transferFrom/);
  });
});

describe("gas snapshot", () => {
  const committed = toSnapshot({ a: 100_000n, b: 50_000n, c: 10_000n }, ["a", "b", "c"]);

  it("stores sorted decimal strings", () => {
    assert.deepEqual(Object.entries(toSnapshot({ z: 2n, a: 1n }, ["z", "a"])), [
      ["a", "1"],
      ["z", "2"],
    ]);
  });

  it("allows 1 % growth and flags more", () => {
    const fresh = toSnapshot({ a: 101_000n, b: 50_501n, c: 9_000n }, ["a", "b", "c"]);
    const result = compareSnapshot(committed, fresh, 0.01);
    assert.deepEqual(result.regressions, ["b: 50000 → 50501 (+1.00 %)"]);
    assert.deepEqual(result.improvements, ["c: 10000 → 9000 (-10.00 %)"]);
    assert.deepEqual(result.mismatchedKeys, []);
  });

  it("flags measurements added or dropped", () => {
    const fresh = toSnapshot({ a: 100_000n, b: 50_000n, d: 1n }, ["a", "b", "d"]);
    const result = compareSnapshot(committed, fresh, 0.01);
    assert.deepEqual(result.mismatchedKeys, ["c: no longer measured", "d: not in the committed snapshot"]);
  });
});
