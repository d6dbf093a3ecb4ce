// The auditor's view of the index: tips and payments filtered by creator, fan,
// source (and kind) and time range, read in keyset-paginated chunks so that an
// export of a million rows never holds more than one chunk in memory.
import type Database from "better-sqlite3";

import { decodeBigInt, encodeBigInt, hexToBytes } from "../indexer/store/values.ts";

export const PAYMENT_SOURCES = ["MESI", "STABLECOIN", "FIAT", "RELAYER_STABLECOIN"] as const;
export const PAYMENT_KINDS = ["TIP", "TICKET", "SUBSCRIPTION", "ONE_TO_ONE"] as const;

export type PaymentSource = (typeof PAYMENT_SOURCES)[number];
export type PaymentKind = (typeof PAYMENT_KINDS)[number];

export interface LedgerFilter {
  readonly creator?: string;
  readonly fan?: string;
  /** One or more sources (`source=STABLECOIN,RELAYER_STABLECOIN`): rows of any of them. */
  readonly sources?: readonly PaymentSource[];
  /** Payments only. */
  readonly kind?: PaymentKind;
  /** Inclusive lower bound, unix seconds. */
  readonly from?: bigint;
  /** Exclusive upper bound, unix seconds. */
  readonly to?: bigint;
}

export class AuditInputError extends Error {
  override readonly name = "AuditInputError";
}

export type LedgerRow = Record<string, string | number | null>;

export interface LedgerTable {
  readonly name: "tips" | "payments";
  readonly columns: readonly string[];
}

export const TIP_COLUMNS = [
  "id",
  "timestamp",
  "blockNumber",
  "transactionHash",
  "logIndex",
  "creator",
  "fan",
  "source",
  "amount",
  "fee",
  "channel",
  "channelRef",
  "memoHash",
  "paymentRef",
  "creditStatus",
  "stablecoin",
  "stableAmount",
] as const;

export const PAYMENT_COLUMNS = [
  "id",
  "timestamp",
  "blockNumber",
  "transactionHash",
  "kind",
  "creator",
  "fan",
  "source",
  "amount",
  "fee",
  "paymentRef",
] as const;

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/** Validates and normalizes a filter given as strings (query string, CLI flags). */
export function parseLedgerFilter(input: Record<string, string | undefined>): LedgerFilter {
  const filter: {
    creator?: string;
    fan?: string;
    sources?: PaymentSource[];
    kind?: PaymentKind;
    from?: bigint;
    to?: bigint;
  } = {};
  for (const key of ["creator", "fan"] as const) {
    const value = input[key];
    if (value === undefined || value === "") continue;
    if (!ADDRESS.test(value))
      throw new AuditInputError(`${key} must be a 0x-prefixed 20-byte address, got \`${value}\``);
    filter[key] = value.toLowerCase();
  }
  if (input.source) {
    const sources = input.source.split(",").map((source) => source.trim().toUpperCase());
    for (const source of sources) {
      if (!(PAYMENT_SOURCES as readonly string[]).includes(source)) {
        throw new AuditInputError(`source must be one of ${PAYMENT_SOURCES.join(", ")}, got \`${input.source}\``);
      }
    }
    filter.sources = [...new Set(sources)] as PaymentSource[];
  }
  if (input.kind) {
    const kind = input.kind.toUpperCase();
    if (!(PAYMENT_KINDS as readonly string[]).includes(kind)) {
      throw new AuditInputError(`kind must be one of ${PAYMENT_KINDS.join(", ")}, got \`${input.kind}\``);
    }
    filter.kind = kind as PaymentKind;
  }
  for (const key of ["from", "to"] as const) {
    const value = input[key];
    if (value === undefined || value === "") continue;
    filter[key] = parseTime(key, value);
  }
  return filter;
}

/** Unix seconds or an ISO-8601 date. */
function parseTime(key: string, value: string): bigint {
  if (/^\d+$/.test(value)) return BigInt(value);
  const millis = Date.parse(value);
  if (Number.isNaN(millis)) throw new AuditInputError(`${key} must be unix seconds or an ISO date, got \`${value}\``);
  return BigInt(Math.floor(millis / 1000));
}

interface Condition {
  readonly sql: string;
  readonly params: unknown[];
}

function conditions(filter: LedgerFilter, alias: string, withKind: boolean): Condition {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (filter.creator) {
    parts.push(`${alias}."creator" = ?`);
    params.push(hexToBytes(filter.creator));
  }
  if (filter.fan) {
    parts.push(`${alias}."fan" = ?`);
    params.push(hexToBytes(filter.fan));
  }
  if (filter.sources && filter.sources.length > 0) {
    parts.push(`${alias}."source" IN (${filter.sources.map(() => "?").join(", ")})`);
    params.push(...filter.sources);
  }
  if (withKind && filter.kind) {
    parts.push(`${alias}."kind" = ?`);
    params.push(filter.kind);
  }
  if (filter.from !== undefined) {
    parts.push(`${alias}."timestamp" >= ?`);
    params.push(encodeBigInt(filter.from));
  }
  if (filter.to !== undefined) {
    parts.push(`${alias}."timestamp" < ?`);
    params.push(encodeBigInt(filter.to));
  }
  return { sql: parts.length === 0 ? "1" : parts.join(" AND "), params };
}

