// The Intl formatters pages use, built once per process: constructing one costs more than rendering a row, and a
// profile page renders dozens of numbers and dates.

/** `0.1` → `"10%"`. */
export const percent = new Intl.NumberFormat("en-US", { style: "percent", maximumFractionDigits: 2 });
/** `12345` → `"12K"`. */
export const compactCount = new Intl.NumberFormat("en-US", { notation: "compact" });
/** A time of day: `"6:33 PM"`. */
export const clockTime = new Intl.DateTimeFormat("en-US", { hour: "numeric", minute: "2-digit" });
/** A day: `"Dec 7, 2026"`. */
export const mediumDate = new Intl.DateTimeFormat("en-US", { dateStyle: "medium" });
/** `"2 minutes ago"`, `"yesterday"`. */
export const relativeTime = new Intl.RelativeTimeFormat("en", { numeric: "auto" });

/** A fee in basis points as a percentage: `"1000"` → `"10%"`. */
export function formatBps(bps: string | number | bigint): string {
  return percent.format(Number(bps) / 10_000);
}
