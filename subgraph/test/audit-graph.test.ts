// The auditor's API and CLI over an endpoint of The Graph's query dialect instead of the SQLite file:
// the embedded indexer's GraphQL URL is used purely as a Graph-dialect HTTP server (as a graph-node or
// the gateway would be), read through the same adapter production uses, with more than 1000 rows so
// that paging runs. Every report must equal the SQLite reading row for row.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { Writable } from "node:stream";
import { promisify } from "node:util";

import type { FastifyInstance } from "fastify";
import { type Abi } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { abis } from "@mesi/deployments";

import type { AuditIndex } from "../audit/audit-index.ts";
import { exportLedger, type ExportFormat } from "../audit/export.ts";
import { graphAuditIndex } from "../audit/graph-index.ts";
import { parseLedgerFilter, type LedgerFilter } from "../audit/ledger.ts";
import { reconcile } from "../audit/reconcile.ts";
import { sqliteAuditIndex } from "../audit/sqlite-index.ts";
import { verify } from "../audit/verify.ts";
import { generateHistory } from "../bench/generate.ts";
import { InProcessQueries, QueryService } from "../indexer/graphql/service.ts";
import { buildQuerySchema } from "../indexer/graphql/schema.ts";
import type { RunningIndexer } from "../indexer/index.ts";
import { createIndexServer, listen } from "../indexer/server.ts";
import type { DeployedMesi, LocalChain } from "./helpers/local-chain.ts";
import type { ScenarioResult } from "./helpers/scenario.ts";
import { startScenarioIndex, type ScenarioIndex } from "./helpers/scenario-index.ts";

const run = promisify(execFile);
const CLI = join(import.meta.dirname, "..", "audit", "cli.ts");

let chain: LocalChain;
let mesi: DeployedMesi;
let scenario: ScenarioResult;
let indexer: RunningIndexer;
let dbPath: string;
/** Every GraphQL request the Graph-dialect reader sent: its query text and variables. */
const sent: { query: string; variables: Record<string, unknown> }[] = [];
const recordingFetch: typeof fetch = async (input, init) => {
  sent.push(JSON.parse(String(init?.body)) as (typeof sent)[number]);
  return fetch(input, init);
};

let index: ScenarioIndex | undefined;

beforeAll(async () => {
  index = await startScenarioIndex({
    prefix: "mesi-audit-graph-",
    // 1,300 relayer credits in batches of 400 per block (one timestamp each): a Tip, a Payment and a
    // RelayerCredit per credit, so every ledger holds more than 1000 rows and pages end inside a timestamp.
    history: (chain, mesi) => generateHistory(chain, mesi, { events: 1300, batchSize: 400, creators: 3, fans: 40 }),
  });
  ({ chain, mesi, scenario, indexer, dbPath } = index);
});

afterAll(() => index?.stop());

const sqlite = (): AuditIndex => sqliteAuditIndex(indexer.core.store.db);
const graph = (pageSize?: number): AuditIndex =>
  graphAuditIndex({ url: indexer.url, fetch: recordingFetch, ...(pageSize ? { pageSize } : {}) });

async function exported(index: AuditIndex, table: "tips" | "payments", filter: LedgerFilter, format: ExportFormat) {
  let text = "";
  const out = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      text += chunk.toString();
      callback();
    },
  });
  const count = await exportLedger(index, table, filter, out, { format });
  return { count, text };
}

