// HTTP front of the index (fastify), bound to 127.0.0.1:
//   POST|GET /subgraphs/name/mesi (and /graphql)  The Graph's query dialect (GraphQL over HTTP, graphql-http);
//                                                 a browser's GET opens GraphiQL (bundled from npm, served here)
//   GET  /audit/tips|payments[.csv|.json|.ndjson]   filtered ledger, streamed
//   GET  /audit/tips/totals, /audit/payments/totals
//   POST /audit/reconcile                            relayer records (JSON / NDJSON / CSV body)
//   GET  /audit/reconcile                            the configured relayer records (the relayer's store)
//   GET  /audit/verify                               events vs contract state (needs a chain reader)
//   GET  /health
// CORS: GraphQL answers the configured origins (by default any loopback origin, for a local webapp on
// another port); the audit routes answer only the configured origins, never `*`.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

import cors from "@fastify/cors";
import type Database from "better-sqlite3";
import Fastify, { type FastifyError, type FastifyInstance, type FastifyRequest } from "fastify";
import { createHandler } from "graphql-http/lib/use/fastify";

import { exportLedger, type ExportFormat } from "../audit/export.ts";
import type { AuditIndex } from "../audit/audit-index.ts";
import { AuditInputError, parseLedgerFilter } from "../audit/ledger.ts";
import { parseRelayerRecords, reconcile, type RelayerRecord } from "../audit/reconcile.ts";
import { sqliteAuditIndex } from "../audit/sqlite-index.ts";
import { verify, type StateReader, type VerifyTargets } from "../audit/verify.ts";
import type { QueryExecutor } from "./graphql/query-pool.ts";
import type { HeadEvents } from "./headEvents.ts";
import type { GeneratedSchema } from "./graphql/schema.ts";

export const GRAPHQL_PATH = "/subgraphs/name/mesi";
const GRAPHQL_PATHS = [GRAPHQL_PATH, "/graphql"] as const;
export const MAX_GRAPHQL_BODY = 256 * 1024;
export const MAX_RECORDS_BODY = 16 * 1024 * 1024;

export interface ServerDeps {
  readonly queries: QueryExecutor;
  /** The query schema (graphql-http checks requests against it; execution happens in `queries`). */
  readonly schema: GeneratedSchema["schema"];
  readonly db: Database.Database;
  /** What the audit routes read; by default the index database `db` (a Graph endpoint works too). */
  readonly audit?: AuditIndex;
  readonly verifier?: { readonly reader: StateReader; readonly targets: VerifyTargets };
  /** The relayer's records for `GET /audit/reconcile` (e.g. read from its store); absent: that route answers 503. */
  readonly relayerRecords?: () => Promise<readonly RelayerRecord[]>;
  readonly status?: () => Record<string, unknown>;
  /**
   * Browser origins allowed to call the server (e.g. the webapp's `http://127.0.0.1:5173`). GraphQL
   * also allows any loopback origin when none is configured; the audit routes allow only these.
   */
  readonly corsOrigins?: readonly string[];
  /** Indexed-block notifications (SSE at `<GRAPHQL_PATH>/blocks`); none when absent. */
  readonly headEvents?: HeadEvents;
}

class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

const LOOPBACK_ORIGIN = /^https?:\/\/(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|\[::1\])(:\d{1,5})?$/;

/** Whether a browser at `origin` may read GraphQL answers. */
export function graphqlOriginAllowed(origin: string, configured: readonly string[]): boolean {
  return configured.length > 0 ? configured.includes(origin) : LOOPBACK_ORIGIN.test(origin);
}

const isGraphQLPath = (url: string): boolean =>
  GRAPHQL_PATHS.some((path) => url === path || url.startsWith(`${path}?`));

