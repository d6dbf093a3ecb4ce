import { parseEther } from "viem";
import { describe, expect, it } from "vitest";

import { checkRequest } from "./checkRequest";

const terms = { minAmount: parseEther("200"), minMinutes: 5, maxMinutes: 30 };

describe("checkRequest", () => {
  it("accepts an amount at or above the minimum and an allowed length", () => {
    expect(checkRequest("200", "5", terms, parseEther("500"))).toEqual({
      ok: true,
      amount: parseEther("200"),
      minutes: 5,
    });
    expect(checkRequest("250.5", " 30 ", terms, null)).toEqual({ ok: true, amount: parseEther("250.5"), minutes: 30 });
  });

  it("names each problem by field", () => {
    const problems = (a: string, mins: string, balance: bigint | null = null) => {
      const r = checkRequest(a, mins, terms, balance);
      return r.ok ? [] : r.problems.map((p) => `${p.field}:${p.problem}`);
    };
    expect(problems("0", "10")).toEqual(["amount:zero"]);
    expect(problems("1.0000000000000000001", "10")).toEqual(["amount:too_many_decimals"]);
    expect(problems("199.99", "10")).toEqual(["amount:belowMinimum"]);
    expect(problems("300", "10", parseEther("250"))).toEqual(["amount:moreThanBalance"]);
    expect(problems("300", "4")).toEqual(["minutes:durationNotAllowed"]);
    expect(problems("300", "31")).toEqual(["minutes:durationNotAllowed"]);
    expect(problems("300", "7.5")).toEqual(["minutes:durationNotAllowed"]);
    expect(problems("", "")).toEqual(["amount:empty", "minutes:durationNotAllowed"]);
  });
});
