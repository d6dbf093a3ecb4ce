import { describe, expect, it } from "vitest";

import { parseQuantity } from "./parseQuantity";

describe("parseQuantity", () => {
  it("takes a whole number up to what is left", () => {
    expect(parseQuantity(" 3 ", 5)).toEqual({ ok: true, value: 3 });
    expect(parseQuantity("5", 5)).toEqual({ ok: true, value: 5 });
    expect(parseQuantity("7", null)).toEqual({ ok: true, value: 7 });
  });

  it("names what is wrong", () => {
    expect(parseQuantity("", 5)).toEqual({ ok: false, problem: "empty" });
    expect(parseQuantity("1.5", 5)).toEqual({ ok: false, problem: "not_whole" });
    expect(parseQuantity("-1", 5)).toEqual({ ok: false, problem: "not_whole" });
    expect(parseQuantity("0", 5)).toEqual({ ok: false, problem: "zero" });
    expect(parseQuantity("6", 5)).toEqual({ ok: false, problem: "moreThanLeft" });
    expect(parseQuantity("99999999999999999999", null)).toEqual({ ok: false, problem: "moreThanLeft" });
  });
});