const require = createRequire(import.meta.url);
/** GraphiQL and React, from their npm packages (UMD builds): nothing is fetched from elsewhere. */
const GRAPHIQL_ASSETS: Record<string, { readonly pkg: string; readonly file: string; readonly type: string }> = {
  "react.js": { pkg: "react", file: "umd/react.production.min.js", type: "text/javascript" },
  "react-dom.js": { pkg: "react-dom", file: "umd/react-dom.production.min.js", type: "text/javascript" },
  "graphiql.js": { pkg: "graphiql", file: "graphiql.min.js", type: "text/javascript" },
  "graphiql.css": { pkg: "graphiql", file: "graphiql.min.css", type: "text/css" },
};
/** A file of an installed package, found from its package.json (the UMD builds are not in `exports`). */
const packageFile = (pkg: string, file: string): string => join(dirname(require.resolve(`${pkg}/package.json`)), file);
const GRAPHIQL_START = `const root = ReactDOM.createRoot(document.getElementById("graphiql"));
root.render(React.createElement(GraphiQL, {
  fetcher: GraphiQL.createFetcher({ url: location.pathname }),
  defaultQuery: "{\\n  _meta { block { number hash timestamp } deployment hasIndexingErrors }\\n}\\n",
}));
`;
const graphiqlPage = (): string => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Mesi subgraph · GraphiQL</title>
<link rel="stylesheet" href="/graphiql/graphiql.css">
</head>
<body style="margin: 0">
<div id="graphiql" style="height: 100vh"></div>
<script src="/graphiql/react.js"></script>
<script src="/graphiql/react-dom.js"></script>
<script src="/graphiql/graphiql.js"></script>
<script src="/graphiql/start.js"></script>
</body>
</html>
`;

function exportFormat(query: Record<string, string>, suffix: string | undefined): ExportFormat {
  const format = (suffix ?? query.format ?? "json").toLowerCase();
  if (format !== "csv" && format !== "json" && format !== "ndjson") {
    throw new AuditInputError(`format must be csv, json or ndjson, got \`${format}\``);
  }
  return format;
}

const bigintJson = (value: unknown): string =>
  JSON.stringify(value, (_key, item: unknown) => (typeof item === "bigint" ? item.toString() : item));

