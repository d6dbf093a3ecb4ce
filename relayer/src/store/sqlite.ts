// SQLite store (the embedded default): one file, WAL journal so readers never
// block the writer; every commit survives a killed process.
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";

import SqliteDatabase from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";

import { migrateToLatest } from "./migrations.ts";
import type { Database } from "./schema.ts";
import { createStore, type Store } from "./store.ts";

export async function openSqliteStore(path: string): Promise<Store> {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const database = new SqliteDatabase(path);
  database.pragma("journal_mode = WAL");
  // NORMAL in WAL mode loses nothing when the process dies (only on power loss).
  database.pragma("synchronous = NORMAL");
  database.pragma("busy_timeout = 10000");
  database.pragma("foreign_keys = ON");
  database.defaultSafeIntegers(false);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
  await migrateToLatest(db as Kysely<unknown>, "sqlite");
  return createStore("sqlite", db, () => db.destroy());
}
