// Amounts shown to a person: exact decimal strings from formatUnits (./units), grouped and rounded by Intl, never floats.
import { formatUnits } from "./units";

export interface FormatAmountOptions {
  readonly locale?: string;
  /** Fraction digits kept at most (rounded half-even by Intl); 4 by default. */
  readonly maxFractionDigits?: number;
}

type IntlDecimalString = Parameters<Intl.NumberFormat["format"]>[0];

/** `1234567890000000000000n` with 18 decimals → `"1,234.5679"` (en). */
export function formatAmount(value: bigint, decimals: number, options: FormatAmountOptions = {}): string {
  const format = new Intl.NumberFormat(options.locale ?? "en-US", {
    maximumFractionDigits: options.maxFractionDigits ?? 4,
    roundingMode: "trunc",
  } as Intl.NumberFormatOptions);
  // Intl formats a decimal string exactly (no float conversion), whatever its size.
  return format.format(formatUnits(value, decimals) as IntlDecimalString);
}

/** `formatAmount` with the token's symbol: `"1,234.5 MESI"`. */
export function formatToken(value: bigint, decimals: number, symbol: string, options?: FormatAmountOptions): string {
  return `${formatAmount(value, decimals, options)} ${symbol}`;
}

/** Minor units of a fiat currency (e.g. cents) as money: `1250, "usd"` → `"$12.50"`. */
export function formatFiat(minor: bigint, currency: string, minorDigits: number, locale = "en-US"): string {
  const format = new Intl.NumberFormat(locale, { style: "currency", currency: currency.toUpperCase() });
  return format.format(formatUnits(minor, minorDigits) as IntlDecimalString);
}
