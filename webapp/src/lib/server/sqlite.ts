// The one way the webapp's server opens its SQLite files (under MESI_WEBAPP_DATA_DIR): the folder made, write-ahead
// logging, durable commits, and a wait instead of an error when another connection holds the write lock (two webapp
// instances may share the data dir). Each store brings its own tables.
import { mkdirSync } from "node:fs";
import { join } from "node:path";

import Database from "better-sqlite3";

export function openSqlite(dataDir: string, fileName: string, schema: string): Database.Database {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, fileName));
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.pragma("busy_timeout = 5000");
  db.exec(schema);
  return db;
}
