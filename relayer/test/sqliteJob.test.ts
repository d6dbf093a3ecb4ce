// A webhook's transaction runs inside the SQLite worker in one message
// (store/transactionJob.ts, stripe/recordEvent.ts): the worker applies and
// commits it without waiting on the main event loop, so an acknowledgement is
// not held back by chain work on that loop. Shown directly: with the main
// thread blocked right after the job is handed over, the event becomes visible
// in the file (read synchronously over a separate connection) — while the same
// work as a transaction driven from the main thread makes no progress until
// the loop is free again.
import { join } from "node:path";

import Database from "better-sqlite3";
import type Stripe from "stripe";
import { afterAll, beforeAll, expect, test } from "vitest";

import { openSqliteStore } from "../src/store/sqlite.ts";
import type { Store } from "../src/store/store.ts";
import { recordStripeEvent } from "../src/stripe/recordEvent.ts";
import { tempDir } from "./support/relayer.ts";

let store: Store;
let path: string;

beforeAll(async () => {
  path = join(tempDir(), "relayer.sqlite");
  store = await openSqliteStore(path);
});

afterAll(async () => {
  await store?.close();
});

function succeeded(id: string): Stripe.Event {
  return {
    id,
    type: "payment_intent.succeeded",
    created: Math.floor(Date.now() / 1000),
    data: { object: { id: `pi_${id}`, status: "succeeded", amount: 500, currency: "usd", metadata: {} } },
  } as unknown as Stripe.Event;
}

/** Blocks the main thread for up to `ms`, checking synchronously whether the event's row is in the file. */
function seenWhileBlocked(reader: Database.Database, eventId: string, ms: number): boolean {
  const deadline = Date.now() + ms;
  const statement = reader.prepare("select outcome from webhook_events where event_id = ?");
  while (Date.now() < deadline) {
    const row = statement.get(eventId) as { outcome: string } | undefined;
    if (row !== undefined && row.outcome !== "processing") return true;
  }
  return false;
}

test("a webhook job commits inside the worker while the main event loop is blocked", async () => {
  const reader = new Database(path, { readonly: true });
  try {
    const job = store.runJob(recordStripeEvent, { event: succeeded("evt_job_1"), now: Date.now() });
    expect(seenWhileBlocked(reader, "evt_job_1", 3_000)).toBe(true);
    expect(await job).toMatchObject({ outcome: "rejected" });

    // The same work driven from the main thread, query by query, cannot progress while the loop is blocked.
    const driven = store.transaction((trx) =>
      recordStripeEvent.run(trx, { event: succeeded("evt_job_2"), now: Date.now() }),
    );
    expect(seenWhileBlocked(reader, "evt_job_2", 500)).toBe(false);
    expect(await driven).toMatchObject({ outcome: "rejected" });
    expect(seenWhileBlocked(reader, "evt_job_2", 1_000)).toBe(true);
  } finally {
    reader.close();
  }
});

test("a job's duplicate and its failure: the second delivery is a duplicate; a failing job changes nothing", async () => {
  expect(await store.runJob(recordStripeEvent, { event: succeeded("evt_job_3"), now: Date.now() })).toMatchObject({
    outcome: "rejected",
  });
  expect(await store.runJob(recordStripeEvent, { event: succeeded("evt_job_3"), now: Date.now() })).toEqual({
    duplicate: true,
  });
  // A second event for the same PaymentIntent under a new id finds the payment: unchanged.
  const again = { ...succeeded("evt_job_4"), data: succeeded("evt_job_3").data } as Stripe.Event;
  expect(await store.runJob(recordStripeEvent, { event: again, now: Date.now() })).toMatchObject({
    outcome: "unchanged",
  });
  // A job that throws (an event without data) rolls back its savepoint: its event id is not recorded.
  const broken = { id: "evt_job_5", type: "payment_intent.succeeded", created: 0 } as unknown as Stripe.Event;
  await expect(store.runJob(recordStripeEvent, { event: broken, now: Date.now() })).rejects.toThrow();
  const rows = await store.db
    .selectFrom("webhook_events")
    .select("event_id")
    .where("event_id", "=", "evt_job_5")
    .execute();
  expect(rows).toHaveLength(0);
});
