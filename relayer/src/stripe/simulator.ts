// LOCAL DEVELOPMENT ONLY — the payment simulator. It builds Stripe-format
// events (payment_intent.succeeded, payment_intent.payment_failed,
// charge.refunded, charge.dispute.created) for a quote, signs them with the
// local webhook secret through the SDK's `webhooks.generateTestHeaderString`,
// and POSTs them to the relayer's real webhook endpoint. Never enabled with
// live Stripe.
import { randomBytes } from "node:crypto";

import Stripe from "stripe";

export type SimulatedOutcome = "succeeded" | "failed" | "refunded" | "disputed";

export interface SimulatedPayment {
  readonly paymentIntentId: string;
  readonly quoteId: string;
  readonly amountMinor: number;
  readonly currency: string;
  readonly metadata?: Readonly<Record<string, string>>;
}

function randomId(prefix: string): string {
  return `${prefix}_local_${randomBytes(12).toString("hex")}`;
}

/** A Stripe-format event for the payment, as Stripe would send it (API objects trimmed to the fields Mesi reads). */
export function buildEvent(
  payment: SimulatedPayment,
  outcome: SimulatedOutcome,
  options: { eventId?: string; createdSeconds?: number; partialRefundMinor?: number } = {},
): Record<string, unknown> {
  const created = options.createdSeconds ?? Math.floor(Date.now() / 1000);
  const metadata = { quoteId: payment.quoteId, ...payment.metadata };
  const chargeId = `ch_for_${payment.paymentIntentId}`;
  const base = {
    id: options.eventId ?? randomId("evt"),
    object: "event",
    api_version: "2025-01-01",
    created,
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
  };
  const intent = (status: string) => ({
    id: payment.paymentIntentId,
    object: "payment_intent",
    amount: payment.amountMinor,
    amount_received: status === "succeeded" ? payment.amountMinor : 0,
    currency: payment.currency,
    status,
    metadata,
    latest_charge: status === "succeeded" ? chargeId : null,
    created,
    livemode: false,
  });
  switch (outcome) {
    case "succeeded":
      return { ...base, type: "payment_intent.succeeded", data: { object: intent("succeeded") } };
    case "failed":
      return {
        ...base,
        type: "payment_intent.payment_failed",
        data: {
          object: {
            ...intent("requires_payment_method"),
            last_payment_error: { code: "card_declined", message: "Your card was declined." },
          },
        },
      };
    case "refunded": {
      const refunded = options.partialRefundMinor ?? payment.amountMinor;
      return {
        ...base,
        type: "charge.refunded",
        data: {
          object: {
            id: chargeId,
            object: "charge",
            amount: payment.amountMinor,
            amount_refunded: refunded,
            refunded: refunded >= payment.amountMinor,
            currency: payment.currency,
            payment_intent: payment.paymentIntentId,
            metadata,
            created,
          },
        },
      };
    }
    case "disputed":
      return {
        ...base,
        type: "charge.dispute.created",
        data: {
          object: {
            id: randomId("dp"),
            object: "dispute",
            amount: payment.amountMinor,
            currency: payment.currency,
            charge: chargeId,
            payment_intent: payment.paymentIntentId,
            reason: "fraudulent",
            status: "needs_response",
            created,
          },
        },
      };
  }
}

/** The body and Stripe-Signature header for an event, signed with `secret` at `timestampSeconds`. */
export function signEvent(
  event: unknown,
  secret: string,
  timestampSeconds?: number,
): { body: string; signature: string } {
  const body = JSON.stringify(event);
  const signature = Stripe.webhooks.generateTestHeaderString({
    payload: body,
    secret,
    ...(timestampSeconds === undefined ? {} : { timestamp: timestampSeconds }),
  });
  return { body, signature };
}

/** POSTs a signed event to a relayer's webhook endpoint; returns its status and JSON answer. */
export async function deliverEvent(
  webhookUrl: string,
  event: unknown,
  secret: string,
  options: { timestampSeconds?: number; signal?: AbortSignal } = {},
): Promise<{ status: number; body: unknown }> {
  const { body, signature } = signEvent(event, secret, options.timestampSeconds);
  const response = await fetch(webhookUrl, {
    method: "POST",
    headers: { "content-type": "application/json", "stripe-signature": signature },
    body,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // keep the text
  }
  return { status: response.status, body: parsed };
}