export async function createIndexServer(deps: ServerDeps): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, forceCloseConnections: true, bodyLimit: MAX_GRAPHQL_BODY });
  const configured = deps.corsOrigins ?? [];
  const audit = deps.audit ?? sqliteAuditIndex(deps.db);

  await app.register(cors, {
    delegator: (request, callback) => {
      const url = request.url ?? "";
      callback(null, {
        origin: isGraphQLPath(url)
          ? (origin, done) => done(null, origin === undefined || graphqlOriginAllowed(origin, configured))
          : // The audit routes and the rest: only origins named in the configuration, never `*`.
            configured.length > 0
            ? [...configured]
            : false,
        methods: ["GET", "POST"],
        allowedHeaders: ["content-type", "accept"],
        maxAge: 600,
      });
    },
  });

  // The auditor's records come as CSV or NDJSON too: keep them as text for parseRelayerRecords.
  app.addContentTypeParser(
    ["text/csv", "text/plain", "application/x-ndjson"],
    { parseAs: "string", bodyLimit: MAX_RECORDS_BODY },
    (_request, body, done) => done(null, body),
  );

  app.setErrorHandler((error: FastifyError | Error, request, reply) => {
    const status =
      error instanceof HttpError
        ? error.status
        : error instanceof AuditInputError || error instanceof SyntaxError
          ? 400
          : ((error as FastifyError).statusCode ?? 500);
    const message =
      (error as FastifyError).code === "FST_ERR_CTP_INVALID_JSON_BODY"
        ? "The request body is not valid JSON"
        : status >= 500
          ? `internal error: ${error.message}`
          : error.message;
    void reply.status(status).type("application/json; charset=utf-8");
    if (isGraphQLPath(request.url)) return reply.send({ errors: [{ message }] });
    return reply.send({ error: message });
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .status(404)
      .send({ error: `not found: ${request.method} ${request.url.split("?")[0]} (GraphQL is at ${GRAPHQL_PATH})` }),
  );

  // ── GraphQL ──
  const graphql = createHandler({
    schema: deps.schema,
    // Parsing, validation, limits and execution all happen on the query worker, off this loop.
    // The worker's answer is already the response body: pass it through as graphql-http's [body, init]
    // response, with status 200 for results and errors alike (as graph-node answers).
    onSubscribe: async (_request, params) => [
      await deps.queries.execute({
        query: params.query,
        variables: params.variables,
        operationName: params.operationName,
      }),
      { status: 200, statusText: "OK", headers: { "content-type": "application/json; charset=utf-8" } },
    ],
  });
  for (const path of GRAPHQL_PATHS) {
    app.route({
      method: ["GET", "POST"],
      url: path,
      bodyLimit: MAX_GRAPHQL_BODY,
      handler: async function (request, reply) {
        if (request.method === "GET" && wantsGraphiQL(request)) {
          return reply.type("text/html; charset=utf-8").send(graphiqlPage());
        }
        return graphql.call(this, request, reply);
      },
    });
  }
  app.get("/graphiql/:file", async (request, reply) => {
    const { file } = request.params as { file: string };
    if (file === "start.js") return reply.type("text/javascript").send(GRAPHIQL_START);
    const asset = GRAPHIQL_ASSETS[file];
    if (!asset) throw new HttpError(404, `no GraphiQL asset ${file}`);
    return reply
      .type(asset.type)
      .header("cache-control", "public, max-age=86400")
      .send(readFileSync(packageFile(asset.pkg, asset.file)));
  });

  deps.headEvents?.register(app, GRAPHQL_PATH);

  // ── audit ──
  app.get("/audit/:ledger", async (request, reply) => {
    const ledger = /^(tips|payments)(?:\.(csv|json|ndjson))?$/.exec((request.params as { ledger: string }).ledger);
    if (!ledger) throw new HttpError(404, `no audit route GET ${request.url.split("?")[0]}`);
    const table = ledger[1] as "tips" | "payments";
    const query = request.query as Record<string, string>;
    const filter = parseLedgerFilter(query);
    const format = exportFormat(query, ledger[2]);
    const limit = query.limit ? Number(query.limit) : undefined;
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 0))
      throw new AuditInputError("limit must be a non-negative integer");
    // Streamed straight to the socket, waiting for 'drain': memory stays at one chunk.
    reply.hijack();
    const response = reply.raw;
    response.writeHead(200, {
      ...(reply.getHeaders() as Record<string, string>),
      "content-type":
        format === "csv"
          ? "text/csv; charset=utf-8"
          : format === "ndjson"
            ? "application/x-ndjson"
            : "application/json",
      // CSV always downloads; `download=1` makes JSON and NDJSON downloads too (a link from another origin).
      ...(format === "csv" || query.download === "1"
        ? { "content-disposition": `attachment; filename="${table}.${format}"` }
        : {}),
    });
    const abort = new AbortController();
    response.once("close", () => abort.abort());
    try {
      await exportLedger(audit, table, filter, response, { format, limit, signal: abort.signal });
      response.end();
    } catch (error) {
      response.destroy(error as Error);
    }
  });
  app.get("/audit/:ledger/totals", async (request, reply) => {
    const { ledger } = request.params as { ledger: string };
    if (ledger !== "tips" && ledger !== "payments") throw new HttpError(404, `no audit route GET ${request.url}`);
    return reply
      .type("application/json; charset=utf-8")
      .send(bigintJson(await audit.ledgerTotals(ledger, parseLedgerFilter(request.query as Record<string, string>))));
  });
  app.post("/audit/reconcile", { bodyLimit: MAX_RECORDS_BODY }, async (request, reply) => {
    const body = typeof request.body === "string" ? request.body : JSON.stringify(request.body ?? "");
    const records = parseRelayerRecords(body);
    const query = request.query as Record<string, string>;
    const sources = query.sources ? query.sources.split(",").map((s) => s.trim().toUpperCase()) : undefined;
    return reply
      .type("application/json; charset=utf-8")
      .send(bigintJson(reconcile(await audit.credits(), records, { sources })));
  });
  app.get("/audit/reconcile", async (request, reply) => {
    if (!deps.relayerRecords) {
      throw new HttpError(503, "reconcile needs the relayer's records, which this server was not given: POST them");
    }
    const records = await deps.relayerRecords();
    const query = request.query as Record<string, string>;
    const sources = query.sources ? query.sources.split(",").map((s) => s.trim().toUpperCase()) : undefined;
    return reply
      .type("application/json; charset=utf-8")
      .send(bigintJson(reconcile(await audit.credits(), records, { sources })));
  });
  app.get("/audit/verify", async (_request, reply) => {
    if (!deps.verifier) throw new HttpError(503, "verify needs a chain connection, which this server was not given");
    const report = await verify(audit, deps.verifier.reader, deps.verifier.targets);
    return reply.type("application/json; charset=utf-8").send(bigintJson(report));
  });

  app.get("/health", async (_request, reply) =>
    reply.type("application/json; charset=utf-8").send(bigintJson({ ok: true, ...(deps.status?.() ?? {}) })),
  );
  return app;
}

/** A browser navigating to the endpoint (HTML first, no query): show the explorer, as graph-node does. */
function wantsGraphiQL(request: FastifyRequest): boolean {
  const accept = String(request.headers.accept ?? "");
  return accept.includes("text/html") && (request.query as Record<string, unknown>).query === undefined;
}

export async function listen(app: FastifyInstance, port: number, host = "127.0.0.1"): Promise<string> {
  await app.listen({ port, host });
  const address = app.server.address();
  if (address === null || typeof address === "string") throw new Error("the index server has no TCP address");
  return `http://${host}:${address.port}`;
}
