// Daily sums by source for the chart: exact bigint sums per UTC day, turned into numbers only for drawing.
import { formatUnits } from "$lib/amounts";

import { groupOf, SOURCE_GROUPS } from "./filters";
import type { AuditRow, SourceGroup } from "./types";

export interface DailySeries {
  /** Unix seconds at 00:00 UTC of each day, ascending, with no gaps between the first and the last. */
  readonly days: number[];
  /** Exact sums per day and source, base units. */
  readonly sums: Readonly<Record<SourceGroup, bigint[]>>;
}

const DAY = 86_400;

export function dailySeries(rows: readonly AuditRow[]): DailySeries {
  const empty = (): Record<SourceGroup, bigint[]> => ({ mesi: [], stablecoin: [], fiat: [] });
  if (rows.length === 0) return { days: [], sums: empty() };
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const row of rows) {
    const day = Math.floor(row.timestamp / DAY);
    if (day < first) first = day;
    if (day > last) last = day;
  }
  const length = last - first + 1;
  const sums = empty();
  for (const source of SOURCE_GROUPS) sums[source] = Array.from({ length }, () => 0n);
  for (const row of rows) sums[groupOf(row.source)][Math.floor(row.timestamp / DAY) - first]! += row.amount;
  return { days: Array.from({ length }, (_, i) => (first + i) * DAY), sums };
}

/** Base units → a number of tokens, for a chart's axis only (a chart draws floats; tables and totals never do). */
export function toChartNumber(value: bigint, decimals: number): number {
  return Number(formatUnits(value, decimals));
}
