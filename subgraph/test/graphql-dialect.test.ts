// The Graph's query dialect over the index: lookups, collections, paging,
// ordering, every filter suffix, nested and boolean filters, @derivedFrom
// lists, _meta — and the errors the dialect gives for what it refuses.

import Database from "better-sqlite3";
import { parseEther } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { buildQuerySchema } from "../indexer/graphql/schema.ts";
import { InProcessQueries, QueryService } from "../indexer/graphql/service.ts";
import { createIndexServer, GRAPHQL_PATH, listen } from "../indexer/server.ts";
import type { RunningIndexer } from "../indexer/index.ts";
import { graphqlClient } from "./helpers/graphql.ts";
import type { DeployedMesi, LocalChain } from "./helpers/local-chain.ts";
import type { ScenarioResult } from "./helpers/scenario.ts";
import { startScenarioIndex, type ScenarioIndex } from "./helpers/scenario-index.ts";

let chain: LocalChain;
let mesi: DeployedMesi;
let scenario: ScenarioResult;
let indexer: RunningIndexer;
let gql: ReturnType<typeof graphqlClient>;
let dbPath: string;
const e = (n: string): string => parseEther(n).toString();

let index: ScenarioIndex | undefined;

beforeAll(async () => {
  index = await startScenarioIndex({ prefix: "mesi-dialect-" });
  ({ chain, mesi, scenario, indexer, dbPath } = index);
  gql = graphqlClient(indexer.url);
});

afterAll(() => index?.stop());

describe("lookups and collections", () => {
  it("finds an entity by id (ID!) and answers null for an unknown id", async () => {
    const creator = scenario.actors.creator.address.toLowerCase();
    const data = await gql.query(`query($id: ID!) { creator(id: $id) { id } missing: creator(id: "0x00") { id } }`, {
      id: creator,
    });
    expect(data.creator.id).toBe(creator);
    expect(data.missing).toBeNull();
    // Bytes come back as lowercase hex even when asked in mixed case.
    const mixed = await gql.query(`query($id: ID!) { creator(id: $id) { id } }`, {
      id: scenario.actors.creator.address,
    });
    expect(mixed.creator.id).toBe(creator);
  });

  it("pages with first/skip (default 100) and orders by id without orderBy", async () => {
    const all = await gql.query(`{ escrowMovements { id } }`);
    expect(all.escrowMovements).toHaveLength(12);
    const ids = all.escrowMovements.map((m: any) => m.id);
    expect(ids).toEqual([...ids].sort());
    const page = await gql.query(`{ escrowMovements(first: 5, skip: 5) { id } }`);
    expect(page.escrowMovements.map((m: any) => m.id)).toEqual(ids.slice(5, 10));
    expect((await gql.query(`{ escrowMovements(first: 0) { id } }`)).escrowMovements).toEqual([]);
  });

  it("orders by a field and by a field of a referenced entity, both directions", async () => {
    const desc = await gql.query(`{ tips(orderBy: amount, orderDirection: desc, first: 3) { amount } }`);
    expect(desc.tips.map((t: any) => t.amount)).toEqual([e("200"), e("10"), e("8")]);
    const asc = await gql.query(`{ tips(orderBy: amount, orderDirection: asc, first: 2) { amount } }`);
    expect(asc.tips.map((t: any) => t.amount)).toEqual([e("2"), e("3")]);
    const nested = await gql.query(
      `{ tips(orderBy: creator__profileURI, orderDirection: desc, first: 1) { creator { profileURI } } }`,
    );
    expect(nested.tips[0].creator.profileURI).toBe("ipfs://creator-2");
  });

  it("serves @derivedFrom lists with their own arguments", async () => {
    const data = await gql.query(
      `query($id: ID!) { creator(id: $id) { tips(first: 2, orderBy: amount, orderDirection: desc, where: { source_in: [MESI, FIAT] }) { amount source } } }`,
      { id: scenario.actors.creator.address.toLowerCase() },
    );
    expect(data.creator.tips).toEqual([
      { amount: e("10"), source: "MESI" },
      { amount: e("7"), source: "FIAT" },
    ]);
  });
});

