// The SQLite store's worker thread: it owns the database connections, so no
// SQLite call (a synced commit, a busy wait on another process's lock) ever
// runs on the event loop that answers webhooks.
//
// Group commit: the writer keeps one outer transaction (BEGIN IMMEDIATE) open
// for a few milliseconds; each logical transaction runs inside it as a
// savepoint and each standalone write as one statement. The outer COMMIT is
// synced (synchronous=FULL), and only then is each member answered: a caller's
// commit resolves once its data is on disk, and many webhooks share one fsync.
// Logical transactions run one at a time; other connections' messages wait in
// order. Standalone reads go to a second connection, which in WAL mode sees
// only committed (so synced) data.
//
// A transaction job (transactionJob.ts) runs here whole, in one message: its
// queries go straight to the writer through a Kysely bound to it, inside the
// same savepoint-in-a-group as a logical transaction, and it is answered once
// the group is synced. Its queries resolve synchronously (better-sqlite3), so
// no other message is handled before it ends.
//
// Runs with Node's type stripping (erasable TypeScript only).
import { parentPort, workerData } from "node:worker_threads";

import SqliteDatabase from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";

import type { Database } from "./schema.ts";
import { sqliteWorkerJobs } from "./sqliteWorkerJobs.ts";
import { cachePreparedStatements } from "./statementCache.ts";
import type { SqliteWorkerAnswer, SqliteWorkerData, SqliteWorkerRequest } from "./sqliteWorkerProtocol.ts";

const data = workerData as SqliteWorkerData;
const port = parentPort!;

function connect(readonly: boolean): SqliteDatabase.Database {
  const database = new SqliteDatabase(data.path);
  if (!readonly) database.pragma("journal_mode = WAL");
  // The store is the system of record: an acknowledged webhook must survive a power loss, not only a killed
  // process. NORMAL in WAL mode may lose the last commits on power loss; FULL syncs the WAL at every commit.
  database.pragma("synchronous = FULL");
  // The writer never busy-waits on another process's lock (that would stall this thread's reads too): it retries
  // on a timer below, up to the same limit.
  database.pragma(`busy_timeout = ${readonly ? data.busyTimeoutMs : 0}`);
  database.pragma("foreign_keys = ON");
  // Checkpoints run on their own thread (see sqlite.ts), never inside a commit that callers wait for.
  if (data.path !== ":memory:") database.pragma("wal_autocheckpoint = 0");
  database.defaultSafeIntegers(false);
  cachePreparedStatements(database);
  return database;
}

const writer = connect(false);
// An in-memory database has one connection: reads share the writer.
const reader = data.path === ":memory:" ? undefined : connect(true);

const SAVEPOINT = "mesi_logical_tx";
/** The connection number a running job holds the writer under (drivers number theirs from 1). */
const JOB_CONNECTION = -1;
/** Jobs' queries, on the writer connection. */
const jobDb = new Kysely<Database>({ dialect: new SqliteDialect({ database: writer }) });

/** The connection whose logical transaction runs now; others wait in `waiting`. */
let active: number | undefined;
let waiting: SqliteWorkerRequest[] = [];
let groupOpen = false;
let groupDue = false;
let groupTimer: NodeJS.Timeout | undefined;
/** Answers held until the outer transaction is synced. */
let held: SqliteWorkerAnswer[] = [];
/** Since when the writer has been waiting for another process's write lock (requests queue meanwhile). */
let lockWaitSince: number | undefined;
const LOCK_RETRY_MS = 5;
/**
 * After a synced commit the writer leaves the lock free for one window before it opens the next group, so another
 * process (the requeue command, a second relayer on the same file) can take it instead of starving behind a busy
 * relayer; the requests that arrive meanwhile join the next group.
 */
let nextGroupAt = 0;
let pausing = false;

function answer(message: SqliteWorkerAnswer): void {
  port.postMessage(message);
}

function failure(id: number, error: unknown): SqliteWorkerAnswer {
  const { name, message, code } = error as { name?: string; message?: string; code?: string };
  return { id, error: { name: name ?? "Error", message: message ?? String(error), code } };
}

function run(database: SqliteDatabase.Database, sql: string, params: readonly unknown[]) {
  const statement = database.prepare(sql);
  if (statement.reader) return { statement, result: { rows: statement.all(...params) as unknown[] } };
  const { changes, lastInsertRowid } = statement.run(...params);
  return { statement, result: { rows: [], changes, insertId: Number(lastInsertRowid) } };
}

class LockWait extends Error {}

function openGroup(): void {
  if (groupOpen) return;
  if (Date.now() < nextGroupAt) {
    pausing = true;
    throw new LockWait();
  }
  pausing = false;
  try {
    writer.exec("BEGIN IMMEDIATE");
  } catch (error) {
    if ((error as { code?: string }).code !== "SQLITE_BUSY") throw error;
    lockWaitSince ??= Date.now();
    if (Date.now() - lockWaitSince >= data.busyTimeoutMs) {
      lockWaitSince = undefined;
      throw error;
    }
    throw new LockWait();
  }
  lockWaitSince = undefined;
  groupOpen = true;
  groupTimer = setTimeout(() => {
    groupDue = true;
    if (active === undefined) commitGroup();
  }, data.groupWindowMs);
}

