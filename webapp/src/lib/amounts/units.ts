// Base units ↔ exact decimal strings, with bigint arithmetic only. Kept here (not viem's formatUnits/parseUnits)
// because every page shows amounts and viem must not be part of a page's first load.

/** `1234500000000000000n, 18` → `"1.2345"`; exact, any size, no trailing zeros. */
export function formatUnits(value: bigint, decimals: number): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(decimals + 1, "0");
  const whole = digits.slice(0, digits.length - decimals);
  const fraction = digits.slice(digits.length - decimals).replace(/0+$/, "");
  return `${negative ? "-" : ""}${whole}${fraction === "" ? "" : `.${fraction}`}`;
}

/**
 * `"1.2345", 18` → `1234500000000000000n`. The text must be a plain non-negative decimal (`parseAmount` checks what
 * a person typed first); digits beyond `decimals` are an error, never rounded away.
 */
export function parseUnits(text: string, decimals: number): bigint {
  const match = /^(\d*)(?:\.(\d*))?$/.exec(text);
  if (match === null || text === "" || text === ".") throw new RangeError(`"${text}" is not a decimal number`);
  const fraction = (match[2] ?? "").replace(/0+$/, "");
  if (fraction.length > decimals) throw new RangeError(`"${text}" has more than ${decimals} decimals`);
  return BigInt(`${match[1] || "0"}${fraction.padEnd(decimals, "0")}`);
}
