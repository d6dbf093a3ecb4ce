// A Kysely dialect whose SQLite connection lives in a worker thread
// (sqliteWorker.ts): queries, transactions and their synced commits run there,
// and the event loop only posts messages and awaits answers.
import { Worker } from "node:worker_threads";

import {
  CompiledQuery,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
} from "kysely";

import type {
  SqliteWorkerAnswer,
  SqliteWorkerData,
  SqliteWorkerRequest,
  SqliteWorkerResult,
} from "./sqliteWorkerProtocol.ts";
import type { JobHooks, TransactionJob } from "./transactionJob.ts";

export class SqliteWorkerError extends Error {
  override readonly name: string;
  readonly code: string | undefined;
  constructor(error: NonNullable<SqliteWorkerAnswer["error"]>) {
    super(error.message);
    this.name = error.name;
    this.code = error.code;
  }
}

type Pending = { resolve: (result: SqliteWorkerResult) => void; reject: (error: Error) => void };
type Request = SqliteWorkerRequest extends infer R ? (R extends unknown ? Omit<R, "id"> : never) : never;

class WorkerConnection implements DatabaseConnection {
  inTransaction = false;
  constructor(
    private readonly driver: WorkerDriver,
    readonly id: number,
  ) {}

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const result = await this.driver.request({
      conn: this.id,
      kind: "query",
      sql: compiledQuery.sql,
      params: compiledQuery.parameters,
    });
    return {
      rows: result.rows as R[],
      ...(result.changes === undefined ? {} : { numAffectedRows: BigInt(result.changes) }),
      ...(result.insertId === undefined ? {} : { insertId: BigInt(result.insertId) }),
    };
  }

  async *streamQuery<R>(compiledQuery: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    const { rows } = await this.executeQuery<R>(compiledQuery);
    for (const row of rows) yield { rows: [row] };
  }
}

class WorkerDriver implements Driver {
  #worker: Worker | undefined;
  #pending = new Map<number, Pending>();
  #nextId = 1;
  #nextConnection = 1;

  constructor(private readonly data: SqliteWorkerData) {}

  async init(): Promise<void> {
    const worker = new Worker(new URL("./sqliteWorker.ts", import.meta.url), { workerData: this.data });
    this.#worker = worker;
    await new Promise<void>((resolve, reject) => {
      worker.once("error", reject);
      worker.once("message", () => (worker.off("error", reject), resolve()));
    });
    worker.on("message", ({ id, result, error }: SqliteWorkerAnswer) => {
      const pending = this.#pending.get(id);
      if (pending === undefined) return;
      this.#pending.delete(id);
      if (error !== undefined) pending.reject(new SqliteWorkerError(error));
      else pending.resolve(result!);
    });
    worker.on("error", (error) => this.#failAll(error));
    worker.on("exit", (code) => this.#failAll(new Error(`the SQLite worker exited (code ${code})`)));
  }

  #failAll(error: Error): void {
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }

  request(request: Request): Promise<SqliteWorkerResult> {
    const worker = this.#worker;
    if (worker === undefined) return Promise.reject(new Error("the SQLite store is closed"));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      worker.postMessage({ ...request, id });
    });
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    return new WorkerConnection(this, this.#nextConnection++);
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    const worker = connection as WorkerConnection;
    await this.request({ conn: worker.id, kind: "begin" });
    worker.inTransaction = true;
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const worker = connection as WorkerConnection;
    worker.inTransaction = false;
    await this.request({ conn: worker.id, kind: "commit" });
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const worker = connection as WorkerConnection;
    worker.inTransaction = false;
    await this.request({ conn: worker.id, kind: "rollback" });
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const worker = connection as WorkerConnection;
    if (worker.inTransaction) {
      worker.inTransaction = false;
      await this.request({ conn: worker.id, kind: "release" });
    }
  }

  async destroy(): Promise<void> {
    const worker = this.#worker;
    if (worker === undefined) return;
    await this.request({ kind: "close" }).catch(() => undefined);
    this.#worker = undefined;
    await worker.terminate();
  }
}

/**
 * Kysely serialises every use of a SQLite database behind one mutex held until a transaction's commit returns; the
 * worker orders connections itself, so several may be in flight — that is what lets commits share one fsync.
 */
class WorkerSqliteAdapter extends SqliteAdapter {
  override get supportsMultipleConnections(): boolean {
    return true;
  }
}

export class SqliteWorkerDialect implements Dialect {
  #driver: WorkerDriver | undefined;
  constructor(private readonly data: SqliteWorkerData) {}
  createDriver(): Driver {
    this.#driver = new WorkerDriver(this.data);
    return this.#driver;
  }
  /** Runs a transaction job inside the worker, in one message; it resolves once its group commit is synced. */
  async runJob<I, O>(job: TransactionJob<I, O>, input: I, hooks?: JobHooks): Promise<O> {
    if (this.#driver === undefined) throw new Error("the SQLite store is not open");
    const answer = this.#driver.request({ kind: "job", name: job.name, input });
    // Handed over: the worker applies it and commits; a crash from here on leaves it uncommitted or committed.
    hooks?.beforeCommit?.();
    return (await answer).value as O;
  }
  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }
  createAdapter(): DialectAdapter {
    return new WorkerSqliteAdapter();
  }
  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
}
