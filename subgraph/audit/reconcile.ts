// Fiat reconciliation: every payment the relayer recorded, matched to its
// on-chain credit or reversal by payment reference, and every mismatch listed
// — both ways (recorded but not on-chain as recorded, and on-chain credits the
// relayer never recorded).
import { readFileSync } from "node:fs";
import { resolve } from "node:path";

import Database from "better-sqlite3";
import { keccak256, toBytes } from "viem";

import { bytesToHex, decodeBigInt } from "../indexer/store/values.ts";
import { AuditInputError } from "./ledger.ts";

/** How the relayer sees a payment. */
export type RelayerStatus = "credited" | "reversed" | "pending" | "failed";

export interface RelayerRecord {
  /** bytes32 reference as credited on-chain, or the provider's id (e.g. a Stripe PaymentIntent id) it hashes. */
  readonly paymentRef: string;
  /** $MESI base units the relayer credited (or meant to). */
  readonly amount: string | bigint;
  readonly status: string;
}

export type MismatchKind =
  | "missing_on_chain"
  | "amount_mismatch"
  | "status_mismatch"
  | "unexpected_on_chain"
  | "unknown_on_chain"
  | "duplicate_record"
  | "invalid_record";

export interface ChainCredit {
  readonly paymentRef: string;
  readonly status: "HELD" | "CLEARED" | "REVERSED";
  readonly amount: string;
  readonly source: string;
  readonly creator: string;
  readonly fan: string;
  readonly creditedAt: string;
  readonly creditTransactionHash: string;
}

export interface Mismatch {
  readonly kind: MismatchKind;
  readonly paymentRef: string;
  readonly detail: string;
  readonly relayer: RelayerRecord | null;
  readonly chain: ChainCredit | null;
}

/** A recorded payment whose on-chain state agrees with the relayer's record. */
export interface Match {
  readonly paymentRef: string;
  readonly relayer: RelayerRecord;
  /** The credit (or reversal) it matched; null for a pending or failed payment that rightly has none. */
  readonly chain: ChainCredit | null;
}

export interface ReconciliationReport {
  /** Index head the report was made at. */
  readonly block: string | null;
  readonly relayerRecords: number;
  readonly chainCredits: number;
  readonly matched: number;
  /** Every match, in the order of the relayer's records. */
  readonly matches: readonly Match[];
  readonly mismatches: readonly Mismatch[];
  readonly summary: Readonly<Record<MismatchKind, number>>;
}

const STATUS_ALIASES: Record<string, RelayerStatus> = {
  credited: "credited",
  succeeded: "credited",
  paid: "credited",
  held: "credited",
  cleared: "credited",
  settled: "credited",
  reversed: "reversed",
  refunded: "reversed",
  chargeback: "reversed",
  charged_back: "reversed",
  disputed_lost: "reversed",
  pending: "pending",
  processing: "pending",
  failed: "failed",
  canceled: "failed",
  cancelled: "failed",
};

export function normalizeStatus(status: string): RelayerStatus | undefined {
  return STATUS_ALIASES[status.trim().toLowerCase()];
}

/** The on-chain reference of a recorded payment: a bytes32 as is, anything else keccak256(utf8). */
export function chainPaymentRef(ref: string): string {
  const trimmed = ref.trim();
  if (/^0x[0-9a-fA-F]{64}$/.test(trimmed)) return trimmed.toLowerCase();
  return keccak256(toBytes(trimmed));
}

/** Parses relayer records from JSON (array), NDJSON or CSV with a header naming paymentRef, amount, status. */
export function parseRelayerRecords(text: string): RelayerRecord[] {
  const trimmed = text.trim();
  if (trimmed === "") return [];
  if (trimmed.startsWith("[")) return JSON.parse(trimmed) as RelayerRecord[];
  if (trimmed.startsWith("{"))
    return trimmed
      .split(/\r?\n/)
      .filter(Boolean)
      .map((line) => JSON.parse(line) as RelayerRecord);
  const lines = trimmed.split(/\r?\n/).filter((line) => line.trim() !== "");
  const header = parseCsvLine(lines[0] ?? "").map((h) =>
    h.trim().replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()),
  );
  const at = (name: string): number => header.findIndex((h) => h.toLowerCase() === name.toLowerCase());
  const refIndex = at("paymentRef");
  const amountIndex = at("amount");
  const statusIndex = at("status");
  if (refIndex < 0 || amountIndex < 0 || statusIndex < 0) {
    throw new AuditInputError(`CSV header must name paymentRef (or payment_ref), amount and status; got ${lines[0]}`);
  }
  return lines.slice(1).map((line) => {
    const cells = parseCsvLine(line);
    return { paymentRef: cells[refIndex] ?? "", amount: cells[amountIndex] ?? "", status: cells[statusIndex] ?? "" };
  });
}

function parseCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      cells.push(cell);
      cell = "";
    } else cell += ch;
  }
  cells.push(cell);
  return cells;
}

/**
 * The relayer's own store (relayer/src/store/schema.ts): its `payments` table, one row per card payment.
 * Its statuses say what the relayer did, mapped here to what the chain should show.
 */
const RELAYER_STORE_QUERY = `SELECT payment_ref AS "paymentRef", COALESCE(mesi_amount, '0') AS amount, status
  FROM payments WHERE payment_ref IS NOT NULL ORDER BY payment_ref`;
const RELAYER_STORE_STATUS: Record<string, RelayerStatus> = {
  credit_queued: "pending",
  credited: "credited",
  // Never credited: refused, or refunded before any credit.
  rejected: "failed",
  refunded: "failed",
  // Still credited on-chain until the reversal lands / a person decides.
  reversal_queued: "credited",
  flagged: "credited",
  reversed: "reversed",
};

function fromRelayerStore(rows: readonly RelayerRecord[]): RelayerRecord[] {
  return rows.map((row) => ({ ...row, status: RELAYER_STORE_STATUS[String(row.status)] ?? String(row.status) }));
}

export interface ReadRecordsOptions {
  /** SQL selecting paymentRef, amount, status (a database that is not the relayer's store). */
  readonly query?: string;
  /** Where a relative path starts (the directory the command was run from). */
  readonly cwd?: string;
}

/**
 * Reads relayer records from a PostgreSQL URL (the relayer's store), a SQLite file (the relayer's store,
 * or any database with `query`), or a .json / .ndjson / .csv file.
 */
export async function readRelayerRecords(source: string, options: ReadRecordsOptions = {}): Promise<RelayerRecord[]> {
  if (/^postgres(ql)?:\/\//i.test(source)) {
    const { default: pg } = await import("pg");
    const client = new pg.Client({ connectionString: source });
    await client.connect();
    try {
      const result = await client.query<RelayerRecord>(options.query ?? RELAYER_STORE_QUERY);
      return options.query ? result.rows : fromRelayerStore(result.rows);
    } finally {
      await client.end();
    }
  }
  const path = resolve(options.cwd ?? process.cwd(), source);
  if (/\.(sqlite|sqlite3|db)$/i.test(path)) {
    const db = new Database(path, { readonly: true, fileMustExist: true });
    try {
      if (options.query) return db.prepare(options.query).all() as RelayerRecord[];
      const columns = new Set(
        (db.prepare(`SELECT name FROM pragma_table_info('payments')`).all() as { name: string }[]).map((c) => c.name),
      );
      if (!columns.has("payment_ref") || !columns.has("status")) {
        throw new AuditInputError(
          `${path} has no relayer payments table (payment_ref, mesi_amount, status): pass --query SQL selecting paymentRef, amount, status`,
        );
      }
      return fromRelayerStore(db.prepare(RELAYER_STORE_QUERY).all() as RelayerRecord[]);
    } finally {
      db.close();
    }
  }
  return parseRelayerRecords(readFileSync(path, "utf8"));
}

/** Every on-chain credit of the index, read at one block, in (creditedAt, id) order. */
export interface IndexCredits {
  /** The index block the credits were read at. */
  readonly block: string | null;
  readonly credits: readonly ChainCredit[];
}

/** A RelayerCredit row of the SQLite store as the report shows it. */
export function chainCredit(row: Record<string, unknown>): ChainCredit {
  return {
    paymentRef: bytesToHex(row.id as Buffer),
    status: row.status as ChainCredit["status"],
    amount: decodeBigInt(row.amount as Buffer).toString(),
    source: row.source as string,
    creator: bytesToHex(row.creator as Buffer),
    fan: bytesToHex(row.fan as Buffer),
    creditedAt: decodeBigInt(row.creditedAt as Buffer).toString(),
    creditTransactionHash: bytesToHex(row.creditTransactionHash as Buffer),
  };
}

export interface ReconcileOptions {
  /** On-chain sources the relayer is answerable for. Default: FIAT only. */
  readonly sources?: readonly string[];
}

