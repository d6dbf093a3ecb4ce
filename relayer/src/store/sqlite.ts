// SQLite store (the embedded default): one file, WAL journal so readers never
// block the writer; every commit is synced (synchronous=FULL) and survives a
// power loss. The connections live in a worker thread (sqliteWorker.ts) that
// gathers concurrent writes into one synced commit, so neither the fsync nor a
// wait on another process's lock runs on the event loop that answers webhooks.
//
// A WAL checkpoint (copying pages back into the database file and syncing it)
// takes tens to hundreds of milliseconds: automatic checkpoints are off and a
// second worker with its own connection checkpoints in the background, so
// commits never wait for one.
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { Worker } from "node:worker_threads";

import { Kysely } from "kysely";

import { migrateToLatest } from "./migrations.ts";
import type { Database } from "./schema.ts";
import { SqliteWorkerDialect } from "./sqliteWorkerDialect.ts";
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

export interface SqliteStoreOptions {
  /** How long writes gather in one synced commit (group commit). */
  groupWindowMs?: number;
  maxGroupSize?: number;
  /** How long a write waits for another process's lock before it fails. */
  busyTimeoutMs?: number;
}

export async function openSqliteStore(path: string, options: SqliteStoreOptions = {}): Promise<Store> {
  const inMemory = path === ":memory:";
  if (!inMemory) mkdirSync(dirname(path), { recursive: true });
  const dialect = new SqliteWorkerDialect({
    path,
    busyTimeoutMs: options.busyTimeoutMs ?? 10_000,
    groupWindowMs: options.groupWindowMs ?? 2,
    maxGroupSize: options.maxGroupSize ?? 500,
  });
  const db = new Kysely<Database>({ dialect });
  await migrateToLatest(db as Kysely<unknown>, "sqlite");
  const stopCheckpointer = inMemory ? async () => undefined : startCheckpointer(path);
  return createStore(
    "sqlite",
    db,
    async () => {
      await db.destroy();
      await stopCheckpointer();
    },
    (job, input, hooks) => dialect.runJob(job, input, hooks),
  );
}
