// The transaction jobs the SQLite worker can run in one message (see transactionJob.ts). Loaded by the worker
// with Node's type stripping: these modules and their imports are erasable TypeScript.
import { recordStripeEvent } from "../stripe/recordEvent.ts";
import type { TransactionJob } from "./transactionJob.ts";

export const sqliteWorkerJobs: ReadonlyMap<string, TransactionJob<never, unknown>> = new Map(
  [recordStripeEvent].map((job) => [job.name, job as TransactionJob<never, unknown>]),
);
