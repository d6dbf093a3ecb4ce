import { formatUnits as viemFormatUnits, parseUnits as viemParseUnits } from "viem";
import { describe, expect, it } from "vitest";

import { formatUnits, parseUnits } from "./units";

// viem's implementations are the reference: ours exist only to keep viem out of every page's first load.
function randomBigint(maxDigits: number): bigint {
  const length = 1 + Math.floor(Math.random() * maxDigits);
  let text = "";
  for (let i = 0; i < length; i += 1) text += Math.floor(Math.random() * 10).toString();
  return BigInt(text);
}

describe("formatUnits / parseUnits", () => {
  it("agree with viem on 2,000 random amounts of 0, 2, 6 and 18 decimals, both signs", () => {
    for (let i = 0; i < 2_000; i += 1) {
      const decimals = [0, 2, 6, 18][i % 4]!;
      const value = randomBigint(40) * (i % 3 === 0 ? -1n : 1n);
      expect(formatUnits(value, decimals)).toBe(viemFormatUnits(value, decimals));
      if (value >= 0n) expect(parseUnits(formatUnits(value, decimals), decimals)).toBe(value);
    }
  });

  it("parses the decimal forms a person types exactly as viem does", () => {
    for (const text of ["0", "1", "1.", ".5", "00012.3400", "99999999999.999999999999999999", "0.000000000000000001"]) {
      expect(parseUnits(text, 18)).toBe(viemParseUnits(text, 18));
    }
  });

  it("refuses what is not a plain decimal, and digits beyond the token's decimals", () => {
    for (const text of ["", ".", "-1", "1e5", "1.2.3", "abc", " 1"])
      expect(() => parseUnits(text, 18)).toThrow(RangeError);
    expect(() => parseUnits("1.0000001", 6)).toThrow(/more than 6 decimals/);
    expect(parseUnits("1.1000000", 6)).toBe(1_100_000n);
  });
});
