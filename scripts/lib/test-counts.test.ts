import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { emptyTestFiles, failureDigest, parseTestCounts, settleCounts, skippedTests } from "./test-counts.ts";

const counts = (passed: number, failed: number, skipped = 0, todo = 0) => ({ passed, failed, skipped, todo });

describe("parseTestCounts", () => {
  it("reads Hardhat's solidity and nodejs summaries", () => {
    assert.deepEqual(parseTestCounts("  ✔ test_Add()\n\n\n  4 passing\n"), counts(4, 0));
    assert.deepEqual(parseTestCounts("  2 passing (1568ms)\n  1 failing\n"), counts(2, 1));
    assert.deepEqual(parseTestCounts("\u001b[32m  3 passing\u001b[39m\n\u001b[31m  2 failing\u001b[39m"), counts(3, 2));
  });

  it("uses the last summary when a runner prints several", () => {
    assert.deepEqual(parseTestCounts("  4 passing\n  2 passing\n6 passing (4 solidity, 2 nodejs)\n"), counts(6, 0));
  });

  it("reads node:test's spec and TAP reporters", () => {
    assert.deepEqual(parseTestCounts("ℹ tests 5\nℹ pass 4\nℹ fail 1\nℹ cancelled 0\n"), counts(4, 1));
    assert.deepEqual(parseTestCounts("# tests 3\n# pass 3\n# fail 0\n"), counts(3, 0));
  });

  it("reads vitest's summary in either order", () => {
    assert.deepEqual(parseTestCounts(" Test Files  2 passed (2)\n      Tests  7 passed (7)\n"), counts(7, 0));
    assert.deepEqual(parseTestCounts("      Tests  1 failed | 6 passed (7)\n"), counts(6, 1));
  });

  it("reads skipped and todo counts from every runner", () => {
    assert.deepEqual(parseTestCounts("  5 passing (20ms)\n  1 failing\n  2 skipped\n  1 todo\n"), counts(5, 1, 2, 1));
    assert.deepEqual(parseTestCounts("ℹ pass 1\nℹ fail 0\nℹ cancelled 0\nℹ skipped 3\nℹ todo 1\n"), counts(1, 0, 3, 1));
    assert.deepEqual(parseTestCounts("# pass 1\n# fail 0\n# skipped 2\n# todo 0\n"), counts(1, 0, 2, 0));
    assert.deepEqual(
      parseTestCounts("      Tests  1 failed | 6 passed | 2 skipped | 1 todo (10)\n"),
      counts(6, 1, 2, 1),
    );
  });

  it("reads a Hardhat summary's failures from the last summary only", () => {
    const twoRuns = "  3 passing (1s)\n  1 failing\n\nlater output\n  4 passing (2s)\n  1 skipped\n";
    assert.deepEqual(parseTestCounts(twoRuns), counts(4, 0, 1, 0));
  });

  it("returns undefined without a summary", () => {
    assert.equal(parseTestCounts("No contracts to compile\n"), undefined);
  });
});

describe("settleCounts", () => {
  it("counts a crash without a summary as one failure", () => {
    assert.deepEqual(settleCounts(1, undefined), {
      ...counts(0, 1),
      problem: "exited with code 1 without reporting a failed test",
    });
  });

  it("counts a non-zero exit with only passing tests as one failure", () => {
    assert.deepEqual(settleCounts(1, counts(4, 0)), {
      ...counts(4, 1),
      problem: "exited with code 1 without reporting a failed test",
    });
  });

  it("fails a clean exit without a summary: no test ran", () => {
    assert.deepEqual(settleCounts(0, undefined), { ...counts(0, 1), problem: "printed no test summary: no test ran" });
  });

  it("fails a summary of zero tests", () => {
    assert.deepEqual(settleCounts(0, counts(0, 0)), { ...counts(0, 1), problem: "ran no tests" });
  });

  it("passes a suite whose every test was skipped with the counts as they are", () => {
    assert.deepEqual(settleCounts(0, counts(0, 0, 2)), counts(0, 0, 2));
    assert.deepEqual(settleCounts(0, counts(3, 0, 1, 1)), counts(3, 0, 1, 1));
  });
});

