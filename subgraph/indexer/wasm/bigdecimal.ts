// graph-node's BigDecimal: digits × 10^exp, normalized to at most 34
// significant digits (rounded half to even) with trailing zeros removed.
export const DECIMAL_PRECISION = 34;

export interface Decimal {
  readonly digits: bigint;
  readonly exp: bigint;
}

const TEN = 10n;

function digitCount(value: bigint): number {
  return (value < 0n ? -value : value).toString().length;
}

export function normalize(value: Decimal): Decimal {
  let { digits, exp } = value;
  if (digits === 0n) return { digits: 0n, exp: 0n };
  const excess = digitCount(digits) - DECIMAL_PRECISION;
  if (excess > 0) {
    const divisor = TEN ** BigInt(excess);
    const negative = digits < 0n;
    const magnitude = negative ? -digits : digits;
    let quotient = magnitude / divisor;
    const remainder = magnitude % divisor;
    const twice = remainder * 2n;
    if (twice > divisor || (twice === divisor && quotient % 2n === 1n)) quotient += 1n;
    digits = negative ? -quotient : quotient;
    exp += BigInt(excess);
  }
  while (digits !== 0n && digits % TEN === 0n) {
    digits /= TEN;
    exp += 1n;
  }
  return { digits, exp };
}

function align(a: Decimal, b: Decimal): [bigint, bigint, bigint] {
  const exp = a.exp < b.exp ? a.exp : b.exp;
  return [a.digits * TEN ** (a.exp - exp), b.digits * TEN ** (b.exp - exp), exp];
}

export function plus(a: Decimal, b: Decimal): Decimal {
  const [x, y, exp] = align(a, b);
  return normalize({ digits: x + y, exp });
}

export function minus(a: Decimal, b: Decimal): Decimal {
  const [x, y, exp] = align(a, b);
  return normalize({ digits: x - y, exp });
}

export function times(a: Decimal, b: Decimal): Decimal {
  return normalize({ digits: a.digits * b.digits, exp: a.exp + b.exp });
}

export function dividedBy(a: Decimal, b: Decimal): Decimal {
  if (b.digits === 0n) throw new RangeError("Division by zero");
  // Scale the dividend so the quotient keeps more than the precision, then normalize (rounds).
  const scale = BigInt(DECIMAL_PRECISION + digitCount(b.digits) + 2);
  const dividend = a.digits * TEN ** scale;
  const quotient = dividend / b.digits;
  // The quotient is truncated: a sticky last digit keeps an inexact tail such as 5000…01 from looking
  // like an exact tie (5000) to normalize's half-to-even rounding.
  const sticky = dividend % b.digits === 0n ? 0n : a.digits < 0n !== b.digits < 0n ? -1n : 1n;
  return normalize({ digits: quotient * TEN + sticky, exp: a.exp - b.exp - scale - 1n });
}

export function equals(a: Decimal, b: Decimal): boolean {
  const x = normalize(a);
  const y = normalize(b);
  return x.digits === y.digits && x.exp === y.exp;
}

export function toString(value: Decimal): string {
  const { digits, exp } = normalize(value);
  if (digits === 0n) return "0";
  const negative = digits < 0n;
  const magnitude = (negative ? -digits : digits).toString();
  let text: string;
  if (exp >= 0n) {
    text = magnitude + "0".repeat(Number(exp));
  } else {
    const point = magnitude.length + Number(exp);
    text = point > 0 ? `${magnitude.slice(0, point)}.${magnitude.slice(point)}` : `0.${"0".repeat(-point)}${magnitude}`;
  }
  return negative ? `-${text}` : text;
}

export function fromString(text: string): Decimal {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
  if (!match || (match[2] === "" && (match[3] ?? "") === "")) {
    throw new SyntaxError(`failed to parse \`${text}\` as a BigDecimal`);
  }
  const [, sign, whole = "", fraction = "", exponent = "0"] = match;
  const digits = BigInt(`${sign === "-" ? "-" : ""}${whole}${fraction}` || "0");
  return normalize({ digits, exp: BigInt(exponent) - BigInt(fraction.length) });
}
