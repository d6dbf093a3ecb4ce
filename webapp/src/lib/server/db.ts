// The webapp server's own SQLite file (under MESI_WEBAPP_DATA_DIR): off-chain data whose hash or reference
// is on-chain, such as tip messages, and the server's small ledgers (handle claims, content quota).
import type Database from "better-sqlite3";

import { serverConfig } from "./config";
import { openSqlite } from "./sqlite";

let db: Database.Database | undefined;

export function database(): Database.Database {
  db ??= openSqlite(
    serverConfig().dataDir,
    "webapp.sqlite",
    `CREATE TABLE IF NOT EXISTS memos (
      hash TEXT PRIMARY KEY,
      text TEXT NOT NULL,
      created_at INTEGER NOT NULL
    )`,
  );
  return db;
}
