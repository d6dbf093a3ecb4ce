// A refund racing its own payment's success on PostgreSQL (issue 9, item 1).
// Stripe delivers `payment_intent.succeeded` and `charge.refunded` for one
// PaymentIntent at about the same time; two relayer connections handle them
// concurrently. Whatever the order, the payment must end refunded with no
// credit left to send, and neither event may be answered as a "duplicate"
// (Stripe would never deliver it again). Only a repeated event id is a
// duplicate.
import { Writable } from "node:stream";

import { afterAll, beforeAll, describe, expect, test } from "vitest";

import { parseConfig } from "../src/config.ts";
import { createLogger } from "../src/logger.ts";
import { createMetrics } from "../src/metrics.ts";
import { openPostgresStore } from "../src/store/postgres.ts";
import type { Store } from "../src/store/store.ts";
import { LocalStripeGateway } from "../src/stripe/local.ts";
import { buildEvent, signEvent, type SimulatedOutcome } from "../src/stripe/simulator.ts";
import { StripeWebhookHandler, paymentRefOf } from "../src/stripe/webhook.ts";
import { startPostgres, type PostgresServer } from "./support/postgres.ts";
import { WEBHOOK_SECRET } from "./support/relayer.ts";

let pg: PostgresServer;
let store: Store;
let handler: StripeWebhookHandler;

const FAN = "0x00000000000000000000000000000000000000f1";
const CREATOR = "0x00000000000000000000000000000000000000c1";

beforeAll(async () => {
  pg = await startPostgres();
  store = await openPostgresStore(pg.url, 8);
  const config = parseConfig({
    logLevel: "silent",
    store: { kind: "postgres", url: pg.url },
    chain: {
      rpcUrl: "http://127.0.0.1:1",
      chainId: 31337,
      relayerPrivateKey: `0x${"11".repeat(32)}`,
      vault: `0x${"01".repeat(20)}`,
      tickets: `0x${"02".repeat(20)}`,
      mesi: `0x${"03".repeat(20)}`,
    },
    stripe: { mode: "local", webhookSecret: WEBHOOK_SECRET },
  });
  handler = new StripeWebhookHandler({
    config,
    logger: createLogger({ level: "silent", destination: new Writable({ write: (_c, _e, cb) => cb() }) }),
    clock: { now: () => Date.now() },
    store,
    gateway: new LocalStripeGateway(WEBHOOK_SECRET, 300),
    metrics: createMetrics({ defaultMetrics: false }),
  });
});

afterAll(async () => {
  await store?.close();
  await pg?.stop();
});

async function openQuote(index: number): Promise<{ quoteId: string; paymentIntentId: string }> {
  const quoteId = `q_race_${index}`;
  const paymentIntentId = `pi_race_${index}`;
  await store.db
    .insertInto("quotes")
    .values({
      id: quoteId,
      fan: FAN,
      creator: CREATOR,
      purpose: "tip",
      mesi_amount: "1000000000000000000",
      amount_minor: 100,
      currency: "usd",
      stream_id: null,
      quantity: null,
      channel: 0,
      channel_ref: `0x${"00".repeat(32)}`,
      expires_at: Date.now() + 600_000,
      payment_intent_id: paymentIntentId,
      client_secret: null,
      payment_ref: null,
      status: "open",
      created_at: Date.now(),
    })
    .execute();
  return { quoteId, paymentIntentId };
}

function deliver(quote: { quoteId: string; paymentIntentId: string }, outcome: SimulatedOutcome, eventId: string) {
  const event = buildEvent({ ...quote, amountMinor: 100, currency: "usd" }, outcome, { eventId });
  const { body, signature } = signEvent(event, WEBHOOK_SECRET);
  return handler.handle(Buffer.from(body), signature);
}

describe("a refund racing its payment on PostgreSQL", () => {
  test("success and refund delivered concurrently, both orders, 60 times: refunded, nothing to credit, no false duplicate", async () => {
    const rounds = 60;
    for (let i = 0; i < rounds; i++) {
      const quote = await openQuote(i);
      const success = () => deliver(quote, "succeeded", `evt_ok_${i}`);
      const refund = () => deliver(quote, "refunded", `evt_rf_${i}`);
      const [first, second] = i % 2 === 0 ? [success(), refund()] : [refund(), success()];
      const answers = await Promise.all([first, second]);
      for (const answer of answers) {
        expect(answer.status).toBe(200);
        expect(answer.body.duplicate, JSON.stringify(answer.body)).toBeUndefined();
      }
      const ref = paymentRefOf(quote.paymentIntentId);
      const payment = await store.db
        .selectFrom("payments")
        .select("status")
        .where("payment_ref", "=", ref)
        .executeTakeFirstOrThrow();
      expect(payment.status, `round ${i}`).toBe("refunded");
      const live = await store.db
        .selectFrom("outbox")
        .select("id")
        .where("payment_ref", "=", ref)
        .where("state", "in", ["queued", "claimed", "sent", "confirmed"])
        .execute();
      expect(live, `round ${i}: a credit is still waiting to be sent`).toHaveLength(0);
      const events = await store.db
        .selectFrom("webhook_events")
        .select(["event_id", "outcome"])
        .where("event_id", "in", [`evt_ok_${i}`, `evt_rf_${i}`])
        .execute();
      expect(events).toHaveLength(2);
    }
    // A redelivery of the same event id is still a duplicate.
    const again = await deliver({ quoteId: "q_race_0", paymentIntentId: "pi_race_0" }, "refunded", "evt_rf_0");
    expect(again.body.duplicate).toBe(true);
  });
});
