import { describe, expect, it } from "vitest";

import { formatAmount, formatFiat, parseAmount, splitFee } from "./index";

describe("parseAmount", () => {
  it("parses whole and fractional amounts exactly", () => {
    expect(parseAmount("1", 18)).toEqual({ ok: true, value: 10n ** 18n });
    expect(parseAmount(" 1,250.5 ", 18)).toEqual({ ok: true, value: 1250n * 10n ** 18n + 5n * 10n ** 17n });
    expect(parseAmount("0.000000000000000001", 18)).toEqual({ ok: true, value: 1n });
    expect(parseAmount(".5", 6)).toEqual({ ok: true, value: 500_000n });
    expect(parseAmount("2.", 6)).toEqual({ ok: true, value: 2_000_000n });
  });

  it("has no upper limit: the whole $MESI supply and beyond parse exactly", () => {
    expect(parseAmount("100000000000", 18)).toEqual({ ok: true, value: 100_000_000_000n * 10n ** 18n });
    expect(parseAmount("99999999999.999999999999999999", 18)).toEqual({
      ok: true,
      value: 100_000_000_000n * 10n ** 18n - 1n,
    });
  });

  it("names what is wrong with bad input", () => {
    expect(parseAmount("", 18)).toMatchObject({ ok: false, problem: "empty" });
    expect(parseAmount("   ", 18)).toMatchObject({ ok: false, problem: "empty" });
    expect(parseAmount("0", 18)).toMatchObject({ ok: false, problem: "zero" });
    expect(parseAmount("0.000", 18)).toMatchObject({ ok: false, problem: "zero" });
    expect(parseAmount("-5", 18)).toMatchObject({ ok: false, problem: "negative" });
    expect(parseAmount("abc", 18)).toMatchObject({ ok: false, problem: "not_a_number" });
    expect(parseAmount("1e5", 18)).toMatchObject({ ok: false, problem: "not_a_number" });
    expect(parseAmount("1.2.3", 18)).toMatchObject({ ok: false, problem: "not_a_number" });
    expect(parseAmount("0.1234567", 6)).toMatchObject({ ok: false, problem: "too_many_decimals", decimals: 6 });
    expect(parseAmount("0.1234560", 6)).toEqual({ ok: true, value: 123_456n });
  });
});

describe("formatAmount", () => {
  it("groups and truncates without floats, at any size", () => {
    expect(formatAmount(1_234_567_890_000_000_000_000n, 18)).toBe("1,234.5678");
    expect(formatAmount(100_000_000_000n * 10n ** 18n - 1n, 18)).toBe("99,999,999,999.9999");
    expect(formatAmount(10n ** 40n, 18)).toBe("10,000,000,000,000,000,000,000");
    expect(formatAmount(1n, 18, { maxFractionDigits: 18 })).toBe("0.000000000000000001");
  });

  it("formats fiat minor units as money", () => {
    expect(formatFiat(1250n, "usd", 2)).toBe("$12.50");
  });
});

describe("splitFee", () => {
  it("rounds the fee down, as the vault does", () => {
    expect(splitFee(1000n, 1000n)).toEqual({ fee: 100n, toCreator: 900n });
    expect(splitFee(9n, 1000n)).toEqual({ fee: 0n, toCreator: 9n });
  });
});
