// A query worker thread: executes The Graph's query dialect over its own
// read-only connection to the index database, so that no query — however
// heavy — runs on the event loop that follows the chain. Answers each request
// with the response body as JSON text.
import { parentPort, workerData } from "node:worker_threads";

import Database from "better-sqlite3";

import { loadSchemaModel } from "../store/model.ts";
import type { QueryLimits } from "./limits.ts";
import { QueryService, toJsonText, type GraphQLRequest } from "./service.ts";

export interface QueryWorkerData {
  readonly databasePath: string;
  readonly schemaPath: string;
  readonly limits?: Partial<QueryLimits>;
}

export interface QueryWorkerRequest {
  readonly id: number;
  readonly request: GraphQLRequest;
}

export interface QueryWorkerAnswer {
  readonly id: number;
  /** The response body (JSON text). */
  readonly body: string;
}

if (parentPort) {
  const port = parentPort;
  const data = workerData as QueryWorkerData;
  const db = new Database(data.databasePath, { readonly: true, fileMustExist: true });
  const service = new QueryService({ db, model: loadSchemaModel(data.schemaPath) }, data.limits);
  port.on("message", ({ id, request }: QueryWorkerRequest) => {
    let body: string;
    try {
      body = toJsonText(service.execute(request));
    } catch (error) {
      body = toJsonText({ errors: [{ message: `internal error: ${(error as Error).message}` }] });
    }
    port.postMessage({ id, body } satisfies QueryWorkerAnswer);
  });
  // Warm the query path (parse, validate, execute) before taking queries: a replaced worker's first
  // query would otherwise spend its time limit on cold code.
  try {
    service.execute({ query: "{ _meta { block { number } } }" });
  } catch {
    // an index without a head yet: the first real query answers for itself
  }
  port.postMessage({ ready: true });
}
