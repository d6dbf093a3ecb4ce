// A unit of database work that runs as one transaction wherever the store
// runs it best: on PostgreSQL in a pooled transaction; on SQLite inside the
// store's worker thread, in one message (sqliteWorkerJobs.ts lists the jobs it
// can run), so no round trip waits on the main event loop while the write lock
// is held. Input and result cross a thread: plain, structured-cloneable data.
import type { Kysely } from "kysely";

import type { Database } from "./schema.ts";

export interface TransactionJob<Input, Result> {
  /** Unique; the SQLite worker finds the job by it. */
  readonly name: string;
  run(trx: Kysely<Database>, input: Input): Promise<Result>;
}

export interface JobHooks {
  /** Test-only (crash points): called once the job's work is done or handed over, before its commit. */
  readonly beforeCommit?: () => void;
}
