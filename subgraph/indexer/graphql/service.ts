// Executes The Graph's query dialect against the index: graphql-js parses and
// validates (unknown fields, bad arguments and unknown filters are GraphQL
// validation errors), the limits in limits.ts bound the work, and the
// generated resolvers read SQLite.
import type Database from "better-sqlite3";
import { execute, GraphQLError, parse, specifiedRules, validate, type ExecutionResult } from "graphql";

import type { SchemaModel } from "../store/model.ts";
import { checkQueryLimits, DEFAULT_LIMITS, QueryLimitError, type QueryLimits } from "./limits.ts";
import { buildQuerySchema, type GeneratedSchema, type IndexMeta, type QueryContext } from "./schema.ts";
import { QueryError } from "./sql.ts";

export interface GraphQLRequest {
  readonly query?: unknown;
  readonly variables?: unknown;
  readonly operationName?: unknown;
}

export const MAX_QUERY_LENGTH = 64 * 1024;

/** What queries read: a connection to the index database (read-only is enough) and its schema. */
export interface QuerySource {
  readonly db: Database.Database;
  readonly model: SchemaModel;
}

export class QueryService {
  readonly generated: GeneratedSchema;
  readonly #db: Database.Database;
  readonly #limits: QueryLimits;
  readonly #statements = new Map<string, Database.Statement>();

  /** `source` may be the indexer's EntityStore (same connection) or a read-only connection of its own. */
  constructor(source: QuerySource, limits: Partial<QueryLimits> = {}) {
    this.#db = source.db;
    this.generated = buildQuerySchema(source.model);
    this.#limits = { ...DEFAULT_LIMITS, ...limits };
  }

  meta(): IndexMeta {
    const rows = this.#prepare(
      `SELECT key, value FROM _meta WHERE key IN
      ('head_number', 'head_hash', 'head_timestamp', 'indexing_error', 'deployment')`,
    ).all() as {
      key: string;
      value: string;
    }[];
    const meta = new Map(rows.map((row) => [row.key, row.value]));
    const number = meta.get("head_number");
    const hash = meta.get("head_hash");
    return {
      block:
        number !== undefined && hash !== undefined
          ? {
              number: BigInt(number),
              hash: hash as `0x${string}`,
              timestamp: BigInt(meta.get("head_timestamp") ?? "0"),
            }
          : null,
      deployment: meta.get("deployment") ?? "",
      hasIndexingErrors: (meta.get("indexing_error") ?? "") !== "",
    };
  }

  #prepare = (sql: string): Database.Statement => {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql).safeIntegers(true);
      if (this.#statements.size > 1000) this.#statements.clear();
      this.#statements.set(sql, statement);
    }
    return statement;
  };

  execute(request: GraphQLRequest): ExecutionResult {
    const error = (message: string): ExecutionResult => ({ errors: [new GraphQLError(message)] });
    if (typeof request.query !== "string" || request.query.trim() === "") {
      return error("The request must carry a `query` string");
    }
    if (request.query.length > MAX_QUERY_LENGTH) {
      return error(`The query is ${request.query.length} characters long, more than the limit of ${MAX_QUERY_LENGTH}`);
    }
    if (request.variables !== undefined && request.variables !== null && typeof request.variables !== "object") {
      return error("`variables` must be an object");
    }
    if (
      request.operationName !== undefined &&
      request.operationName !== null &&
      typeof request.operationName !== "string"
    ) {
      return error("`operationName` must be a string");
    }
    let document;
    try {
      document = parse(request.query, { maxTokens: 10_000 });
    } catch (syntaxError) {
      return { errors: [syntaxError as GraphQLError] };
    }
    const validationErrors = validate(this.generated.schema, document, specifiedRules, { maxErrors: 20 });
    if (validationErrors.length > 0) return { errors: validationErrors };
    const variables = (request.variables ?? undefined) as Record<string, unknown> | undefined;
    const operationName = (request.operationName ?? undefined) as string | undefined;
    try {
      checkQueryLimits(this.generated.schema, document, operationName, variables, this.#limits);
    } catch (limitError) {
      if (limitError instanceof QueryLimitError) return error(limitError.message);
      throw limitError;
    }
    let meta: IndexMeta | undefined;
    const context: QueryContext = {
      prepare: this.#prepare,
      meta: () => (meta ??= this.meta()),
    };
    // The store is synchronous: the whole query reads one consistent snapshot.
    const result = this.#db.transaction(() =>
      execute({
        schema: this.generated.schema,
        document,
        variableValues: variables,
        operationName,
        contextValue: context,
      }),
    )() as ExecutionResult;
    if (result.errors) {
      // Errors in resolvers are the dialect's errors (QueryError), anything else is ours: say so plainly.
      return {
        ...result,
        errors: result.errors.map((e) =>
          e.originalError && !(e.originalError instanceof QueryError) && !(e.originalError instanceof GraphQLError)
            ? new GraphQLError(`internal error: ${e.originalError.message}`, { nodes: e.nodes, path: e.path })
            : e,
        ),
      };
    }
    return result;
  }
}

export function toJsonText(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => (typeof item === "bigint" ? item.toString() : item));
}

/**
 * Queries on the caller's own thread: only for an in-memory index, which no other thread can open.
 * Anything on a file goes through QueryPool (query-pool.ts), off the indexing loop.
 */
export class InProcessQueries {
  readonly #service: QueryService;

  constructor(service: QueryService) {
    this.#service = service;
  }

  execute(request: GraphQLRequest): Promise<string> {
    return Promise.resolve(toJsonText(this.#service.execute(request)));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
