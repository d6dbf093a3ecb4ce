// The auditor's reads over the embedded indexer's SQLite file. Each report reads inside one read
// transaction (one snapshot); an export reads short keyset pages so that no statement stays open
// across the awaits of a slow consumer.
import type Database from "better-sqlite3";

import { hexToBytes } from "../indexer/store/values.ts";
import type { AuditIndex, LedgerName, LedgerPageOptions } from "./audit-index.ts";
import { ledgerRows, ledgerTotals, type LedgerFilter, type LedgerRow } from "./ledger.ts";
import { chainCredit, type IndexCredits } from "./reconcile.ts";
import { snapshotOf, type IndexSnapshot, type VerifiedEntity } from "./verify.ts";

type Row = Record<string, unknown>;

function headOf(db: Database.Database): string | null {
  const head = db.prepare(`SELECT value FROM _meta WHERE key = 'head_number'`).get() as { value: string } | undefined;
  return head?.value ?? null;
}

export function sqliteAuditIndex(db: Database.Database): AuditIndex {
  return {
    description: `the index database ${db.name}`,
    async *ledgerPages(table: LedgerName, filter: LedgerFilter, options: LedgerPageOptions = {}) {
      yield* ledgerRows(db, table, filter, options) as Iterable<LedgerRow[]>;
    },
    async ledgerTotals(table, filter) {
      return ledgerTotals(db, table, filter);
    },
    async credits(): Promise<IndexCredits> {
      return db.transaction(() => ({
        block: headOf(db),
        credits: (db.prepare(`SELECT * FROM "RelayerCredit" ORDER BY "creditedAt", "id"`).all() as Row[]).map(
          chainCredit,
        ),
      }))();
    },
    async verifySnapshot(vaultAddress: string): Promise<IndexSnapshot> {
      // Deferred BEGIN: the snapshot is fixed at the first read (the head) and holds until the end, so a
      // block flushed meanwhile by the indexer (this connection or another process) is seen by none of them.
      return db.transaction((): IndexSnapshot => {
        const head = headOf(db);
        if (head === null) throw new Error("the index is empty: nothing to verify");
        return snapshotOf({
          head: BigInt(head),
          rows: (entity: VerifiedEntity) => db.prepare(`SELECT * FROM "${entity}"`).iterate() as Iterable<Row>,
          vault: db.prepare(`SELECT * FROM "Vault" WHERE "id" = ?`).get(hexToBytes(vaultAddress)) as Row | undefined,
        });
      })();
    },
  };
}
