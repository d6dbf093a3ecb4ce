// The relayer's store: one Kysely database over SQLite (default) or
// PostgreSQL (several instances), with a transaction helper that takes the
// write lock up front on SQLite (BEGIN IMMEDIATE) so a read-then-write
// transaction never races another process.
import { sql, type Kysely, type Transaction } from "kysely";

import type { Database } from "./schema.ts";

export type Dialect = "sqlite" | "postgres";

export type Executor = Kysely<Database> | Transaction<Database>;

export interface Store {
  readonly dialect: Dialect;
  readonly db: Kysely<Database>;
  /** Runs `fn` in one transaction; on SQLite the write lock is taken at BEGIN. */
  transaction<T>(fn: (trx: Kysely<Database>) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export function createStore(dialect: Dialect, db: Kysely<Database>, close: () => Promise<void>): Store {
  if (dialect === "postgres") {
    return {
      dialect,
      db,
      transaction: (fn) => db.transaction().execute((trx) => fn(trx)),
      close,
    };
  }
  return {
    dialect,
    db,
    // Kysely's SQLite driver serialises use of its single connection; the
    // explicit BEGIN IMMEDIATE makes the transaction the single writer across
    // processes too (another process waits on busy_timeout).
    transaction: (fn) =>
      db.connection().execute(async (connection) => {
        await sql`begin immediate`.execute(connection);
        try {
          const result = await fn(connection);
          await sql`commit`.execute(connection);
          return result;
        } catch (error) {
          await sql`rollback`.execute(connection).catch(() => undefined);
          throw error;
        }
      }),
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