describe("where", () => {
  const count = async (entity: string, where: string): Promise<number> =>
    ((await gql.query(`{ ${entity}(where: ${where}, first: 1000) { id } }`))[entity] as unknown[]).length;

  it("compares numbers with _gt/_gte/_lt/_lte/_not/_in/_not_in", async () => {
    expect(await count("tips", `{ amount_gt: "${e("10")}" }`)).toBe(1);
    expect(await count("tips", `{ amount_gte: "${e("10")}" }`)).toBe(2);
    expect(await count("tips", `{ amount_lt: "${e("4")}" }`)).toBe(2);
    expect(await count("tips", `{ amount_lte: "${e("4")}" }`)).toBe(3);
    expect(await count("tips", `{ amount_not: "${e("10")}" }`)).toBe(7);
    expect(await count("tips", `{ amount_in: ["${e("10")}", "${e("3")}"] }`)).toBe(2);
    expect(await count("tips", `{ amount_not_in: ["${e("10")}", "${e("3")}"] }`)).toBe(6);
    expect(await count("tips", `{ source: FIAT }`)).toBe(3);
    expect(await count("tips", `{ source_not: FIAT }`)).toBe(5);
  });

  it("matches strings with _contains/_starts_with/_ends_with, their negations and _nocase", async () => {
    expect(await count("creators", `{ profileURI_contains: "creator-1" }`)).toBe(1);
    expect(await count("creators", `{ profileURI_contains_nocase: "CREATOR" }`)).toBe(2);
    expect(await count("creators", `{ profileURI_not_contains: "v2" }`)).toBe(1);
    expect(await count("creators", `{ profileURI_starts_with: "ipfs://" }`)).toBe(2);
    expect(await count("creators", `{ profileURI_starts_with_nocase: "IPFS://CREATOR-2" }`)).toBe(1);
    expect(await count("creators", `{ profileURI_ends_with: "-v2" }`)).toBe(1);
    expect(await count("creators", `{ profileURI_not_ends_with: "-v2", registered: true }`)).toBe(1);
    expect(await count("creators", `{ profileURI: null }`)).toBe(0);
  });

  it("filters on references, nested `field_` filters, derived lists, and/or", async () => {
    const creator = scenario.actors.creator.address.toLowerCase();
    expect(await count("tips", `{ creator: "${creator}" }`)).toBe(7);
    expect(await count("tips", `{ creator_: { profileURI: "ipfs://creator-2" } }`)).toBe(1);
    expect(await count("creators", `{ tips_: { amount_gt: "${e("100")}" } }`)).toBe(1);
    expect(await count("tips", `{ or: [{ source: STABLECOIN }, { source: RELAYER_STABLECOIN }] }`)).toBe(2);
    expect(await count("tips", `{ and: [{ creator: "${creator}" }, { amount_lt: "${e("5")}" }] }`)).toBe(3);
    expect(await count("ticketHoldings", `{ stream_: { live: true }, balance_gt: "1" }`)).toBe(2);
  });

  it("filters by the block an entity last changed in (_change_block)", async () => {
    const head = await chain.publicClient.getBlockNumber({ cacheTime: 0 });
    expect(await count("tips", `{ _change_block: { number_gte: ${Number(head) + 1} } }`)).toBe(0);
    expect(await count("tips", `{ _change_block: { number_gte: 0 } }`)).toBe(8);
  });
});

describe("_meta", () => {
  it("reports the indexed block, the deployment and indexing errors", async () => {
    const head = await chain.publicClient.getBlock();
    const { _meta } = await gql.query(`{ _meta { block { number hash timestamp } deployment hasIndexingErrors } }`);
    expect(_meta).toEqual({
      block: { number: Number(head.number), hash: head.hash, timestamp: Number(head.timestamp) },
      deployment: indexer.core.deploymentId,
      hasIndexingErrors: false,
    });
  });
});

