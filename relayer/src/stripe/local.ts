// LOCAL DEVELOPMENT ONLY — the embedded stand-in for Stripe used by `npm start`.
// It creates PaymentIntent-shaped records in this process (ids `pi_local_…`) and
// reaches no network; nothing is charged. Payments are "made" with the payment
// simulator, which sends Stripe-format events signed with the local webhook
// secret through the real webhook path.
import { randomBytes } from "node:crypto";

import type Stripe from "stripe";

import {
  verifyStripeEvent,
  type CreatePaymentIntentParameters,
  type PaymentIntentSummary,
  type RefundSummary,
  type StripeGateway,
} from "./gateway.ts";

export class LocalStripeGateway implements StripeGateway {
  readonly mode = "local" as const;
  readonly #byKey = new Map<string, PaymentIntentSummary>();
  readonly #byId = new Map<string, PaymentIntentSummary>();
  readonly #refundsByKey = new Map<string, { id: string; paymentIntent: string }>();

  constructor(
    private readonly webhookSecret: string,
    private readonly toleranceSeconds: number,
  ) {}

  async createPaymentIntent(
    parameters: CreatePaymentIntentParameters,
    idempotencyKey: string,
  ): Promise<PaymentIntentSummary> {
    const existing = this.#byKey.get(idempotencyKey);
    if (existing !== undefined) return existing;
    const id = `pi_local_${randomBytes(12).toString("hex")}`;
    const intent: PaymentIntentSummary = {
      id,
      clientSecret: `${id}_secret_local`,
      amount: parameters.amountMinor,
      currency: parameters.currency,
      status: "requires_payment_method",
      metadata: { ...parameters.metadata },
    };
    this.#byKey.set(idempotencyKey, intent);
    this.#byId.set(id, intent);
    return intent;
  }

  async updatePaymentIntentMetadata(id: string, metadata: Readonly<Record<string, string>>): Promise<void> {
    const intent = this.#byId.get(id);
    if (intent === undefined) return;
    const updated = { ...intent, metadata: { ...intent.metadata, ...metadata } };
    this.#byId.set(id, updated);
  }

  async cancelPaymentIntent(id: string): Promise<void> {
    const intent = this.#byId.get(id);
    if (intent !== undefined) this.#byId.set(id, { ...intent, status: "canceled" });
  }

  async refundPaymentIntent(id: string, idempotencyKey: string): Promise<RefundSummary> {
    const existing = this.#refundsByKey.get(idempotencyKey);
    if (existing !== undefined) return { id: existing.id, alreadyRefunded: false };
    if (this.refundsOf(id).length > 0) return { id: null, alreadyRefunded: true };
    const refund = { id: `re_local_${randomBytes(12).toString("hex")}`, paymentIntent: id };
    this.#refundsByKey.set(idempotencyKey, refund);
    return { id: refund.id, alreadyRefunded: false };
  }

  /** The refunds made for a PaymentIntent (for tests and the local tools). */
  refundsOf(paymentIntentId: string): string[] {
    return [...this.#refundsByKey.values()].filter((r) => r.paymentIntent === paymentIntentId).map((r) => r.id);
  }

  constructEvent(rawBody: Buffer, signatureHeader: string | undefined): Stripe.Event {
    return verifyStripeEvent(rawBody, signatureHeader, this.webhookSecret, this.toleranceSeconds);
  }
}
