import { describe, expect, it } from "vitest";

import { checkReport, MAX_SCREENSHOT_BYTES, sniffImageType } from "./checkReport";

describe("checkReport", () => {
  const shot = { name: "a.png", type: "image/png", size: 1000 };
  it("accepts text and up to four images", () => {
    expect(checkReport("The creator insulted me.", [shot, shot, shot, shot])).toEqual([]);
  });
  it("names each problem", () => {
    expect(checkReport("short", [])).toEqual([{ field: "text", problem: "tooShort" }]);
    expect(checkReport("x".repeat(4001), [])).toEqual([{ field: "text", problem: "tooLong" }]);
    expect(checkReport("long enough text", [{ name: "a.pdf", type: "application/pdf", size: 10 }])).toEqual([
      { field: "files", problem: "badType", name: "a.pdf" },
    ]);
    expect(checkReport("long enough text", [{ ...shot, size: MAX_SCREENSHOT_BYTES + 1 }])).toEqual([
      { field: "files", problem: "tooBig", name: "a.png" },
    ]);
    expect(checkReport("long enough text", Array(5).fill(shot))[0]).toEqual({ field: "files", problem: "tooMany" });
  });
  it("sniffs the real type from the bytes", () => {
    expect(sniffImageType(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).toBe("image/png");
    expect(sniffImageType(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))).toBe("image/jpeg");
    expect(sniffImageType(new TextEncoder().encode("RIFF1234WEBPVP8 "))).toBe("image/webp");
    expect(sniffImageType(new TextEncoder().encode("%PDF-1.7"))).toBeNull();
  });
});
