import { parseEther } from "viem";
import { describe, expect, it } from "vitest";

import { checkSettings, MAX_SESSION_AMOUNT } from "./checkSettings";

const form = { enabled: true, minAmountText: "200", minMinutesText: "5", maxMinutesText: "30" };
const problems = (input: Partial<typeof form>) => {
  const r = checkSettings({ ...form, ...input });
  return r.ok ? [] : r.problems.map((p) => `${p.field}:${p.problem}`);
};

describe("checkSettings", () => {
  it("accepts whole minutes within 5–30 and a positive minimum", () => {
    expect(checkSettings({ ...form, minAmountText: " 12.5 ", minMinutesText: "10", maxMinutesText: "10" })).toEqual({
      ok: true,
      settings: { enabled: true, minAmount: parseEther("12.5"), minMinutes: 10, maxMinutes: 10 },
    });
  });

  it("refuses durations outside 5–30, fractions, and a longest below the shortest", () => {
    expect(problems({ minMinutesText: "4" })).toEqual(["minMinutes:outOfRange"]);
    expect(problems({ maxMinutesText: "31" })).toEqual(["maxMinutes:outOfRange"]);
    expect(problems({ minMinutesText: "7.5" })).toEqual(["minMinutes:outOfRange"]);
    expect(problems({ minMinutesText: "", maxMinutesText: "-5" })).toEqual([
      "minMinutes:outOfRange",
      "maxMinutes:outOfRange",
    ]);
    expect(problems({ minMinutesText: "20", maxMinutesText: "10" })).toEqual(["maxMinutes:belowShortest"]);
  });

  it("needs a minimum above zero while on, and one that fits a session amount (uint96)", () => {
    expect(problems({ minAmountText: "0" })).toEqual(["minAmount:zero"]);
    expect(problems({ minAmountText: "" })).toEqual(["minAmount:empty"]);
    expect(problems({ minAmountText: "abc" })).toEqual(["minAmount:not_a_number"]);
    expect(problems({ minAmountText: (MAX_SESSION_AMOUNT + 1n).toString() + "e-18" })).toEqual([
      "minAmount:not_a_number",
    ]);
    const justAbove = ((MAX_SESSION_AMOUNT + 1n) / 10n ** 18n + 1n).toString();
    expect(problems({ minAmountText: justAbove })).toEqual(["minAmount:tooLarge"]);
    const r = checkSettings({ ...form, minAmountText: "0.000000000000000001" });
    expect(r.ok && r.settings.minAmount).toBe(1n);
  });

  it("switched off, an empty or zero minimum is kept as 0", () => {
    expect(checkSettings({ ...form, enabled: false, minAmountText: "" })).toMatchObject({
      ok: true,
      settings: { enabled: false, minAmount: 0n },
    });
    expect(checkSettings({ ...form, enabled: false, minAmountText: "0" })).toMatchObject({ ok: true });
    expect(problems({ enabled: false, minAmountText: "x" })).toEqual(["minAmount:not_a_number"]);
  });
});
