// The one interface the relayer uses to talk to Stripe. The real adapter calls
// the Stripe API through the official SDK; the local one (npm start) keeps
// PaymentIntents in this process and reaches no network. Both verify webhooks
// with the SDK's own `webhooks.constructEvent` on the raw body.
import Stripe from "stripe";

export interface PaymentIntentSummary {
  readonly id: string;
  readonly clientSecret: string | null;
  readonly amount: number;
  readonly currency: string;
  readonly status: string;
  readonly metadata: Readonly<Record<string, string>>;
}

export interface RefundSummary {
  /** Stripe's refund id (`re_…`); null when the payment had already been refunded in full elsewhere. */
  readonly id: string | null;
  readonly alreadyRefunded: boolean;
}

export interface CreatePaymentIntentParameters {
  readonly amountMinor: number;
  readonly currency: string;
  readonly metadata: Readonly<Record<string, string>>;
  readonly description?: string;
}

export interface StripeGateway {
  /** `live` talks to Stripe; `local` is the embedded stand-in. */
  readonly mode: "live" | "local";
  createPaymentIntent(parameters: CreatePaymentIntentParameters, idempotencyKey: string): Promise<PaymentIntentSummary>;
  updatePaymentIntentMetadata(
    id: string,
    metadata: Readonly<Record<string, string>>,
    idempotencyKey: string,
  ): Promise<void>;
  cancelPaymentIntent(id: string, idempotencyKey: string): Promise<void>;
  /**
   * Refunds a succeeded PaymentIntent in full. The same idempotency key returns the same refund; a payment
   * already refunded in full answers `alreadyRefunded` instead of failing.
   */
  refundPaymentIntent(id: string, idempotencyKey: string): Promise<RefundSummary>;
  /** Verifies the signature on the raw body and parses the event; throws {@link WebhookVerificationError}. */
  constructEvent(rawBody: Buffer, signatureHeader: string | undefined): Stripe.Event;
}

export type WebhookFailure =
  "missing_signature" | "invalid_signature" | "signature_expired" | "malformed_json" | "malformed_event";

export class WebhookVerificationError extends Error {
  override readonly name = "WebhookVerificationError";
  constructor(
    readonly code: WebhookFailure,
    message: string,
  ) {
    super(message);
  }
}

/** Shared by both gateways: Stripe's own verification (HMAC-SHA256 over `${t}.${rawBody}`, tolerance in seconds). */
export function verifyStripeEvent(
  rawBody: Buffer,
  signatureHeader: string | undefined,
  secret: string,
  toleranceSeconds: number,
): Stripe.Event {
  if (signatureHeader === undefined || signatureHeader.trim() === "") {
    throw new WebhookVerificationError("missing_signature", "missing Stripe-Signature header");
  }
  let event: Stripe.Event;
  try {
    event = Stripe.webhooks.constructEvent(rawBody, signatureHeader, secret, toleranceSeconds);
  } catch (error) {
    if (error instanceof SyntaxError) {
      throw new WebhookVerificationError("malformed_json", `signed body is not valid JSON: ${error.message}`);
    }
    const message = error instanceof Error ? error.message : String(error);
    if (/tolerance/i.test(message)) {
      throw new WebhookVerificationError(
        "signature_expired",
        `signature timestamp is outside the ${toleranceSeconds}s tolerance`,
      );
    }
    throw new WebhookVerificationError("invalid_signature", `signature verification failed: ${message.split("\n")[0]}`);
  }
  const shape = event as unknown as { id?: unknown; type?: unknown; data?: { object?: unknown } };
  if (
    typeof shape.id !== "string" ||
    typeof shape.type !== "string" ||
    typeof shape.data?.object !== "object" ||
    shape.data.object === null
  ) {
    throw new WebhookVerificationError("malformed_event", "event lacks id, type or data.object");
  }
  return event;
}
