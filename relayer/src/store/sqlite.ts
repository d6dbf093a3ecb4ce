// SQLite store (the embedded default): one file, WAL journal so readers never
// block the writer; every commit survives a killed process.
//
// better-sqlite3 is synchronous, so a WAL checkpoint (copying pages back into
// the database file and syncing it) would stall the event loop — and every
// webhook acknowledgement — for tens to hundreds of milliseconds. Automatic
// checkpoints are therefore off on the main connection and a worker thread with
// its own connection checkpoints in the background.
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { Worker } from "node:worker_threads";

import SqliteDatabase from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";

import { migrateToLatest } from "./migrations.ts";
import type { Database } from "./schema.ts";
import { createStore, type Store } from "./store.ts";

const CHECKPOINT_INTERVAL_MS = 1_000;

const checkpointerSource = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.module);
const db = new Database(workerData.path);
db.pragma("busy_timeout = 2000");
const checkpoint = (mode) => { try { db.pragma("wal_checkpoint(" + mode + ")"); } catch {} };
const timer = setInterval(() => checkpoint("PASSIVE"), workerData.intervalMs);
parentPort.on("message", (message) => {
  if (message !== "stop") return;
  clearInterval(timer);
  checkpoint("TRUNCATE");
  db.close();
  parentPort.postMessage("stopped");
});
`;

function startCheckpointer(path: string): () => Promise<void> {
  const module = createRequire(import.meta.url).resolve("better-sqlite3");
  const worker = new Worker(checkpointerSource, {
    eval: true,
    workerData: { path, module, intervalMs: CHECKPOINT_INTERVAL_MS },
  });
  worker.unref();
  worker.on("error", () => undefined);
  return async () => {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 2_000);
      worker.once("message", () => (clearTimeout(timer), resolve()));
      worker.once("exit", () => (clearTimeout(timer), resolve()));
      worker.postMessage("stop");
    });
    await worker.terminate();
  };
}

/**
 * Kysely prepares every query afresh; the relayer runs the same few dozen SQL
 * texts over and over, so keep their prepared statements (bounded, by text).
 */
function cachePreparedStatements(database: SqliteDatabase.Database, limit = 256): void {
  const prepare = database.prepare.bind(database);
  const cache = new Map<string, SqliteDatabase.Statement>();
  database.prepare = ((source: string) => {
    let statement = cache.get(source);
    if (statement === undefined) {
      statement = prepare(source);
      if (cache.size >= limit) cache.delete(cache.keys().next().value!);
      cache.set(source, statement);
    }
    return statement;
  }) as typeof database.prepare;
}

export async function openSqliteStore(path: string): Promise<Store> {
  const inMemory = path === ":memory:";
  if (!inMemory) mkdirSync(dirname(path), { recursive: true });
  const database = new SqliteDatabase(path);
  database.pragma("journal_mode = WAL");
  // NORMAL in WAL mode loses nothing when the process dies (only on power loss).
  database.pragma("synchronous = NORMAL");
  database.pragma("busy_timeout = 10000");
  database.pragma("foreign_keys = ON");
  if (!inMemory) database.pragma("wal_autocheckpoint = 0");
  database.defaultSafeIntegers(false);
  cachePreparedStatements(database);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
  await migrateToLatest(db as Kysely<unknown>, "sqlite");
  const stopCheckpointer = inMemory ? async () => undefined : startCheckpointer(path);
  return createStore("sqlite", db, async () => {
    await db.destroy();
    await stopCheckpointer();
  });
}
