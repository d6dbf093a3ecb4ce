import { keccak256, stringToBytes } from "viem";
import { describe, expect, it } from "vitest";

import { canonicalEvidence, evidenceHash, fileHash } from "./evidence";

describe("evidence hash", () => {
  const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
  const evidence = { text: "  He never showed up.  ", files: [{ hash: fileHash(png), type: "image/png", size: 7 }] };

  it("is keccak256 of a canonical JSON with sorted keys and trimmed text", () => {
    const json = canonicalEvidence(evidence);
    expect(json).toBe(
      `{"files":[{"hash":"${keccak256(png)}","size":7,"type":"image/png"}],"text":"He never showed up.","version":1}`,
    );
    expect(evidenceHash(evidence)).toBe(keccak256(stringToBytes(json)));
  });

  it("changes when the text or any file changes", () => {
    const base = evidenceHash(evidence);
    expect(evidenceHash({ ...evidence, text: "He never showed up!" })).not.toBe(base);
    expect(
      evidenceHash({ ...evidence, files: [{ ...evidence.files[0]!, hash: fileHash(new Uint8Array([0])) }] }),
    ).not.toBe(base);
    expect(evidenceHash({ ...evidence, files: [] })).not.toBe(base);
  });
});
