// An acknowledged webhook survives a power loss, not only a killed process
// (issue 9, item 6): the store is the system of record. SQLite commits with
// synchronous=FULL in WAL mode; the connections live on a worker thread that
// gathers concurrent commits into one fsync, so the event loop answering
// webhooks never waits on SQLite (a synced commit, or another process's lock).
// PostgreSQL keeps its own defaults (synchronous_commit=on).
import { join } from "node:path";

import Database from "better-sqlite3";
import { sql } from "kysely";
import { afterAll, beforeAll, expect, test } from "vitest";

import type { Relayer } from "../src/relayer.ts";
import { openSqliteStore } from "../src/store/sqlite.ts";
import { startAnvil, type AnvilNode } from "./support/anvil.ts";
import { deployFixture, type MesiFixture } from "./support/mesi.ts";
import {
  createQuote,
  getJson,
  payQuote,
  relayerConfigInput,
  signQuoteRequest,
  spawnRelayer,
  startTestRelayer,
  tempDir,
  type RelayerProcess,
} from "./support/relayer.ts";

let node: AnvilNode;
let mesi: MesiFixture;
let child: RelayerProcess | undefined;
let relayer: Relayer | undefined;

beforeAll(async () => {
  node = await startAnvil();
  mesi = await deployFixture(node);
});

afterAll(async () => {
  child?.child.kill("SIGKILL");
  await relayer?.stop();
  await node?.stop();
});

async function tipQuote(url: string) {
  const creator = await mesi.newFundedAccount();
  const fan = await mesi.newFundedAccount();
  const request = await signQuoteRequest(
    fan,
    { creator: creator.address, purpose: "tip", mesiAmount: "500000000000000000000" },
    node.chainId,
  );
  return await createQuote(url, { ...request });
}

test("SQLite: WAL journal, synchronous=FULL on the writer and the reader connection", async () => {
  const store = await openSqliteStore(join(tempDir(), "relayer.sqlite"));
  try {
    const inTransaction = await store.transaction(async (trx) => ({
      mode: (await sql<{ journal_mode: string }>`pragma journal_mode`.execute(trx)).rows[0]!.journal_mode,
      sync: (await sql<{ synchronous: number }>`pragma synchronous`.execute(trx)).rows[0]!.synchronous,
    }));
    expect(inTransaction).toEqual({ mode: "wal", sync: 2 }); // 2 = FULL
    const standalone = await sql<{ synchronous: number }>`pragma synchronous`.execute(store.db);
    expect(standalone.rows[0]!.synchronous).toBe(2);
  } finally {
    await store.close();
  }
});

test("concurrent transactions share synced commits and each sees only its own rolled-back work undone", async () => {
  const store = await openSqliteStore(join(tempDir(), "relayer.sqlite"), { groupWindowMs: 20 });
  try {
    const insert = (id: string, fail: boolean) =>
      store.transaction(async (trx) => {
        await trx
          .insertInto("webhook_events")
          .values({ event_id: id, type: "t", payment_ref: null, outcome: "ok", received_at: 1 })
          .execute();
        if (fail) throw new Error(`rolled back ${id}`);
        return id;
      });
    const results = await Promise.allSettled(Array.from({ length: 40 }, (_, i) => insert(`evt_${i}`, i % 5 === 0)));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(32);
    const rows = await store.db.selectFrom("webhook_events").select("event_id").orderBy("event_id").execute();
    expect(rows.map((r) => r.event_id).sort()).toEqual(
      Array.from({ length: 40 }, (_, i) => i)
        .filter((i) => i % 5 !== 0)
        .map((i) => `evt_${i}`)
        .sort(),
    );
    // A unique violation inside one transaction fails that transaction only.
    await expect(insert("evt_1", false)).rejects.toMatchObject({ code: "SQLITE_CONSTRAINT_PRIMARYKEY" });
    await expect(insert("evt_new", false)).resolves.toBe("evt_new");
  } finally {
    await store.close();
  }
});

test("the event loop stays free while a webhook's commit waits on another process's write lock", async () => {
  const path = join(tempDir(), "relayer.sqlite");
  relayer = await startTestRelayer(relayerConfigInput(node, mesi, { store: { kind: "sqlite", path } }));
  const url = relayer.url;
  const quote = await tipQuote(url);
  // Another connection (as another process would) holds the write lock.
  const blocker = new Database(path);
  blocker.pragma("busy_timeout = 10000");
  blocker.exec("BEGIN IMMEDIATE");
  let acknowledged = false;
  const paid = payQuote(url, quote).then((result) => ((acknowledged = true), result));
  try {
    // With SQLite on the event loop, the webhook's commit busy-waits there (up to busy_timeout): no timer fires
    // and no other request is served until it gives up.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const health = await getJson(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(acknowledged).toBe(false);
  } finally {
    blocker.exec("COMMIT");
    blocker.close();
  }
  const { response } = await paid;
  expect(response.status).toBe(200);
  const stored = await relayer.store.db
    .selectFrom("payments")
    .select("status")
    .where("payment_intent_id", "=", quote.paymentIntentId)
    .executeTakeFirst();
  expect(stored?.status).toBe("credit_queued");
  await relayer.stop();
  relayer = undefined;
});

test("a webhook acknowledged right before the process is SIGKILLed is in the file", async () => {
  const path = join(tempDir(), "relayer.sqlite");
  child = spawnRelayer(relayerConfigInput(node, mesi, { store: { kind: "sqlite", path } }));
  const url = await child.url;
  const quotes = [];
  for (let i = 0; i < 5; i++) quotes.push(await tipQuote(url));
  const acknowledged: string[] = [];
  await Promise.all(
    quotes.map(async (quote, i) => {
      const { event, response } = await payQuote(url, quote);
      expect(response.status).toBe(200);
      acknowledged.push((event as { id: string }).id);
      if (i === quotes.length - 1) child!.child.kill("SIGKILL");
    }),
  );
  child.child.kill("SIGKILL");
  await child.exited;
  child = undefined;
  const db = new Database(path, { readonly: true });
  try {
    const events = db.prepare("select event_id from webhook_events").all() as { event_id: string }[];
    const ids = new Set(events.map((e) => e.event_id));
    for (const id of acknowledged) expect(ids.has(id)).toBe(true);
    const queued = db.prepare("select count(*) as n from outbox where kind = 'credit'").get() as { n: number };
    expect(queued.n).toBeGreaterThanOrEqual(acknowledged.length);
  } finally {
    db.close();
  }
});
