// HTTP front of the index, bound to 127.0.0.1:
//   POST|GET /subgraphs/name/mesi (and /graphql)  The Graph's query dialect
//   GET  /audit/tips|payments[.csv|.json|.ndjson]   filtered ledger, streamed
//   GET  /audit/tips/totals, /audit/payments/totals
//   POST /audit/reconcile                            relayer records (JSON / NDJSON / CSV body)
//   GET  /audit/verify                               events vs contract state (needs a chain reader)
//   GET  /health
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

import type Database from "better-sqlite3";

import { exportLedger, type ExportFormat } from "../audit/export.ts";
import { AuditInputError, ledgerTotals, parseLedgerFilter } from "../audit/ledger.ts";
import { parseRelayerRecords, reconcile } from "../audit/reconcile.ts";
import { verify, type StateReader, type VerifyTargets } from "../audit/verify.ts";
import type { QueryExecutor } from "./graphql/query-pool.ts";

export const GRAPHQL_PATH = "/subgraphs/name/mesi";
const MAX_BODY = 16 * 1024 * 1024;
const MAX_GRAPHQL_BODY = 256 * 1024;

export interface ServerDeps {
  readonly queries: QueryExecutor;
  readonly db: Database.Database;
  readonly verifier?: { readonly reader: StateReader; readonly targets: VerifyTargets };
  readonly status?: () => Record<string, unknown>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function readBody(request: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new HttpError(413, `request body larger than ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value));
  response.writeHead(status, { "content-type": "application/json; charset=utf-8", "access-control-allow-origin": "*" });
  response.end(text);
}

async function handleGraphQL(
  deps: ServerDeps,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
): Promise<void> {
  let payload: Record<string, unknown>;
  if (request.method === "GET") {
    const variables = url.searchParams.get("variables");
    payload = {
      query: url.searchParams.get("query") ?? undefined,
      operationName: url.searchParams.get("operationName") ?? undefined,
      variables: variables ? (JSON.parse(variables) as unknown) : undefined,
    };
  } else {
    const text = await readBody(request, MAX_GRAPHQL_BODY);
    try {
      payload = JSON.parse(text) as Record<string, unknown>;
    } catch {
      sendJson(response, 400, { errors: [{ message: "The request body is not valid JSON" }] });
      return;
    }
    if (payload === null || typeof payload !== "object" || Array.isArray(payload)) {
      sendJson(response, 400, { errors: [{ message: "The request body must be a JSON object with a `query`" }] });
      return;
    }
  }
  const body = await deps.queries.execute(payload);
  response.writeHead(200, { "content-type": "application/json; charset=utf-8", "access-control-allow-origin": "*" });
  response.end(body);
}

function exportFormat(url: URL, suffix: string | undefined): ExportFormat {
  const format = (suffix ?? url.searchParams.get("format") ?? "json").toLowerCase();
  if (format !== "csv" && format !== "json" && format !== "ndjson") {
    throw new AuditInputError(`format must be csv, json or ndjson, got \`${format}\``);
  }
  return format;
}

async function handleAudit(
  deps: ServerDeps,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
): Promise<void> {
  const path = url.pathname;
  const params = Object.fromEntries(url.searchParams.entries());
  const ledger = /^\/audit\/(tips|payments)(?:\.(csv|json|ndjson))?$/.exec(path);
  if (ledger && request.method === "GET") {
    const table = ledger[1] as "tips" | "payments";
    const filter = parseLedgerFilter(params);
    const format = exportFormat(url, ledger[2]);
    const limit = params.limit ? Number(params.limit) : undefined;
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 0))
      throw new AuditInputError("limit must be a non-negative integer");
    response.writeHead(200, {
      "content-type":
        format === "csv"
          ? "text/csv; charset=utf-8"
          : format === "ndjson"
            ? "application/x-ndjson"
            : "application/json",
      ...(format === "csv" ? { "content-disposition": `attachment; filename="${table}.csv"` } : {}),
    });
    const abort = new AbortController();
    response.once("close", () => abort.abort());
    await exportLedger(deps.db, table, filter, response, { format, limit, signal: abort.signal });
    response.end();
    return;
  }
  const totals = /^\/audit\/(tips|payments)\/totals$/.exec(path);
  if (totals && request.method === "GET") {
    sendJson(response, 200, ledgerTotals(deps.db, totals[1] as "tips" | "payments", parseLedgerFilter(params)));
    return;
  }
  if (path === "/audit/reconcile" && request.method === "POST") {
    const records = parseRelayerRecords(await readBody(request, MAX_BODY));
    const sources = params.sources ? params.sources.split(",").map((s) => s.trim().toUpperCase()) : undefined;
    sendJson(response, 200, reconcile(deps.db, records, { sources }));
    return;
  }
  if (path === "/audit/verify" && request.method === "GET") {
    if (!deps.verifier) throw new HttpError(503, "verify needs a chain connection, which this server was not given");
    sendJson(response, 200, await verify(deps.db, deps.verifier.reader, deps.verifier.targets));
    return;
  }
  throw new HttpError(404, `no audit route ${request.method} ${path}`);
}

export function createIndexServer(deps: ServerDeps): Server {
  return createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const route = async (): Promise<void> => {
      if (request.method === "OPTIONS") {
        response.writeHead(204, {
          "access-control-allow-origin": "*",
          "access-control-allow-methods": "GET, POST, OPTIONS",
          "access-control-allow-headers": "content-type",
        });
        response.end();
        return;
      }
      if (url.pathname === GRAPHQL_PATH || url.pathname === "/graphql") {
        if (request.method !== "GET" && request.method !== "POST") throw new HttpError(405, "use GET or POST");
        await handleGraphQL(deps, request, response, url);
        return;
      }
      if (url.pathname.startsWith("/audit/")) {
        await handleAudit(deps, request, response, url);
        return;
      }
      if (url.pathname === "/health") {
        sendJson(response, 200, { ok: true, ...(deps.status?.() ?? {}) });
        return;
      }
      throw new HttpError(404, `not found: ${url.pathname} (GraphQL is at ${GRAPHQL_PATH})`);
    };
    route().catch((error: unknown) => {
      if (response.headersSent) {
        response.destroy(error as Error);
        return;
      }
      if (error instanceof HttpError) sendJson(response, error.status, { error: error.message });
      else if (error instanceof AuditInputError) sendJson(response, 400, { error: error.message });
      else if (error instanceof SyntaxError) sendJson(response, 400, { error: `invalid input: ${error.message}` });
      else sendJson(response, 500, { error: (error as Error).message });
    });
  });
}

export async function listen(server: Server, port: number, host = "127.0.0.1"): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return `http://${host}:${address.port}`;
}