describe("errors", () => {
  it("refuses malformed queries with a syntax error", async () => {
    expect((await gql.errors(`{ tips { id `))[0]).toMatch(/Syntax Error/);
    const response = await fetch(indexer.url, {
      method: "POST",
      body: "not json",
      headers: { "content-type": "application/json" },
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as any).errors[0].message).toMatch(/not valid JSON/);
    expect((await gql.errors(``))[0]).toMatch(/query/);
  });

  it("refuses unknown fields, unknown filters and bad argument values", async () => {
    expect((await gql.errors(`{ tips { nonsense } }`))[0]).toMatch(/Cannot query field "nonsense" on type "Tip"/);
    expect((await gql.errors(`{ nonsense { id } }`))[0]).toMatch(/Cannot query field "nonsense" on type "Query"/);
    expect((await gql.errors(`{ tips(where: { amount_like: "1" }) { id } }`))[0]).toMatch(/amount_like/);
    expect((await gql.errors(`{ tips(orderBy: nonsense) { id } }`))[0]).toMatch(/Tip_orderBy/);
    expect((await gql.errors(`{ tips(where: { amount_gt: "ten" }) { id } }`))[0]).toMatch(/Invalid BigInt/);
    expect((await gql.errors(`{ tips(where: { creator_: { id: "0xnothex" } }) { id } }`))[0]).toMatch(/Bytes/);
    expect((await gql.errors(`query($n: Int) { tips(first: $n) { id } }`, { n: "many" }))[0]).toMatch(/Int/);
  });

  it("refuses `first` beyond 1000 and `skip` beyond 5000, literal or variable", async () => {
    expect(await gql.errors(`{ tips(first: 1001) { id } }`)).toEqual([
      "The `first` argument must be between 0 and 1000, but is 1001",
    ]);
    expect(await gql.errors(`query($n: Int) { tips(first: $n) { id } }`, { n: 5000 })).toEqual([
      "The `first` argument must be between 0 and 1000, but is 5000",
    ]);
    expect(await gql.errors(`{ tips(skip: 5001) { id } }`)).toEqual([
      "The `skip` argument must be between 0 and 5000, but is 5001",
    ]);
    expect((await gql.errors(`{ tips(first: -1) { id } }`))[0]).toMatch(/first/);
  });

  it("bounds query depth and complexity before doing any work", async () => {
    const deep = `{ creators { fans { creator { fans { creator { fans { creator { fans { creator { fans { id } } } } } } } } } } }`;
    expect((await gql.errors(deep))[0]).toMatch(/depth of 11, which exceeds the limit of 10/);
    const wide = `{ creators(first: 1000) { tips(first: 1000) { fan { tips(first: 1000) { id } } } } }`;
    expect((await gql.errors(wide))[0]).toMatch(/exceeds the limit of 500000/);
    // The same service over a connection that records every statement it runs: a refused query runs none.
    const statements: string[] = [];
    const db = new Database(dbPath, {
      readonly: true,
      verbose: (sql) => statements.push(String(sql)),
    });
    try {
      const service = new QueryService({ db, model: indexer.core.schema });
      for (const query of [deep, wide]) {
        const result = service.execute({ query });
        expect(result.errors?.[0]?.message).toMatch(/exceeds the limit/);
      }
      expect(statements).toEqual([]);
      // The recorder does see reads: an allowed query makes some.
      expect(service.execute({ query: `{ creators(first: 1) { id } }` }).errors).toBeUndefined();
      expect(statements.some((sql) => /FROM "Creator"/.test(sql))).toBe(true);
    } finally {
      db.close();
    }
  });

  it("refuses a block the index has not reached", async () => {
    expect((await gql.errors(`{ tips(block: { number: 999999999 }) { id } }`))[0]).toMatch(/not yet available/);
    expect((await gql.errors(`{ _meta(block: { number_gte: 999999999 }) { block { number } } }`))[0]).toMatch(
      /not yet available/,
    );
  });
});