export function reconcile(
  index: IndexCredits,
  records: readonly RelayerRecord[],
  options: ReconcileOptions = {},
): ReconciliationReport {
  const sources = new Set(options.sources ?? ["FIAT"]);
  const mismatches: Mismatch[] = [];
  const matches: Match[] = [];
  const byRef = new Map<string, RelayerRecord>();
  for (const record of records) {
    let ref: string;
    try {
      ref = chainPaymentRef(String(record.paymentRef ?? ""));
      if (String(record.paymentRef ?? "").trim() === "") throw new Error("empty");
    } catch {
      mismatches.push({
        kind: "invalid_record",
        paymentRef: String(record.paymentRef),
        detail: "no payment reference",
        relayer: record,
        chain: null,
      });
      continue;
    }
    if (byRef.has(ref)) {
      mismatches.push({
        kind: "duplicate_record",
        paymentRef: ref,
        detail: "the relayer recorded this reference more than once",
        relayer: record,
        chain: null,
      });
      continue;
    }
    byRef.set(ref, record);
  }

  const onChain = new Map(index.credits.map((credit) => [credit.paymentRef, credit]));
  for (const [ref, record] of byRef) {
    const status = normalizeStatus(String(record.status));
    let amount: bigint;
    try {
      amount = BigInt(String(record.amount));
    } catch {
      mismatches.push({
        kind: "invalid_record",
        paymentRef: ref,
        detail: `amount \`${String(record.amount)}\` is not an integer`,
        relayer: record,
        chain: null,
      });
      continue;
    }
    if (status === undefined) {
      mismatches.push({
        kind: "invalid_record",
        paymentRef: ref,
        detail: `unknown status \`${record.status}\``,
        relayer: record,
        chain: null,
      });
      continue;
    }
    const chain = onChain.get(ref) ?? null;
    if (status === "pending" || status === "failed") {
      if (chain) {
        mismatches.push({
          kind: "unexpected_on_chain",
          paymentRef: ref,
          detail: `the relayer says ${status} but the chain has a ${chain.status} credit`,
          relayer: record,
          chain,
        });
      } else matches.push({ paymentRef: ref, relayer: record, chain: null });
      continue;
    }
    if (!chain) {
      mismatches.push({
        kind: "missing_on_chain",
        paymentRef: ref,
        detail: `the relayer says ${status}; no on-chain credit has this reference`,
        relayer: record,
        chain: null,
      });
      continue;
    }
    const problems: Mismatch[] = [];
    if (BigInt(chain.amount) !== amount) {
      problems.push({
        kind: "amount_mismatch",
        paymentRef: ref,
        detail: `relayer ${amount} vs on-chain ${chain.amount}`,
        relayer: record,
        chain,
      });
    }
    const chainReversed = chain.status === "REVERSED";
    if (status === "reversed" && !chainReversed) {
      problems.push({
        kind: "status_mismatch",
        paymentRef: ref,
        detail: `the relayer says reversed; on-chain it is ${chain.status}`,
        relayer: record,
        chain,
      });
    } else if (status === "credited" && chainReversed) {
      problems.push({
        kind: "status_mismatch",
        paymentRef: ref,
        detail: "the relayer says credited; on-chain it was reversed",
        relayer: record,
        chain,
      });
    }
    if (problems.length === 0) matches.push({ paymentRef: ref, relayer: record, chain });
    else mismatches.push(...problems);
  }

  let chainCredits = 0;
  for (const credit of index.credits) {
    if (!sources.has(credit.source)) continue;
    chainCredits++;
    if (!byRef.has(credit.paymentRef)) {
      mismatches.push({
        kind: "unknown_on_chain",
        paymentRef: credit.paymentRef,
        detail: `on-chain ${credit.status} ${credit.source} credit of ${credit.amount} that the relayer did not record`,
        relayer: null,
        chain: credit,
      });
    }
  }

  const summary = {
    missing_on_chain: 0,
    amount_mismatch: 0,
    status_mismatch: 0,
    unexpected_on_chain: 0,
    unknown_on_chain: 0,
    duplicate_record: 0,
    invalid_record: 0,
  } satisfies Record<MismatchKind, number>;
  for (const m of mismatches) summary[m.kind]++;
  return {
    block: index.block,
    relayerRecords: records.length,
    chainCredits,
    matched: matches.length,
    matches,
    mismatches,
    summary,
  };
}
