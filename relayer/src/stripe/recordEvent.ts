// The database half of a Stripe webhook, as one transaction job
// (store/transactionJob.ts): the event is recorded by its id and acted on in
// the same transaction, so a redelivery finds the id and changes nothing. On
// SQLite the whole job runs inside the store's worker in one message; on
// PostgreSQL in one transaction of the pool.
//
// Order of arrival is not trusted: each event is read against the payment's
// stored state (a refund that arrives before the success marks the payment
// refunded, and the later success credits nothing).
//
// Loaded by the SQLite worker with Node's type stripping: erasable TypeScript only.
import type { Kysely } from "kysely";
import type Stripe from "stripe";
import { keccak256, toBytes, type Hex } from "viem";

import { PaymentSource } from "../chain/mesiTypes.ts";
import { cancelQueued, enqueue } from "../outbox/outbox.ts";
import type { CreditPayload, TicketPayload } from "../outbox/operations.ts";
import type { Database, PaymentStatus } from "../store/schema.ts";
import type { TransactionJob } from "../store/transactionJob.ts";

/** The vault's reference for a Stripe payment: keccak256 of the PaymentIntent id. */
export function paymentRefOf(paymentIntentId: string): Hex {
  return keccak256(toBytes(paymentIntentId));
}

export type Outcome = { outcome: string; paymentRef?: Hex; reason?: string };

/** What recording an event did: its outcome, or nothing because its id was seen before. */
export type RecordedEvent = Outcome | { duplicate: true };

export const recordStripeEvent: TransactionJob<{ event: Stripe.Event; now: number }, RecordedEvent> = {
  name: "recordStripeEvent",
  async run(trx, { event, now }) {
    const inserted = await trx
      .insertInto("webhook_events")
      .values({ event_id: event.id, type: event.type, payment_ref: null, outcome: "processing", received_at: now })
      .onConflict((conflict) => conflict.column("event_id").doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) return { duplicate: true };
    const outcome = await apply(trx, event, now);
    await trx
      .updateTable("webhook_events")
      .set({
        outcome: outcome.reason === undefined ? outcome.outcome : `${outcome.outcome}: ${outcome.reason}`,
        payment_ref: outcome.paymentRef ?? null,
      })
      .where("event_id", "=", event.id)
      .execute();
    return outcome;
  },
};

async function apply(trx: Kysely<Database>, event: Stripe.Event, now: number): Promise<Outcome> {
  switch (event.type) {
    case "payment_intent.succeeded":
      return await succeeded(trx, event, now);
    case "payment_intent.payment_failed":
    case "payment_intent.canceled":
      return await failed(trx, event.data.object, now);
    case "charge.refunded": {
      const charge = event.data.object;
      const intentId = typeof charge.payment_intent === "string" ? charge.payment_intent : charge.payment_intent?.id;
      if (intentId === undefined) return { outcome: "ignored", reason: "charge without a PaymentIntent" };
      return await reverse(trx, intentId, charge.refunded === true ? "refund" : "partial_refund", now);
    }
    case "charge.dispute.created": {
      const dispute = event.data.object;
      const intentId = typeof dispute.payment_intent === "string" ? dispute.payment_intent : dispute.payment_intent?.id;
      if (intentId === undefined) return { outcome: "ignored", reason: "dispute without a PaymentIntent" };
      return await reverse(trx, intentId, "dispute", now);
    }
    default:
      return { outcome: "ignored", reason: `event type ${event.type} is not used` };
  }
}