/** The collection queries sent since `from`: each must page with `first ≤ 1000` at one pinned block, never `skip`. */
function checkPaging(from: number): { pages: number; blocks: Set<unknown> } {
  const blocks = new Set<unknown>();
  let pages = 0;
  for (const request of sent.slice(from)) {
    expect(request.query).not.toMatch(/\bskip\b/);
    if (!request.query.includes("$block")) {
      // The head read that pins the report.
      expect(request.query).toMatch(/_meta\s*\{\s*block\s*\{\s*number\s+hash/);
      continue;
    }
    pages++;
    expect(request.query).toMatch(/_meta\(block: \$block\)/);
    if (request.variables.first !== undefined) expect(request.variables.first as number).toBeLessThanOrEqual(1000);
    blocks.add(JSON.stringify(request.variables.block));
  }
  return { pages, blocks };
}

describe("auditor over a Graph-dialect endpoint", () => {
  it("exports every ledger as the SQLite path does, row for row, in pages of at most 1000 at one block", async () => {
    const head = indexer.core.store.cursor()!.number;
    for (const table of ["tips", "payments"] as const) {
      for (const format of ["csv", "json", "ndjson"] as const) {
        const from = sent.length;
        const fromSqlite = await exported(sqlite(), table, {}, format);
        const fromGraph = await exported(graph(), table, {}, format);
        expect(fromSqlite.count).toBeGreaterThan(1000);
        expect(fromGraph.count).toBe(fromSqlite.count);
        expect(fromGraph.text).toBe(fromSqlite.text);
        const { pages, blocks } = checkPaging(from);
        expect(pages).toBeGreaterThan(1);
        expect([...blocks]).toEqual([JSON.stringify({ number: Number(head) })]);
      }
    }
    // Rows come in (timestamp, id) order, and more than 1000 share no page boundary trouble.
    const { text } = await exported(graph(), "tips", {}, "ndjson");
    const rows = text
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { id: string; timestamp: string });
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
    for (let i = 1; i < rows.length; i++) {
      const [a, b] = [rows[i - 1]!, rows[i]!];
      expect(BigInt(a.timestamp) < BigInt(b.timestamp) || (a.timestamp === b.timestamp && a.id < b.id)).toBe(true);
    }
  });

  it("pages through one timestamp with id_gt when it holds more rows than a page", async () => {
    const from = sent.length;
    // 400 credits share each batch's timestamp: pages of 150 must walk them by id.
    const small = await exported(graph(150), "payments", {}, "csv");
    expect(small.text).toBe((await exported(sqlite(), "payments", {}, "csv")).text);
    const walked = sent.slice(from).filter((r) => (r.variables.where as Record<string, unknown> | undefined)?.id_gt);
    expect(walked.length).toBeGreaterThan(0);
    expect(walked.every((r) => (r.variables.where as Record<string, unknown>).timestamp !== undefined)).toBe(true);
  });

  it("filters, limits and totals as the SQLite path does", async () => {
    const creator = scenario.actors.creator.address.toLowerCase();
    const filters = [
      parseLedgerFilter({ source: "FIAT" }),
      parseLedgerFilter({ creator }),
      parseLedgerFilter({ fan: scenario.actors.fan.address, source: "MESI,FIAT" }),
    ];
    for (const filter of filters) {
      for (const table of ["tips", "payments"] as const) {
        expect((await exported(graph(), table, filter, "json")).text).toBe(
          (await exported(sqlite(), table, filter, "json")).text,
        );
        expect(await graph().ledgerTotals(table, filter)).toEqual(await sqlite().ledgerTotals(table, filter));
      }
    }
    const kind = parseLedgerFilter({ kind: "TICKET" });
    expect((await exported(graph(), "payments", kind, "csv")).text).toBe(
      (await exported(sqlite(), "payments", kind, "csv")).text,
    );
    // A time window through the middle of the history, and a limit across a page boundary.
    const all = JSON.parse((await exported(sqlite(), "tips", {}, "json")).text) as { timestamp: string }[];
    const window = parseLedgerFilter({ from: all[200]!.timestamp, to: all[1200]!.timestamp });
    expect((await exported(graph(), "tips", window, "csv")).text).toBe(
      (await exported(sqlite(), "tips", window, "csv")).text,
    );
    const limited = async (index: AuditIndex) => {
      const rows = [];
      for await (const page of index.ledgerPages("tips", {}, { limit: 1234 })) rows.push(...page);
      return rows;
    };
    const limitedGraph = await limited(graph());
    expect(limitedGraph).toHaveLength(1234);
    expect(limitedGraph).toEqual(await limited(sqlite()));
  });

  it("reconciles and verifies from the endpoint exactly as from the SQLite file", async () => {
    const graphCredits = await graph().credits();
    const sqliteCredits = await sqlite().credits();
    expect(graphCredits.credits.length).toBeGreaterThan(1000);
    expect(graphCredits).toEqual(sqliteCredits);
    const records = [{ paymentRef: "pi_settled", amount: "7000000000000000000", status: "succeeded" }];
    expect(reconcile(graphCredits, records, { sources: ["FIAT"] })).toEqual(
      reconcile(sqliteCredits, records, { sources: ["FIAT"] }),
    );

    const targets = {
      vault: { address: mesi.contracts.MesiVault.address, abi: abis.MesiVault as Abi },
      token: { address: mesi.contracts.MesiToken.address, abi: abis.MesiToken as Abi },
    };
    const from = sent.length;
    const fromGraph = await verify(graph(), chain.publicClient as never, targets);
    const fromSqlite = await verify(sqlite(), chain.publicClient as never, targets);
    expect(fromGraph.ok).toBe(true);
    expect(fromGraph.creatorsChecked).toBeGreaterThan(3);
    expect(fromGraph).toEqual(fromSqlite);
    const { pages, blocks } = checkPaging(from);
    expect(pages).toBeGreaterThan(10);
    expect(blocks.size).toBe(1);
  });

  it("serves the auditor API over the endpoint", async () => {
    const store = indexer.core.store;
    const api: FastifyInstance = await createIndexServer({
      queries: new InProcessQueries(new QueryService(store)),
      schema: buildQuerySchema(indexer.core.schema).schema,
      db: store.db,
      audit: graphAuditIndex({ url: indexer.url }),
    });
    const base = await listen(api, 0);
    try {
      for (const path of [
        "/audit/tips.csv",
        "/audit/payments.ndjson?source=FIAT",
        "/audit/tips/totals?source=RELAYER_STABLECOIN",
      ]) {
        const [viaGraph, viaSqlite] = await Promise.all([fetch(`${base}${path}`), fetch(`${indexer.baseUrl}${path}`)]);
        expect(viaGraph.status).toBe(200);
        expect(await viaGraph.text()).toBe(await viaSqlite.text());
      }
    } finally {
      await api.close();
    }
  });

  it("runs the CLI with --graph URL: the same export as with --db", async () => {
    const viaGraph = await run(process.execPath, ["--import", "tsx", CLI, "payments", "--graph", indexer.url]);
    const viaDb = await run(process.execPath, ["--import", "tsx", CLI, "payments", "--db", dbPath]);
    expect(viaGraph.stdout.split("\n").length).toBeGreaterThan(1000);
    expect(viaGraph.stdout).toBe(viaDb.stdout);
    const both = await run(process.execPath, [
      "--import",
      "tsx",
      CLI,
      "tips",
      "--graph",
      indexer.url,
      "--db",
      dbPath,
    ]).catch((error: { code: number; stderr: string }) => error);
    expect((both as { code: number }).code).toBe(2);
    expect((both as { stderr: string }).stderr).toMatch(/not both/);
  });

  it("fails rather than mixes two blocks when the index moves during an export", async () => {
    const index = graph(100);
    const pages = index.ledgerPages("tips", {});
    const iterator = pages[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.done).toBe(false);
    // A new block is indexed between two pages of the same export.
    const before = indexer.core.store.cursor()!.number;
    await chain.testClient.mine({ blocks: 1 });
    while (indexer.core.store.cursor()!.number === before) await new Promise((r) => setTimeout(r, 50));
    await expect(
      (async () => {
        for (;;) if ((await iterator.next()).done) return;
      })(),
    ).rejects.toThrow(/block|time-travel/i);
  });
});
