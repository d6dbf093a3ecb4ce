// The indexer's BigDecimal (graph-node's: 34 significant digits, rounded half
// to even, trailing zeros removed) checked against decimal.js set to the same
// precision and rounding, over many generated operands.
import { Decimal } from "decimal.js";
import { describe, expect, it } from "vitest";

import * as decimal from "../indexer/wasm/bigdecimal.ts";

const Reference = Decimal.clone({
  precision: decimal.DECIMAL_PRECISION,
  rounding: Decimal.ROUND_HALF_EVEN,
  toExpNeg: -9e15,
  toExpPos: 9e15,
});

/** mulberry32: a seeded generator, so a failing case can be replayed. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEED = Number(process.env.DECIMAL_SEED ?? 20261207);
const CASES = 3000;

/** Operands of 1 to 60 digits (beyond the precision too), with runs of 9s and 0s that make rounding ties. */
function operand(random: () => number): string {
  const length = 1 + Math.floor(random() * 60);
  let digits = "";
  const style = random();
  for (let i = 0; i < length; i++) {
    if (style < 0.15) digits += i === 0 ? "1" : "9";
    else if (style < 0.3) digits += i === 0 ? String(1 + Math.floor(random() * 9)) : i === 34 ? "5" : "0";
    else digits += String(Math.floor(random() * 10));
  }
  const exponent = Math.floor(random() * 81) - 40;
  const sign = random() < 0.4 ? "-" : "";
  return `${sign}${digits}e${exponent}`;
}

/** decimal.js's exact value of a string, rounded as graph-node stores it. */
const expected = (value: Decimal): string => (value.isZero() ? "0" : value.toFixed());
const ours = (text: string): decimal.Decimal => decimal.fromString(text);

describe("BigDecimal against decimal.js", () => {
  const random = generator(SEED);
  const pairs = Array.from({ length: CASES }, () => [operand(random), operand(random)] as const);

  it("parses and prints like decimal.js rounded to 34 digits", () => {
    for (const [a] of pairs)
      expect(decimal.toString(ours(a)), a).toBe(expected(new Reference(a).toSignificantDigits()));
  });

  for (const [name, op, reference] of [
    ["plus", decimal.plus, (a: Decimal, b: Decimal) => a.plus(b)],
    ["minus", decimal.minus, (a: Decimal, b: Decimal) => a.minus(b)],
    ["times", decimal.times, (a: Decimal, b: Decimal) => a.times(b)],
    ["dividedBy", decimal.dividedBy, (a: Decimal, b: Decimal) => a.dividedBy(b)],
  ] as const) {
    it(`${name} rounds like decimal.js (seed ${SEED})`, () => {
      for (const [a, b] of pairs) {
        // Operands as graph-node holds them: already rounded to 34 digits.
        const x = new Reference(a).toSignificantDigits();
        const y = new Reference(b).toSignificantDigits();
        if (name === "dividedBy" && y.isZero()) continue;
        const got = decimal.toString(op(ours(x.toFixed()), ours(y.toFixed())));
        expect(got, `${x.toFixed()} ${name} ${y.toFixed()}`).toBe(expected(reference(x, y)));
      }
    });
  }

  it("compares equal values written differently as equal", () => {
    for (const [a] of pairs) {
      const x = new Reference(a).toSignificantDigits();
      expect(decimal.equals(ours(x.toFixed()), ours(x.toExponential())), a).toBe(true);
    }
  });
});
