// The webapp server's own SQLite file (under MESI_WEBAPP_DATA_DIR): off-chain data whose hash or reference
// is on-chain, such as tip messages.
import { mkdirSync } from "node:fs";
import { join } from "node:path";

import Database from "better-sqlite3";

import { serverConfig } from "./config";

let db: Database.Database | undefined;

export function database(): Database.Database {
  if (db !== undefined) return db;
  const dir = serverConfig().dataDir;
  mkdirSync(dir, { recursive: true });
  db = new Database(join(dir, "webapp.sqlite"));
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.exec(`CREATE TABLE IF NOT EXISTS memos (
    hash TEXT PRIMARY KEY,
    text TEXT NOT NULL,
    created_at INTEGER NOT NULL
  )`);
  return db;
}