// Rows are read with Bytes and BigInt columns already turned into lowercase hex by SQLite
// (`lower(hex(...))`): strings are far cheaper to produce and collect than one Buffer per cell,
// which keeps an export fast and its memory flat.
const ZEROS_51 = "0".repeat(51);

/** Lowercase hex of a 33-byte offset-binary BigInt column → decimal text. */
function bigText(hex: unknown): string | null {
  if (hex === null || hex === undefined || hex === "") return null;
  const text = hex as string;
  // Non-negative values below 2^52 (timestamps, block numbers, counts): no bigint needed.
  if (text.startsWith("01") && text.startsWith(ZEROS_51, 2)) return Number.parseInt(text.slice(53), 16).toString();
  if (text.startsWith("01")) return BigInt("0x" + text.slice(2)).toString();
  return decodeBigInt(Buffer.from(text, "hex")).toString();
}

function hexText(hex: unknown): string | null {
  return hex === null || hex === undefined ? null : "0x" + (hex as string);
}

const TIP_SELECT = `SELECT lower(hex(t."id")) AS id, lower(hex(t."timestamp")) AS timestamp,
  lower(hex(t."blockNumber")) AS blockNumber, lower(hex(t."transactionHash")) AS transactionHash,
  lower(hex(t."logIndex")) AS logIndex, lower(hex(t."creator")) AS creator, lower(hex(t."fan")) AS fan,
  t."source" AS source, lower(hex(t."amount")) AS amount, lower(hex(t."fee")) AS fee, t."channel" AS channel,
  lower(hex(t."channelRef")) AS channelRef, CASE WHEN t."memoHash" IS NULL THEN NULL ELSE lower(hex(t."memoHash")) END AS memoHash,
  CASE WHEN t."paymentRef" IS NULL THEN NULL ELSE lower(hex(t."paymentRef")) END AS paymentRef, c."status" AS creditStatus,
  CASE WHEN t."stablecoin" IS NULL THEN NULL ELSE lower(hex(t."stablecoin")) END AS stablecoin,
  CASE WHEN t."stableAmount" IS NULL THEN NULL ELSE lower(hex(t."stableAmount")) END AS stableAmount
  FROM "Tip" t LEFT JOIN "RelayerCredit" c ON c."id" = t."paymentRef"`;

const PAYMENT_SELECT = `SELECT lower(hex(t."id")) AS id, lower(hex(t."timestamp")) AS timestamp,
  lower(hex(t."blockNumber")) AS blockNumber, lower(hex(t."transactionHash")) AS transactionHash, t."kind" AS kind,
  lower(hex(t."creator")) AS creator, lower(hex(t."fan")) AS fan, t."source" AS source,
  lower(hex(t."amount")) AS amount, lower(hex(t."fee")) AS fee,
  CASE WHEN t."paymentRef" IS NULL THEN NULL ELSE lower(hex(t."paymentRef")) END AS paymentRef
  FROM "Payment" t`;

// Rows are read as arrays (`raw` statements), in the order of the SELECTs above, which is the
// order of TIP_COLUMNS / PAYMENT_COLUMNS: no per-row object from SQLite, one per row here.
function tipRow(row: unknown[]): LedgerRow {
  return {
    id: hexText(row[0]),
    timestamp: bigText(row[1]),
    blockNumber: bigText(row[2]),
    transactionHash: hexText(row[3]),
    logIndex: bigText(row[4]),
    creator: hexText(row[5]),
    fan: hexText(row[6]),
    source: row[7] as string,
    amount: bigText(row[8]),
    fee: bigText(row[9]),
    channel: row[10] as string,
    channelRef: hexText(row[11]),
    memoHash: hexText(row[12]),
    paymentRef: hexText(row[13]),
    creditStatus: (row[14] as string | null) ?? null,
    stablecoin: hexText(row[15]),
    stableAmount: bigText(row[16]),
  };
}

function paymentRow(row: unknown[]): LedgerRow {
  return {
    id: hexText(row[0]),
    timestamp: bigText(row[1]),
    blockNumber: bigText(row[2]),
    transactionHash: hexText(row[3]),
    kind: row[4] as string,
    creator: hexText(row[5]),
    fan: hexText(row[6]),
    source: row[7] as string,
    amount: bigText(row[8]),
    fee: bigText(row[9]),
    paymentRef: hexText(row[10]),
  };
}

export interface PageOptions {
  /** Rows per chunk read from SQLite. */
  readonly chunk?: number;
  /** Stop after this many rows. */
  readonly limit?: number;
}