describe("HTTP", () => {
  const base = (): string => indexer.baseUrl;
  const preflight = (url: string, origin: string) =>
    fetch(url, {
      method: "OPTIONS",
      headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
    });

  it("lets a webapp on another loopback port query GraphQL, and no other origin", async () => {
    const webapp = "http://127.0.0.1:5173";
    const allowed = await preflight(indexer.url, webapp);
    expect(allowed.status).toBeLessThan(300);
    expect(allowed.headers.get("access-control-allow-origin")).toBe(webapp);
    const answer = await fetch(indexer.url, {
      method: "POST",
      headers: { origin: webapp, "content-type": "application/json" },
      body: JSON.stringify({ query: "{ _meta { block { number } } }" }),
    });
    expect(answer.headers.get("access-control-allow-origin")).toBe(webapp);
    const foreign = await preflight(indexer.url, "https://evil.example");
    expect(foreign.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("gives the audit routes no CORS unless an origin is configured, and never `*`", async () => {
    const response = await fetch(`${base()}/audit/tips/totals`, { headers: { origin: "http://127.0.0.1:5173" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
    const exported = await fetch(`${base()}/audit/tips.csv`, { headers: { origin: "http://127.0.0.1:5173" } });
    expect(exported.headers.get("access-control-allow-origin")).toBeNull();
    await exported.text();

    const webapp = "http://127.0.0.1:4173";
    const configured = await createIndexServer({
      queries: new InProcessQueries(new QueryService(indexer.core.store)),
      schema: buildQuerySchema(indexer.core.schema).schema,
      db: indexer.core.store.db,
      corsOrigins: [webapp],
    });
    const url = await listen(configured, 0);
    try {
      const audit = await fetch(`${url}/audit/tips/totals`, { headers: { origin: webapp } });
      expect(audit.headers.get("access-control-allow-origin")).toBe(webapp);
      const other = await preflight(`${url}${GRAPHQL_PATH}`, "http://127.0.0.1:5173");
      expect(other.headers.get("access-control-allow-origin")).toBeNull();
      const named = await preflight(`${url}${GRAPHQL_PATH}`, webapp);
      expect(named.headers.get("access-control-allow-origin")).toBe(webapp);
    } finally {
      await configured.close();
    }
  });

  it("answers an oversized body with 413 after reading it, as a GraphQL error", async () => {
    const response = await fetch(indexer.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: `{ _meta { deployment } }`, padding: "x".repeat(300 * 1024) }),
    });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { errors: { message: string }[] }).errors[0]?.message).toMatch(/too large/i);
  });

  it("opens GraphiQL for a browser, with every script and style served from this server", async () => {
    const page = await fetch(indexer.url, { headers: { accept: "text/html,application/xhtml+xml" } });
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    const html = await page.text();
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] as string);
    expect(assets.length).toBeGreaterThanOrEqual(5);
    for (const asset of assets) {
      expect(asset.startsWith("/")).toBe(true);
      const response = await fetch(`${base()}${asset}`);
      expect(response.status).toBe(200);
      expect((await response.text()).length).toBeGreaterThan(10);
    }
    const graphiql = await (await fetch(`${base()}/graphiql/graphiql.js`)).text();
    expect(graphiql).toMatch(/GraphiQL/);
    // A program's GET still gets GraphQL.
    const get = await fetch(`${indexer.url}?query=${encodeURIComponent("{ _meta { deployment } }")}`);
    expect(((await get.json()) as { data: { _meta: { deployment: string } } }).data._meta.deployment).toMatch(/^mesi-/);
  });
});
