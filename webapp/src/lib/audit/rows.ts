// Ledger rows from the auditor API's JSON export, and their sort orders.
import type { AuditRow, SortDirection, SortKey } from "./types";

type ApiRow = Record<string, string | number | null>;

const text = (value: string | number | null | undefined): string =>
  value === null || value === undefined ? "" : String(value);

export function rowFromApi(row: ApiRow): AuditRow {
  return {
    id: text(row.id),
    timestamp: Number(row.timestamp),
    blockNumber: Number(row.blockNumber),
    transactionHash: text(row.transactionHash),
    creator: text(row.creator),
    fan: text(row.fan),
    source: text(row.source),
    kind: row.kind === undefined || row.kind === null ? null : String(row.kind),
    amount: BigInt(text(row.amount) || "0"),
    fee: BigInt(text(row.fee) || "0"),
    creditStatus: row.creditStatus === undefined || row.creditStatus === null ? null : String(row.creditStatus),
  };
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const compareBig = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);

const BY: Record<SortKey, (a: AuditRow, b: AuditRow) => number> = {
  time: (a, b) => a.timestamp - b.timestamp || a.blockNumber - b.blockNumber,
  amount: (a, b) => compareBig(a.amount, b.amount),
  creator: (a, b) => compareText(a.creator, b.creator),
  fan: (a, b) => compareText(a.fan, b.fan),
  source: (a, b) => compareText(a.source, b.source),
};

/** A new array sorted by `key`; ties keep chain order (time, then id), so the order is the same on every load. */
export function sortRows(rows: readonly AuditRow[], key: SortKey, dir: SortDirection): AuditRow[] {
  const by = BY[key];
  const sign = dir === "asc" ? 1 : -1;
  return [...rows].sort((a, b) => sign * (by(a, b) || BY.time(a, b) || compareText(a.id, b.id)));
}
