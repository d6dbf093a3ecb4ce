// The explorer's filters <-> the page URL (so a view can be shared) <-> the auditor API's query string.
import type { AuditFilters, AuditRow, FilterProblem, Ledger, SortDirection, SortKey, SourceGroup } from "./types";

export const LEDGERS: readonly Ledger[] = ["tips", "payments"];
export const SOURCE_GROUPS: readonly SourceGroup[] = ["mesi", "stablecoin", "fiat"];
export const SORT_KEYS: readonly SortKey[] = ["time", "amount", "creator", "fan", "source"];

export const DEFAULT_FILTERS: AuditFilters = Object.freeze({
  ledger: "tips",
  creator: null,
  fan: null,
  source: null,
  from: null,
  to: null,
  sort: "time",
  dir: "desc",
});

/** The on-chain sources each group stands for. */
export const SOURCES_OF: Readonly<Record<SourceGroup, readonly string[]>> = {
  mesi: ["MESI"],
  stablecoin: ["STABLECOIN", "RELAYER_STABLECOIN"],
  fiat: ["FIAT"],
};

export function groupOf(source: string): SourceGroup {
  if (source === "FIAT") return "fiat";
  if (source === "STABLECOIN" || source === "RELAYER_STABLECOIN") return "stablecoin";
  return "mesi";
}

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `value` is a real calendar day written `YYYY-MM-DD`. */
export function isDay(value: string): boolean {
  const match = DAY.exec(value);
  if (!match) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** Unix seconds at the start (00:00 UTC) of a `YYYY-MM-DD` day. */
export function dayStart(day: string): number {
  return Date.parse(`${day}T00:00:00Z`) / 1000;
}

export interface ParsedFilters {
  /** The valid parts; an invalid part falls back to "no filter" and is named in `problems`. */
  readonly filters: AuditFilters;
  readonly problems: readonly FilterProblem[];
}

/** Reads filters typed by a person or taken from a URL. Never throws: every problem is named. */
export function checkFilters(input: Readonly<Record<string, string | null | undefined>>): ParsedFilters {
  const problems: FilterProblem[] = [];
  const text = (key: string): string => (input[key] ?? "").trim();
  const choice = <T extends string>(key: FilterProblem["field"], options: readonly T[], fallback: T | null) => {
    const value = text(key).toLowerCase();
    if (value === "") return fallback;
    if ((options as readonly string[]).includes(value)) return value as T;
    problems.push({ field: key, code: "choice" });
    return fallback;
  };
  const address = (key: "creator" | "fan"): string | null => {
    const value = text(key);
    if (value === "") return null;
    if (ADDRESS.test(value)) return value.toLowerCase();
    problems.push({ field: key, code: "address" });
    return null;
  };
  const day = (key: "from" | "to"): string | null => {
    const value = text(key);
    if (value === "") return null;
    if (isDay(value)) return value;
    problems.push({ field: key, code: "date" });
    return null;
  };
  let from = day("from");
  let to = day("to");
  if (from !== null && to !== null && from > to) {
    problems.push({ field: "to", code: "range" });
    from = null;
    to = null;
  }
  const filters: AuditFilters = {
    ledger: choice("ledger", LEDGERS, DEFAULT_FILTERS.ledger) ?? DEFAULT_FILTERS.ledger,
    creator: address("creator"),
    fan: address("fan"),
    source: choice("source", SOURCE_GROUPS, null),
    from,
    to,
    sort: choice("sort", SORT_KEYS, DEFAULT_FILTERS.sort) ?? DEFAULT_FILTERS.sort,
    dir: choice<SortDirection>("dir", ["asc", "desc"], DEFAULT_FILTERS.dir) ?? DEFAULT_FILTERS.dir,
  };
  return { filters, problems };
}

export function parseFilters(params: { entries(): IterableIterator<[string, string]> }): ParsedFilters {
  return checkFilters(Object.fromEntries(params.entries()));
}

/** The page's query string for `filters`: only what differs from the defaults, in a fixed order. */
export function filtersToSearch(filters: AuditFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of ["ledger", "creator", "fan", "source", "from", "to", "sort", "dir"] as const) {
    const value = filters[key];
    if (value !== null && value !== DEFAULT_FILTERS[key]) params.set(key, value);
  }
  return params;
}

/** The auditor API's query string (`/audit/tips?…`): addresses, sources, and a [from, to) range in unix seconds. */
export function apiSearch(filters: AuditFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.creator) params.set("creator", filters.creator);
  if (filters.fan) params.set("fan", filters.fan);
  if (filters.source) params.set("source", SOURCES_OF[filters.source].join(","));
  if (filters.from) params.set("from", String(dayStart(filters.from)));
  if (filters.to) params.set("to", String(dayStart(filters.to) + 86_400));
  return params;
}

/** The rows a filter asks for; sorting aside, two filters with the same key ask for the same rows. */
export function rowsKey(filters: AuditFilters): string {
  return `${filters.ledger}?${apiSearch(filters).toString()}`;
}

/**
 * Whether every row `next` asks for is among the rows `loaded` asked for — so a complete load of `loaded` can
 * be filtered in the browser instead of asking the server again.
 */
export function narrows(loaded: AuditFilters, next: AuditFilters): boolean {
  if (loaded.ledger !== next.ledger) return false;
  for (const key of ["creator", "fan", "source"] as const) {
    if (loaded[key] !== null && loaded[key] !== next[key]) return false;
  }
  if (loaded.from !== null && (next.from === null || next.from < loaded.from)) return false;
  if (loaded.to !== null && (next.to === null || next.to > loaded.to)) return false;
  return true;
}

/** A row-level predicate for `filters` (the same rows the API would return). */
export function rowMatcher(filters: AuditFilters): (row: AuditRow) => boolean {
  const sources = filters.source ? SOURCES_OF[filters.source] : null;
  const from = filters.from ? dayStart(filters.from) : null;
  const to = filters.to ? dayStart(filters.to) + 86_400 : null;
  const { creator, fan } = filters;
  return (row) =>
    (creator === null || row.creator === creator) &&
    (fan === null || row.fan === fan) &&
    (sources === null || sources.includes(row.source)) &&
    (from === null || row.timestamp >= from) &&
    (to === null || row.timestamp < to);
}
