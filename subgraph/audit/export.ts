// Streams ledger rows as CSV or JSON into any Writable (an HTTP response, a
// file, stdout), waiting for 'drain' whenever the consumer is slower than
// the index (SQLite or a Graph endpoint): memory stays at one chunk whatever the number of rows.
import { once } from "node:events";
import type { Writable } from "node:stream";

import type { AuditIndex } from "./audit-index.ts";
import { columnsOf, type LedgerFilter, type LedgerRow } from "./ledger.ts";

export type ExportFormat = "csv" | "json" | "ndjson";

export function csvField(value: string | number | null): string {
  if (value === null) return "";
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * Ledger columns whose text never needs CSV quoting: 0x hex, decimal integers and enum names. The
 * renderer quotes only the others (none today; a free-text column added later is quoted by csvField).
 */
const PLAIN_COLUMNS = new Set([
  ...["id", "transactionHash", "creator", "fan", "channelRef", "memoHash", "paymentRef", "stablecoin"],
  ...["timestamp", "blockNumber", "logIndex", "amount", "fee", "stableAmount"],
  ...["source", "channel", "creditStatus", "kind"],
]);

/** One CSV line per row, `columns` in order, with quoting only where a column can need it. */
export function csvRenderer(columns: readonly string[]): (row: LedgerRow) => string {
  const plain = columns.map((column) => PLAIN_COLUMNS.has(column));
  const last = columns.length - 1;
  return (row) => {
    let line = "";
    for (let i = 0; i <= last; i++) {
      const value = row[columns[i] as string] ?? null;
      line += plain[i] ? (value === null ? "" : (value as string)) : csvField(value);
      line += i === last ? "\n" : ",";
    }
    return line;
  };
}

async function write(out: Writable, chunk: string): Promise<void> {
  if (!out.write(chunk)) await once(out, "drain");
}

export interface ExportOptions {
  readonly format: ExportFormat;
  readonly limit?: number;
  readonly chunk?: number;
  readonly signal?: AbortSignal;
}

/** Writes every matching row; returns how many. Does not end the stream. */
export async function exportLedger(
  index: AuditIndex,
  table: "tips" | "payments",
  filter: LedgerFilter,
  out: Writable,
  options: ExportOptions,
): Promise<number> {
  const columns = columnsOf(table);
  let count = 0;
  const csv = csvRenderer(columns);
  const render = (row: LedgerRow): string => (options.format === "csv" ? csv(row) : JSON.stringify(row));
  if (options.format === "csv") await write(out, columns.join(",") + "\n");
  if (options.format === "json") await write(out, "[");
  for await (const rows of index.ledgerPages(table, filter, { limit: options.limit, chunk: options.chunk })) {
    if (options.signal?.aborted || out.destroyed) break;
    let text = "";
    for (const row of rows) {
      if (options.format === "json") text += (count === 0 ? "\n" : ",\n") + render(row);
      else if (options.format === "ndjson") text += render(row) + "\n";
      else text += render(row);
      count++;
    }
    await write(out, text);
  }
  if (options.format === "json") await write(out, count === 0 ? "]\n" : "\n]\n");
  return count;
}