function commitGroup(): void {
  clearTimeout(groupTimer);
  groupDue = false;
  if (!groupOpen) return;
  groupOpen = false;
  nextGroupAt = Date.now() + data.groupWindowMs;
  const answers = held;
  held = [];
  try {
    writer.exec("COMMIT");
  } catch (error) {
    try {
      writer.exec("ROLLBACK");
    } catch {
      // Nothing left to roll back.
    }
    for (const { id } of answers) answer(failure(id, error));
    return;
  }
  for (const message of answers) answer(message);
}

function hold(message: SqliteWorkerAnswer): void {
  held.push(message);
  if (held.length >= data.maxGroupSize) groupDue = true;
}

/** After a logical transaction ends: commit a due group, then let waiting connections in, in order. */
function idle(): void {
  if (groupDue) commitGroup();
  const queued = waiting;
  waiting = [];
  for (const request of queued) handle(request);
}

function retryLock(): void {
  const queued = waiting;
  waiting = [];
  const first = queued.shift();
  pausing = false; // openGroup sets it again while the pause lasts
  if (first !== undefined) handle(first, true);
  waiting.push(...queued);
  if (lockWaitSince === undefined && !pausing && active === undefined) idle();
}

function handle(request: SqliteWorkerRequest, retrying = false): void {
  if (request.kind === "close") {
    commitGroup();
    reader?.close();
    writer.close();
    answer({ id: request.id, result: { rows: [] } });
    return;
  }
  const mine = request.kind !== "job" && active === request.conn;
  if (request.kind === "query" && !mine && reader !== undefined) {
    // Reads never wait for the writer; a write (or a statement this connection cannot prepare yet, e.g. over a
    // table still uncommitted) goes on to the writer below.
    let readonly = false;
    try {
      readonly = reader.prepare(request.sql).readonly;
    } catch {
      readonly = false;
    }
    if (readonly) {
      try {
        return answer({ id: request.id, result: run(reader, request.sql, request.params).result });
      } catch (error) {
        return answer(failure(request.id, error));
      }
    }
  }
  if ((active !== undefined && !mine) || ((lockWaitSince !== undefined || pausing) && !retrying)) {
    waiting.push(request);
    return;
  }
  try {
    switch (request.kind) {
      case "query": {
        if (mine) return answer({ id: request.id, result: run(writer, request.sql, request.params).result });
        const statement = writer.prepare(request.sql);
        if (statement.readonly)
          return answer({ id: request.id, result: run(writer, request.sql, request.params).result });
        openGroup();
        hold({ id: request.id, result: run(writer, request.sql, request.params).result });
        if (groupDue) commitGroup();
        return;
      }
      case "job": {
        const job = sqliteWorkerJobs.get(request.name);
        if (job === undefined) throw new Error(`the SQLite worker has no job named ${request.name}`);
        openGroup();
        writer.exec(`SAVEPOINT ${SAVEPOINT}`);
        active = JOB_CONNECTION;
        job.run(jobDb, request.input as never).then(
          (value) => {
            writer.exec(`RELEASE ${SAVEPOINT}`);
            active = undefined;
            hold({ id: request.id, result: { rows: [], value } });
            idle();
          },
          (error: unknown) => {
            writer.exec(`ROLLBACK TO ${SAVEPOINT}`);
            writer.exec(`RELEASE ${SAVEPOINT}`);
            active = undefined;
            answer(failure(request.id, error));
            idle();
          },
        );
        return;
      }
      case "begin":
        openGroup();
        writer.exec(`SAVEPOINT ${SAVEPOINT}`);
        active = request.conn;
        return answer({ id: request.id, result: { rows: [] } });
      case "commit":
        if (!mine) throw new Error("commit without a transaction on this connection");
        writer.exec(`RELEASE ${SAVEPOINT}`);
        active = undefined;
        hold({ id: request.id, result: { rows: [] } });
        return idle();
      case "rollback":
      case "release":
        if (mine) {
          writer.exec(`ROLLBACK TO ${SAVEPOINT}`);
          writer.exec(`RELEASE ${SAVEPOINT}`);
          active = undefined;
        }
        answer({ id: request.id, result: { rows: [] } });
        return idle();
    }
  } catch (error) {
    if (error instanceof LockWait) {
      // Another process holds the write lock: this request goes first once it is free; reads go on meanwhile.
      waiting.unshift(request);
      setTimeout(retryLock, pausing ? Math.max(1, nextGroupAt - Date.now()) : LOCK_RETRY_MS);
      return;
    }
    answer(failure(request.id, error));
    if (request.kind === "begin" || request.kind === "commit") idle();
  }
}

port.on("message", handle);
answer({ id: 0, result: { rows: [] } });
