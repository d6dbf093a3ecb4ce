// Runs GraphQL queries off the indexing event loop: a worker thread with a
// read-only connection of its own (SQLite's WAL lets it read while the
// indexer writes), one query at a time, each within a time limit. A query
// that overruns is answered with an error and its worker is replaced (SQLite
// cannot be interrupted from outside its thread).
import { Worker } from "node:worker_threads";

import type { QueryLimits } from "./limits.ts";
import type { QueryWorkerAnswer, QueryWorkerData } from "./query-worker.ts";
import type { GraphQLRequest } from "./service.ts";

export interface QueryPoolOptions {
  readonly databasePath: string;
  readonly schemaPath: string;
  readonly limits?: Partial<QueryLimits>;
  /** Longest a query may run, in ms. Default 10,000. */
  readonly timeoutMs?: number;
  /** Queries waiting beyond this are refused at once. Default 256. */
  readonly maxQueued?: number;
}

/** Executes a GraphQL request; resolves with the response body as JSON text. */
export interface QueryExecutor {
  execute(request: GraphQLRequest): Promise<string>;
  close(): Promise<void>;
}

interface Job {
  readonly id: number;
  readonly request: GraphQLRequest;
  readonly resolve: (body: string) => void;
}

const errorBody = (message: string): string => JSON.stringify({ errors: [{ message }] });

export class QueryPool implements QueryExecutor {
  readonly #options: QueryPoolOptions;
  readonly #queue: Job[] = [];
  #worker: Worker | undefined;
  #ready: Promise<void> | undefined;
  #running: { job: Job; timer: NodeJS.Timeout | undefined } | undefined;
  #nextId = 1;
  #closed = false;
  /** Queries answered with the time-limit error. */
  timedOut = 0;

  constructor(options: QueryPoolOptions) {
    this.#options = options;
  }

  execute(request: GraphQLRequest): Promise<string> {
    if (this.#closed) return Promise.resolve(errorBody("the indexer is shutting down"));
    if (this.#queue.length >= (this.#options.maxQueued ?? 256)) {
      return Promise.resolve(errorBody("too many queries are waiting; try again shortly"));
    }
    return new Promise((resolve) => {
      this.#queue.push({ id: this.#nextId++, request, resolve });
      this.#pump();
    });
  }

  #start(): Promise<void> {
    const worker = new Worker(new URL("./query-worker.ts", import.meta.url), {
      workerData: {
        databasePath: this.#options.databasePath,
        schemaPath: this.#options.schemaPath,
        limits: this.#options.limits,
      } satisfies QueryWorkerData,
    });
    this.#worker = worker;
    worker.unref();
    const ready = new Promise<void>((resolve, reject) => {
      const onMessage = (message: { ready?: boolean }): void => {
        if (message.ready) {
          worker.off("error", reject);
          resolve();
        }
      };
      worker.once("message", onMessage);
      worker.once("error", reject);
    });
    worker.on("message", (message: QueryWorkerAnswer | { ready: true }) => {
      if (!("id" in message) || this.#running?.job.id !== message.id) return;
      clearTimeout(this.#running.timer);
      const { job } = this.#running;
      this.#running = undefined;
      job.resolve(message.body);
      this.#pump();
    });
    worker.on("error", (error) => this.#lost(worker, `query worker failed: ${error.message}`));
    worker.on("exit", () => this.#lost(worker, "query worker stopped"));
    return ready;
  }

  /** The worker died under a query: answer it, start afresh for the rest. */
  #lost(worker: Worker, message: string): void {
    if (this.#worker !== worker) return;
    this.#worker = undefined;
    this.#ready = undefined;
    if (this.#running) {
      clearTimeout(this.#running.timer);
      this.#running.job.resolve(errorBody(message));
      this.#running = undefined;
    }
    this.#pump();
  }

  #pump(): void {
    if (this.#running || this.#closed) return;
    const job = this.#queue.shift();
    if (!job) return;
    this.#ready ??= this.#start();
    const ready = this.#ready;
    const worker = this.#worker as Worker;
    this.#running = { job, timer: undefined };
    ready.then(
      () => {
        if (this.#running?.job !== job) return;
        // The time limit counts from the moment the worker has the query, not from a (re)start.
        this.#running.timer = setTimeout(() => this.#overran(worker, job), this.#timeoutMs);
        worker.postMessage({ id: job.id, request: job.request });
      },
      (error: Error) => this.#lost(worker, `query worker failed to start: ${error.message}`),
    );
  }

  get #timeoutMs(): number {
    return this.#options.timeoutMs ?? 10_000;
  }

  #overran(worker: Worker, job: Job): void {
    if (this.#running?.job !== job) return;
    this.timedOut++;
    this.#running = undefined;
    job.resolve(errorBody(`The query took longer than ${this.#timeoutMs} ms and was cancelled`));
    this.#worker = undefined;
    this.#ready = undefined;
    void worker.terminate();
    this.#pump();
  }

  /** Starts the worker now (it loads the schema) instead of at the first query. */
  warm(): Promise<void> {
    this.#ready ??= this.#start();
    return this.#ready;
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const job of this.#queue.splice(0)) job.resolve(errorBody("the indexer is shutting down"));
    if (this.#running) {
      clearTimeout(this.#running.timer);
      this.#running.job.resolve(errorBody("the indexer is shutting down"));
      this.#running = undefined;
    }
    const worker = this.#worker;
    this.#worker = undefined;
    if (worker) await worker.terminate();
  }
}
