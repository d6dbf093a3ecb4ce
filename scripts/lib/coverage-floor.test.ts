import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { filesBelowFloor } from "./coverage-floor.ts";

describe("filesBelowFloor", () => {
  it("names a weak file even when the total is above the floor", () => {
    const files = [
      { file: "contracts/Big.sol", linesHit: 990, lines: 1000, branchesHit: 400, branches: 400 },
      { file: "contracts/Small.sol", linesHit: 18, lines: 20, branchesHit: 9, branches: 10 },
    ];
    // Total lines 1008/1020 = 98.8 %, branches 409/410 = 99.8 %: only the per-file floor catches Small.sol.
    assert.deepEqual(filesBelowFloor(files, 95), ["contracts/Small.sol: lines 90.00% (18/20), branches 90.00% (9/10)"]);
  });

  it("checks lines and branches apart, at the bound, and counts a file without branches as covered", () => {
    const files = [
      { file: "A.sol", linesHit: 95, lines: 100, branchesHit: 94, branches: 100 },
      { file: "B.sol", linesHit: 1, lines: 1, branchesHit: 0, branches: 0 },
    ];
    assert.deepEqual(filesBelowFloor(files, 95), ["A.sol: branches 94.00% (94/100)"]);
  });
});
