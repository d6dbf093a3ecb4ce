// Messages between the SQLite store's driver (main thread) and its worker (sqliteWorker.ts).

export interface SqliteWorkerData {
  path: string;
  busyTimeoutMs: number;
  /** How long the outer transaction stays open collecting writes before its synced commit. */
  groupWindowMs: number;
  /** Members after which the group commits without waiting for the window. */
  maxGroupSize: number;
}

export type SqliteWorkerRequest =
  | { id: number; conn: number; kind: "query"; sql: string; params: readonly unknown[] }
  | { id: number; conn: number; kind: "begin" | "commit" | "rollback" | "release" }
  | { id: number; conn?: undefined; kind: "close" }
  /** A transaction job (sqliteWorkerJobs.ts) run whole inside the worker; its value comes back in `value`. */
  | { id: number; conn?: undefined; kind: "job"; name: string; input: unknown };

export interface SqliteWorkerResult {
  rows: unknown[];
  changes?: number;
  insertId?: number;
  /** A job's result. */
  value?: unknown;
}

export interface SqliteWorkerAnswer {
  id: number;
  result?: SqliteWorkerResult;
  error?: { name: string; message: string; code: string | undefined };
}
