// What the auditor reads, whichever index answers: the embedded indexer's SQLite file
// (`sqliteAuditIndex`) or any endpoint that speaks The Graph's query dialect — a graph-node or
// The Graph's gateway (`graphAuditIndex`). The API and the CLI take one and never ask which.
import type { IndexCredits } from "./reconcile.ts";
import type { LedgerFilter, LedgerRow, Totals } from "./ledger.ts";
import type { IndexSnapshot } from "./verify.ts";

export type LedgerName = "tips" | "payments";

export interface LedgerPageOptions {
  /** Stop after this many rows. */
  readonly limit?: number;
  /** Rows per page (the Graph dialect serves at most 1000). */
  readonly chunk?: number;
}

export interface AuditIndex {
  /** Where the rows come from, for messages. */
  readonly description: string;
  /** Tips or payments in (timestamp, id) order, page by page, all from one block. */
  ledgerPages(table: LedgerName, filter: LedgerFilter, options?: LedgerPageOptions): AsyncIterable<LedgerRow[]>;
  ledgerTotals(table: LedgerName, filter: LedgerFilter): Promise<Totals>;
  /** Every relayer credit, for reconciliation. */
  credits(): Promise<IndexCredits>;
  /** Everything `verify` compares with the chain, from one block. */
  verifySnapshot(vaultAddress: string): Promise<IndexSnapshot>;
}
