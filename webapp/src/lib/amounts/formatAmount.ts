// Amounts shown to a person: exact decimal strings from formatUnits (./units), grouped and rounded by Intl, never floats.
import { formatUnits } from "./units";

export interface FormatAmountOptions {
  readonly locale?: string;
  /** Fraction digits kept at most (rounded half-even by Intl); 4 by default. */
  readonly maxFractionDigits?: number;
}

type IntlDecimalString = Parameters<Intl.NumberFormat["format"]>[0];

// Building a NumberFormat costs far more than formatting with one: one per locale, precision and currency.
const formats = new Map<string, Intl.NumberFormat>();
function cached(key: string, make: () => Intl.NumberFormat): Intl.NumberFormat {
  let format = formats.get(key);
  if (format === undefined) {
    format = make();
    formats.set(key, format);
  }
  return format;
}

/** `1234567890000000000000n` with 18 decimals → `"1,234.5679"` (en). */
export function formatAmount(value: bigint, decimals: number, options: FormatAmountOptions = {}): string {
  const locale = options.locale ?? "en-US";
  const digits = options.maxFractionDigits ?? 4;
  const format = cached(
    `amount:${locale}:${digits}`,
    () =>
      new Intl.NumberFormat(locale, {
        maximumFractionDigits: digits,
        roundingMode: "trunc",
      } as Intl.NumberFormatOptions),
  );
  // Intl formats a decimal string exactly (no float conversion), whatever its size.
  return format.format(formatUnits(value, decimals) as IntlDecimalString);
}

/** `formatAmount` with the token's symbol: `"1,234.5 MESI"`. */
export function formatToken(value: bigint, decimals: number, symbol: string, options?: FormatAmountOptions): string {
  return `${formatAmount(value, decimals, options)} ${symbol}`;
}

/** Minor units of a fiat currency (e.g. cents) as money: `1250, "usd"` → `"$12.50"`. */
export function formatFiat(minor: bigint, currency: string, minorDigits: number, locale = "en-US"): string {
  const code = currency.toUpperCase();
  const format = cached(
    `fiat:${locale}:${code}`,
    () => new Intl.NumberFormat(locale, { style: "currency", currency: code }),
  );
  return format.format(formatUnits(minor, minorDigits) as IntlDecimalString);
}
