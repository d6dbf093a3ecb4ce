import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { failureDigest, parseTestCounts, settleCounts } from "./test-counts.ts";

describe("parseTestCounts", () => {
  it("reads Hardhat's solidity and nodejs summaries", () => {
    assert.deepEqual(parseTestCounts("  ✔ test_Add()\n\n\n  4 passing\n"), { passed: 4, failed: 0 });
    assert.deepEqual(parseTestCounts("  2 passing (1568ms)\n  1 failing\n"), { passed: 2, failed: 1 });
    assert.deepEqual(parseTestCounts("\u001b[32m  3 passing\u001b[39m\n\u001b[31m  2 failing\u001b[39m"), {
      passed: 3,
      failed: 2,
    });
  });

  it("uses the last summary when a runner prints several", () => {
    assert.deepEqual(parseTestCounts("  4 passing\n  2 passing\n6 passing (4 solidity, 2 nodejs)\n"), {
      passed: 6,
      failed: 0,
    });
  });

  it("reads node:test's spec and TAP reporters", () => {
    assert.deepEqual(parseTestCounts("ℹ tests 5\nℹ pass 4\nℹ fail 1\nℹ cancelled 0\n"), { passed: 4, failed: 1 });
    assert.deepEqual(parseTestCounts("# tests 3\n# pass 3\n# fail 0\n"), { passed: 3, failed: 0 });
  });

  it("reads vitest's summary in either order", () => {
    assert.deepEqual(parseTestCounts(" Test Files  2 passed (2)\n      Tests  7 passed (7)\n"), {
      passed: 7,
      failed: 0,
    });
    assert.deepEqual(parseTestCounts("      Tests  1 failed | 6 passed (7)\n"), { passed: 6, failed: 1 });
  });

  it("returns undefined without a summary", () => {
    assert.equal(parseTestCounts("No contracts to compile\n"), undefined);
  });
});

describe("settleCounts", () => {
  it("counts a crash without a summary as one failure", () => {
    assert.deepEqual(settleCounts(1, undefined), { passed: 0, failed: 1 });
  });

  it("counts a non-zero exit with only passing tests as one failure", () => {
    assert.deepEqual(settleCounts(1, { passed: 4, failed: 0 }), { passed: 4, failed: 1 });
  });

  it("treats a clean exit without a summary as no tests", () => {
    assert.deepEqual(settleCounts(0, undefined), { passed: 0, failed: 0 });
  });
});

describe("failureDigest", () => {
  it("keeps the lines that name failures, without colours", () => {
    const vitest = [
      " \u001b[32m✓\u001b[39m test/ok.test.ts (3 tests) 120ms",
      " \u001b[31m×\u001b[39m a stuck transaction is replaced 1420ms",
      " FAIL  test/chainFaults.test.ts > chain faults > a stuck transaction is replaced",
      "AssertionError: expected null not to be null",
      "      Tests  1 failed | 92 passed (93)",
    ].join("\n");
    assert.deepEqual(failureDigest(vitest), [
      " × a stuck transaction is replaced 1420ms",
      " FAIL  test/chainFaults.test.ts > chain faults > a stuck transaction is replaced",
      "AssertionError: expected null not to be null",
    ]);
    assert.deepEqual(failureDigest("src/a.ts(3,1): error TS2322: Type 'string' is not assignable\nok\n"), [
      "src/a.ts(3,1): error TS2322: Type 'string' is not assignable",
    ]);
    assert.deepEqual(failureDigest("  1) MesiVault\n       claims:\n  2 passing\n"), ["  1) MesiVault"]);
  });

  it("falls back to the last lines, and caps the digest", () => {
    assert.deepEqual(failureDigest("one\n\ntwo\nthree\n", 2), ["two", "three"]);
    const many = Array.from({ length: 5 }, (_, i) => `not ok ${i + 1} - case ${i}`).join("\n");
    assert.deepEqual(failureDigest(many, 2), ["not ok 1 - case 0", "not ok 2 - case 1", "… and 3 more"]);
  });
});
