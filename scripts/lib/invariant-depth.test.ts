import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { formatDepth, parseDepthLog } from "./invariant-depth.ts";

describe("invariant depth log", () => {
  it("summarises each suite's runs as the least and the median of each count", () => {
    const log = [
      "OneToOneEscrow run: calls 500, idle 20, released 9",
      "OneToOneEscrow run: calls 480, idle 10, released 4",
      "OneToOneEscrow run: calls 490, idle 30, released 12",
      "MesiVault run: calls 300, claims 7",
      "noise that is not a run line",
    ].join("\n");
    assert.deepEqual(formatDepth(parseDepthLog(log)), [
      "OneToOneEscrow: 3 runs; per run, least/median: calls 480/490, idle 10/20, released 4/9",
      "MesiVault: 1 runs; per run, least/median: calls 300/300, claims 7/7",
    ]);
  });

  it("reads multi-word count names", () => {
    const runs = parseDepthLog("X run: refused second requests 3, calls 2\n");
    assert.deepEqual(
      [...(runs.get("X") ?? new Map())],
      [
        ["refused second requests", [3]],
        ["calls", [2]],
      ],
    );
  });
});