/**
 * Tips or payments in (timestamp, id) order, chunk by chunk. Each chunk is one
 * short query (no statement stays open across awaits), resumed after the last
 * key seen.
 */
export function* ledgerRows(
  db: Database.Database,
  table: "tips" | "payments",
  filter: LedgerFilter,
  options: PageOptions = {},
): Generator<LedgerRow[]> {
  let remaining = options.limit ?? Number.POSITIVE_INFINITY;
  const isTips = table === "tips";
  const where = conditions(filter, "t", !isTips);
  const select = isTips ? TIP_SELECT : PAYMENT_SELECT;
  const first = db.prepare(`${select} WHERE ${where.sql} ORDER BY t."timestamp", t."id" LIMIT ?`).raw(true);
  const next = db
    .prepare(
      `${select} WHERE ${where.sql} AND (t."timestamp" > ? OR (t."timestamp" = ? AND t."id" > ?)) ORDER BY t."timestamp", t."id" LIMIT ?`,
    )
    .raw(true);
  let last: { timestamp: Buffer; id: Buffer } | undefined;
  const chunk = Math.max(1, Math.min(options.chunk ?? 1000, 10_000));
  while (remaining > 0) {
    const size = Math.min(chunk, remaining);
    const rows = (
      last === undefined
        ? first.all(...where.params, size)
        : next.all(...where.params, last.timestamp, last.timestamp, last.id, size)
    ) as unknown[][];
    if (rows.length === 0) return;
    // Columns 0 and 1 are the id and the timestamp, as hex.
    const tail = rows[rows.length - 1] as [string, string];
    last = { timestamp: Buffer.from(tail[1], "hex"), id: Buffer.from(tail[0], "hex") };
    remaining -= rows.length;
    yield rows.map(isTips ? tipRow : paymentRow);
    if (rows.length < size) return;
  }
}

export interface TotalsRow {
  readonly group: string;
  readonly count: number;
  readonly amount: string;
  readonly fee: string;
}

export interface Totals {
  readonly count: number;
  readonly amount: string;
  readonly fee: string;
  readonly bySource: readonly TotalsRow[];
  readonly byKind?: readonly TotalsRow[];
}

/** Sums ledger rows, one at a time, with exact bigint arithmetic (whatever index they come from). */
export class TotalsAccumulator {
  #count = 0;
  #amount = 0n;
  #fee = 0n;
  readonly #bySource = new Map<string, { count: number; amount: bigint; fee: bigint }>();
  readonly #byKind = new Map<string, { count: number; amount: bigint; fee: bigint }>();
  readonly #withKind: boolean;

  constructor(table: "tips" | "payments") {
    this.#withKind = table === "payments";
  }

  add(amount: bigint, fee: bigint, source: string, kind?: string): void {
    this.#count++;
    this.#amount += amount;
    this.#fee += fee;
    TotalsAccumulator.#group(this.#bySource, source, amount, fee);
    if (this.#withKind) TotalsAccumulator.#group(this.#byKind, kind ?? "", amount, fee);
  }

  static #group(map: Map<string, { count: number; amount: bigint; fee: bigint }>, key: string, a: bigint, f: bigint) {
    const entry = map.get(key) ?? { count: 0, amount: 0n, fee: 0n };
    entry.count++;
    entry.amount += a;
    entry.fee += f;
    map.set(key, entry);
  }

  /** Groups in ascending order of their names, so that every index gives the same report. */
  totals(): Totals {
    const rows = (map: Map<string, { count: number; amount: bigint; fee: bigint }>): TotalsRow[] =>
      [...map.entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([group, v]) => ({ group, count: v.count, amount: v.amount.toString(), fee: v.fee.toString() }));
    return {
      count: this.#count,
      amount: this.#amount.toString(),
      fee: this.#fee.toString(),
      bySource: rows(this.#bySource),
      ...(this.#withKind ? { byKind: rows(this.#byKind) } : {}),
    };
  }
}

/** Sums with exact bigint arithmetic (amounts are 33-byte blobs; SQL cannot add them). */
export function ledgerTotals(db: Database.Database, table: "tips" | "payments", filter: LedgerFilter): Totals {
  const isTips = table === "tips";
  const where = conditions(filter, "t", !isTips);
  const statement = db.prepare(
    `SELECT t."amount" AS amount, t."fee" AS fee, t."source" AS source${isTips ? "" : ', t."kind" AS kind'} FROM "${
      isTips ? "Tip" : "Payment"
    }" t WHERE ${where.sql}`,
  );
  const totals = new TotalsAccumulator(table);
  for (const row of statement.iterate(...where.params) as Iterable<Record<string, unknown>>) {
    totals.add(
      decodeBigInt(row.amount as Buffer),
      decodeBigInt(row.fee as Buffer),
      row.source as string,
      row.kind as string,
    );
  }
  return totals.totals();
}

export function columnsOf(table: "tips" | "payments"): readonly string[] {
  return table === "tips" ? TIP_COLUMNS : PAYMENT_COLUMNS;
}