async function succeeded(
  trx: Kysely<Database>,
  event: Stripe.PaymentIntentSucceededEvent,
  now: number,
): Promise<Outcome> {
  const intent = event.data.object;
  const paymentRef = paymentRefOf(intent.id);
  const existing = await trx
    .selectFrom("payments")
    .selectAll()
    .where("payment_ref", "=", paymentRef)
    .executeTakeFirst();
  if (existing !== undefined) {
    // Another event already decided this payment (a redelivery under a new id, or a refund seen first).
    return { outcome: "unchanged", paymentRef, reason: `payment already ${existing.status}` };
  }
  const quoteId = intent.metadata?.quoteId;
  const quote =
    quoteId === undefined
      ? undefined
      : await trx.selectFrom("quotes").selectAll().where("id", "=", quoteId).executeTakeFirst();

  const reject = async (reason: string, fields: Partial<Database["payments"]> = {}): Promise<Outcome> => {
    await insertPayment(trx, {
      paymentRef,
      intentId: intent.id,
      quoteId: quote?.id ?? null,
      status: "rejected",
      reason,
      now,
      fields,
    });
    if (quote !== undefined)
      await trx
        .updateTable("quotes")
        .set({ status: "rejected" })
        .where("id", "=", quote.id)
        .where("status", "!=", "paid")
        .execute();
    return { outcome: "rejected", paymentRef, reason };
  };

  if (quote === undefined) return await reject("no quote matches this PaymentIntent (metadata.quoteId)");
  const quoteFields: Partial<Database["payments"]> = {
    fan: quote.fan,
    creator: quote.creator,
    purpose: quote.purpose,
    mesi_amount: quote.mesi_amount,
    amount_minor: Number(intent.amount_received ?? intent.amount),
    currency: intent.currency,
    stream_id: quote.stream_id,
    quantity: quote.quantity,
  };
  if (quote.payment_intent_id !== null && quote.payment_intent_id !== intent.id) {
    return await reject(`quote ${quote.id} belongs to another PaymentIntent`, quoteFields);
  }
  if (intent.status !== "succeeded") return await reject(`PaymentIntent status is ${intent.status}`, quoteFields);
  const received = Number(intent.amount_received ?? intent.amount);
  if (received !== Number(quote.amount_minor) || intent.currency.toLowerCase() !== quote.currency) {
    return await reject(
      `amount mismatch: quote ${quote.id} expects ${quote.amount_minor} ${quote.currency}, payment is ${received} ${intent.currency}`,
      quoteFields,
    );
  }
  if (event.created * 1000 > Number(quote.expires_at)) {
    return await reject(
      `quote ${quote.id} expired at ${new Date(Number(quote.expires_at)).toISOString()} before the payment succeeded; refund needed`,
      quoteFields,
    );
  }
  if (quote.status === "rejected" || quote.status === "paid")
    return await reject(`quote ${quote.id} is ${quote.status}`, quoteFields);

  if (quote.purpose === "ticket") {
    const consumed = await trx
      .updateTable("ticket_reservations")
      .set({ status: "consumed" })
      .where("quote_id", "=", quote.id)
      .where("status", "=", "active")
      .executeTakeFirst();
    if (Number(consumed.numUpdatedRows) === 0) {
      return await reject(
        `the seat reserved for quote ${quote.id} was released before the payment succeeded; refund needed`,
        quoteFields,
      );
    }
  }

  await insertPayment(trx, {
    paymentRef,
    intentId: intent.id,
    quoteId: quote.id,
    status: "credit_queued",
    reason: null,
    now,
    fields: quoteFields,
  });
  await trx.updateTable("quotes").set({ status: "paid", payment_ref: paymentRef }).where("id", "=", quote.id).execute();
  if (quote.purpose === "ticket") {
    const payload: TicketPayload = {
      paymentRef,
      fan: quote.fan as Hex,
      streamId: quote.stream_id!,
      quantity: Number(quote.quantity),
      source: PaymentSource.Fiat,
    };
    await enqueue(trx, { kind: "ticket", dedupeKey: paymentRef, paymentRef, payload, now });
  } else {
    const payload: CreditPayload = {
      paymentRef,
      fan: quote.fan as Hex,
      creator: quote.creator as Hex,
      amount: quote.mesi_amount,
      source: PaymentSource.Fiat,
      channel: quote.channel,
      channelRef: quote.channel_ref as Hex,
    };
    await enqueue(trx, { kind: "credit", dedupeKey: paymentRef, paymentRef, payload, now });
  }
  return { outcome: "credit_queued", paymentRef };
}

async function failed(trx: Kysely<Database>, intent: Stripe.PaymentIntent, now: number): Promise<Outcome> {
  const paymentRef = paymentRefOf(intent.id);
  const quoteId = intent.metadata?.quoteId;
  if (quoteId === undefined) return { outcome: "ignored", paymentRef, reason: "no quote" };
  const paid = await trx
    .selectFrom("payments")
    .select("status")
    .where("payment_ref", "=", paymentRef)
    .executeTakeFirst();
  if (paid !== undefined) return { outcome: "unchanged", paymentRef, reason: `payment already ${paid.status}` };
  await trx
    .updateTable("quotes")
    .set({ status: "failed" })
    .where("id", "=", quoteId)
    .where("status", "=", "open")
    .execute();
  const released = await trx
    .updateTable("ticket_reservations")
    .set({ status: "released" })
    .where("quote_id", "=", quoteId)
    .where("status", "=", "active")
    .executeTakeFirst();
  void now;
  return {
    outcome: "payment_failed",
    paymentRef,
    reason: Number(released.numUpdatedRows) > 0 ? "seat released" : "no seat held",
  };
}