describe("emptyTestFiles", () => {
  it("finds files node:test ran as a test because they declared none", () => {
    const spec = "✔ /tmp/x/empty.test.mjs (81.6ms)\n✔ adds (0.2ms)\n▶ suite\n  ✔ nested.ts (1ms)\n";
    assert.deepEqual(emptyTestFiles(spec), ["/tmp/x/empty.test.mjs", "nested.ts"]);
    assert.deepEqual(emptyTestFiles("ok 1 - /tmp/x/empty.test.ts\nok 2 - adds\n"), ["/tmp/x/empty.test.ts"]);
    assert.deepEqual(emptyTestFiles("✔ reads config.ts values (3ms)\n"), []);
  });
});

describe("skippedTests", () => {
  it("reads node:test spec and TAP skips with their reasons, and a bare `# SKIP` as no reason", () => {
    const spec = [
      "✔ one (0.8ms)",
      "﹣ skipped with reason (0.1ms) # no db here",
      "\u001b[36m﹣ skipped plain (0.07ms) # SKIP\u001b[39m",
      "  ﹣ nested (1.3ms) # suite reason",
    ].join("\n");
    assert.deepEqual(skippedTests(spec), [
      { kind: "skip", name: "skipped with reason", reason: "no db here" },
      { kind: "skip", name: "skipped plain", reason: undefined },
      { kind: "skip", name: "nested", reason: "suite reason" },
    ]);
    const tap = "ok 2 - a # SKIP no db here\nok 3 - b # SKIP\nok 4 - c # TODO later\nok 5 - d\n";
    assert.deepEqual(skippedTests(tap), [
      { kind: "skip", name: "a", reason: "no db here" },
      { kind: "skip", name: "b", reason: undefined },
      { kind: "todo", name: "c", reason: "later" },
    ]);
  });

  it("reads vitest's verbose skips", () => {
    assert.deepEqual(skippedTests("   ↓ needs postgres [no server here]\n   ↓ plain\n   ✓ ran 3ms\n"), [
      { kind: "skip", name: "needs postgres", reason: "no server here" },
      { kind: "skip", name: "plain", reason: undefined },
    ]);
  });

  it("finds nothing in output without skips", () => {
    assert.deepEqual(skippedTests("  ✔ test_Add()\n  - 1 + 2\n  4 passing\n"), []);
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

  it("keeps the first line of each thrown error, so the digest says why a test failed", () => {
    const spec = [
      "  ✖ a fan verifies, a creator asks (35862.09ms)",
      "    TimeoutError: locator.waitFor: Timeout 30000ms exceeded.",
      "    Call log:",
      "      - waiting for locator('[data-stage=\"withdrawn\"]') to be visible",
      "    Error: sign-in did not complete; the page says: (nothing)",
      "        at signIn (kyf.e2e.ts:51:11)",
      "    error [ERR_TEST_FAILURE]: not an error class name",
    ].join("\n");
    assert.deepEqual(failureDigest(spec), [
      "  ✖ a fan verifies, a creator asks (35862.09ms)",
      "    TimeoutError: locator.waitFor: Timeout 30000ms exceeded.",
      "    Error: sign-in did not complete; the page says: (nothing)",
    ]);
    // The spec reporter's summary gives Playwright's reason on the next line, with no error class.
    const summary = [
      "✖ failing tests:",
      "",
      "✖ a creator in a one-to-one stays listed (16070.50ms)",
      "  locator.waitFor: Timeout 10000ms exceeded.",
      "  Call log:",
    ].join("\n");
    assert.deepEqual(failureDigest(summary), [
      "✖ failing tests:",
      "✖ a creator in a one-to-one stays listed (16070.50ms)",
      "  locator.waitFor: Timeout 10000ms exceeded.",
    ]);
  });

  it("falls back to the last lines, and caps the digest", () => {
    assert.deepEqual(failureDigest("one\n\ntwo\nthree\n", 2), ["two", "three"]);
    const many = Array.from({ length: 5 }, (_, i) => `not ok ${i + 1} - case ${i}`).join("\n");
    assert.deepEqual(failureDigest(many, 2), ["not ok 1 - case 0", "not ok 2 - case 1", "… and 3 more"]);
  });
});
