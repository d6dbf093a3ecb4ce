// Daily earnings by source from the index's day buckets, filled so every day in the range has a value, and
// stacked for a bar chart (each source drawn on top of the ones before it).
import { MESI_DECIMALS } from "$lib/amounts";
import { formatUnits } from "$lib/amounts/units";

import type { DayRow } from "./queries";

export const SOURCES = ["tipVolume", "ticketVolume", "subscriptionVolume", "oneToOneVolume"] as const;
export type Source = (typeof SOURCES)[number];

export interface DailySeries {
  /** Start of each UTC day, unix seconds. */
  readonly days: number[];
  /** Per source, the gross $MESI per day as numbers (for drawing only; amounts stay bigint everywhere else). */
  readonly bySource: Record<Source, number[]>;
  /** Per source, the running stack (the sources before it plus itself), for stacked bars. */
  readonly stacked: Record<Source, number[]>;
}

const DAY = 86_400;

export function dailySeries(rows: readonly DayRow[], fromDay: number, toDay: number): DailySeries {
  const byDate = new Map(rows.map((row) => [row.date, row]));
  const days: number[] = [];
  for (let day = fromDay; day <= toDay; day += DAY) days.push(day);
  const bySource = Object.fromEntries(
    SOURCES.map((source) => [
      source,
      days.map((day) => Number(formatUnits(BigInt(byDate.get(day)?.[source] ?? "0"), MESI_DECIMALS))),
    ]),
  ) as Record<Source, number[]>;
  const running = days.map(() => 0);
  const stacked = {} as Record<Source, number[]>;
  for (const source of SOURCES) {
    bySource[source].forEach((value, i) => (running[i]! += value));
    stacked[source] = [...running];
  }
  return { days, bySource, stacked };
}

/** Start of the UTC day holding `seconds`. */
export function dayStart(seconds: number): number {
  return Math.floor(seconds / DAY) * DAY;
}
