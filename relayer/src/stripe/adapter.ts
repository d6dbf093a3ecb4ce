// The real Stripe adapter, on the official SDK. Every API call carries an
// idempotency key so a retried request never creates a second PaymentIntent.
import Stripe from "stripe";

import {
  verifyStripeEvent,
  type CreatePaymentIntentParameters,
  type PaymentIntentSummary,
  type RefundSummary,
  type StripeGateway,
} from "./gateway.ts";

function summarize(intent: Stripe.PaymentIntent): PaymentIntentSummary {
  return {
    id: intent.id,
    clientSecret: intent.client_secret,
    amount: intent.amount,
    currency: intent.currency,
    status: intent.status,
    metadata: intent.metadata,
  };
}

export class StripeApiGateway implements StripeGateway {
  readonly mode = "live" as const;
  readonly #stripe: Stripe;

  constructor(
    secretKey: string,
    private readonly webhookSecret: string,
    private readonly toleranceSeconds: number,
    options: ConstructorParameters<typeof Stripe>[1] = {},
  ) {
    this.#stripe = new Stripe(secretKey, { maxNetworkRetries: 2, timeout: 10_000, ...options });
  }

  async createPaymentIntent(
    parameters: CreatePaymentIntentParameters,
    idempotencyKey: string,
  ): Promise<PaymentIntentSummary> {
    const intent = await this.#stripe.paymentIntents.create(
      {
        amount: parameters.amountMinor,
        currency: parameters.currency,
        metadata: { ...parameters.metadata },
        automatic_payment_methods: { enabled: true },
        ...(parameters.description === undefined ? {} : { description: parameters.description }),
      },
      { idempotencyKey },
    );
    return summarize(intent);
  }

  async updatePaymentIntentMetadata(
    id: string,
    metadata: Readonly<Record<string, string>>,
    idempotencyKey: string,
  ): Promise<void> {
    await this.#stripe.paymentIntents.update(id, { metadata: { ...metadata } }, { idempotencyKey });
  }

  async cancelPaymentIntent(id: string, idempotencyKey: string): Promise<void> {
    try {
      await this.#stripe.paymentIntents.cancel(id, {}, { idempotencyKey });
    } catch (error) {
      // Already succeeded or canceled: the webhook decides what happens next.
      if (error instanceof Stripe.errors.StripeInvalidRequestError) return;
      throw error;
    }
  }

  async refundPaymentIntent(id: string, idempotencyKey: string): Promise<RefundSummary> {
    try {
      const refund = await this.#stripe.refunds.create({ payment_intent: id }, { idempotencyKey });
      return { id: refund.id, alreadyRefunded: false };
    } catch (error) {
      if (error instanceof Stripe.errors.StripeInvalidRequestError && error.code === "charge_already_refunded") {
        return { id: null, alreadyRefunded: true };
      }
      throw error;
    }
  }

  constructEvent(rawBody: Buffer, signatureHeader: string | undefined): Stripe.Event {
    return verifyStripeEvent(rawBody, signatureHeader, this.webhookSecret, this.toleranceSeconds);
  }
}
