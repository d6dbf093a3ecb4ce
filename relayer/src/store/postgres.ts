// PostgreSQL store: several relayer instances share it, each with its own
// hot wallet; row claims use FOR UPDATE SKIP LOCKED.
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";

import { migrateToLatest } from "./migrations.ts";
import type { Database } from "./schema.ts";
import { createStore, type Store } from "./store.ts";

// int8 (bigint) columns hold epoch milliseconds and small counts: well within
// Number's exact range. Amounts are stored as text and never pass through here.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export async function openPostgresStore(url: string, poolSize = 10): Promise<Store> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  await migrateToLatest(db as Kysely<unknown>, "postgres");
  return createStore("postgres", db, () => db.destroy());
}