/** A refund or dispute: cancel a credit not yet sent, reverse one during its hold, else record and flag. */
async function reverse(
  trx: Kysely<Database>,
  intentId: string,
  why: "refund" | "partial_refund" | "dispute",
  now: number,
): Promise<Outcome> {
  const paymentRef = paymentRefOf(intentId);
  const payment = await trx.selectFrom("payments").selectAll().where("payment_ref", "=", paymentRef).executeTakeFirst();
  if (payment === undefined) {
    // Seen before the success: the payment is refunded, and a later success credits nothing.
    await insertPayment(trx, {
      paymentRef,
      intentId,
      quoteId: null,
      status: why === "partial_refund" ? "flagged" : "refunded",
      reason: `${why} received before the payment succeeded`,
      now,
      fields: {},
    });
    return { outcome: why === "partial_refund" ? "flagged" : "refunded", paymentRef, reason: "before success" };
  }
  const setStatus = async (status: PaymentStatus, reason: string): Promise<void> => {
    await trx
      .updateTable("payments")
      .set({ status, reason, updated_at: now })
      .where("payment_ref", "=", paymentRef)
      .execute();
  };
  if (why === "partial_refund") {
    if (payment.status === "credit_queued" || payment.status === "credited") {
      await setStatus("flagged", "partial refund: the on-chain credit cannot be reduced; review by hand");
      return { outcome: "flagged", paymentRef, reason: "partial refund" };
    }
    return { outcome: "unchanged", paymentRef, reason: `payment ${payment.status}` };
  }
  if (payment.status === "credit_queued" || payment.status === "flagged") {
    const kind = payment.purpose === "ticket" ? "ticket" : "credit";
    if (await cancelQueued(trx, kind, paymentRef, now)) {
      await setStatus("refunded", `${why} before the credit was sent`);
      return { outcome: "refunded", paymentRef, reason: "credit cancelled before sending" };
    }
  }
  if (payment.status === "credit_queued" || payment.status === "credited" || payment.status === "flagged") {
    const sent = await trx
      .selectFrom("outbox")
      .select("state")
      .where("payment_ref", "=", paymentRef)
      .where("kind", "in", ["credit", "ticket"])
      .executeTakeFirst();
    if (sent === undefined || sent.state === "cancelled" || sent.state === "failed") {
      await setStatus("refunded", `${why}; nothing was credited`);
      return { outcome: "refunded", paymentRef };
    }
    await enqueue(trx, { kind: "reverse", dedupeKey: paymentRef, paymentRef, payload: { paymentRef }, now });
    await setStatus("reversal_queued", `${why}: reversing the held credit`);
    return { outcome: "reversal_queued", paymentRef };
  }
  return { outcome: "unchanged", paymentRef, reason: `payment already ${payment.status}` };
}

async function insertPayment(
  trx: Kysely<Database>,
  parameters: {
    paymentRef: Hex;
    intentId: string;
    quoteId: string | null;
    status: PaymentStatus;
    reason: string | null;
    now: number;
    fields: Partial<Database["payments"]>;
  },
): Promise<void> {
  const { fields } = parameters;
  await trx
    .insertInto("payments")
    .values({
      payment_ref: parameters.paymentRef,
      payment_intent_id: parameters.intentId,
      quote_id: parameters.quoteId,
      fan: fields.fan ?? null,
      creator: fields.creator ?? null,
      purpose: fields.purpose ?? null,
      mesi_amount: fields.mesi_amount ?? null,
      amount_minor: fields.amount_minor ?? null,
      currency: fields.currency ?? null,
      stream_id: fields.stream_id ?? null,
      quantity: fields.quantity ?? null,
      status: parameters.status,
      reason: parameters.reason,
      refund_id: null,
      created_at: parameters.now,
      updated_at: parameters.now,
    })
    .execute();
}
