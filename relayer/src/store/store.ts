// The relayer's store: one Kysely database over SQLite (default) or
// PostgreSQL (several instances), with a transaction helper; on SQLite every
// transaction holds the write lock from its start (see sqliteWorker.ts) so a
// read-then-write transaction never races another process.
import type { Kysely, Transaction } from "kysely";

import type { Database } from "./schema.ts";
import type { JobHooks, TransactionJob } from "./transactionJob.ts";

export type Dialect = "sqlite" | "postgres";

export type Executor = Kysely<Database> | Transaction<Database>;

export interface Store {
  readonly dialect: Dialect;
  readonly db: Kysely<Database>;
  /** Runs `fn` in one transaction; on SQLite the write lock is taken at BEGIN. */
  transaction<T>(fn: (trx: Kysely<Database>) => Promise<T>): Promise<T>;
  /** Runs `job` as one transaction: on SQLite inside the store's worker, in one message. */
  runJob<I, O>(job: TransactionJob<I, O>, input: I, hooks?: JobHooks): Promise<O>;
  close(): Promise<void>;
}

export function createStore(
  dialect: Dialect,
  db: Kysely<Database>,
  close: () => Promise<void>,
  runJob?: Store["runJob"],
): Store {
  // On SQLite the worker's driver (sqliteWorkerDialect.ts) runs each transaction inside the writer's BEGIN
  // IMMEDIATE group, so it is the single writer across processes too (another process waits on busy_timeout),
  // and its commit resolves once the group is synced.
  return {
    dialect,
    db,
    transaction: (fn) => db.transaction().execute((trx) => fn(trx)),
    runJob:
      runJob ??
      ((job, input, hooks) =>
        db.transaction().execute(async (trx) => {
          const result = await job.run(trx, input);
          hooks?.beforeCommit?.();
          return result;
        })),
    close,
  };
}

/** True when `error` is a unique-constraint violation on either dialect. */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const code = (error as { code?: unknown }).code;
  return code === "23505" || code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY";
}

/**
 * True when PostgreSQL rolled the transaction back because of a concurrent one (serialization failure or
 * deadlock): running it again is safe and expected.
 */
export function isTransientConflict(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const code = (error as { code?: unknown }).code;
  return code === "40001" || code === "40P01";
}
