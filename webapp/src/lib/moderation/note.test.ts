import { keccak256, stringToBytes } from "viem";
import { describe, expect, it } from "vitest";

import { checkNote } from "./note";
import { noteHash } from "./noteHash";

describe("moderator notes", () => {
  it("hashes the trimmed, NFC-normalised text, so the same words give the same hash", () => {
    expect(noteHash("  Refund most of it.  ")).toBe(keccak256(stringToBytes("Refund most of it.")));
    expect(noteHash("Cafe\u0301 owner")).toBe(noteHash("Caf\u00e9 owner"));
    expect(noteHash("a")).not.toBe(noteHash("b"));
  });
  it("needs a few words and no more than 2,000 characters", () => {
    expect(checkNote("  ok  ")).toBe("tooShort");
    expect(checkNote("Fan was blocked right after paying.")).toBeNull();
    expect(checkNote("x".repeat(2_001))).toBe("tooLong");
  });
});
