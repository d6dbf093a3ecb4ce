// The hand-off from the relayer's quote (`POST /quotes` → 201, `GET /quotes/:id`) to Stripe.js: the PaymentIntent's
// client secret, checked before it reaches Stripe so that a relayer answering in another shape fails with a clear
// sentence on our page instead of an opaque Stripe.js error.
import { z } from "zod";

import { CardPaymentError } from "$lib/errors/classes";

/** Stripe's client secret: `<PaymentIntent id>_secret_<random>` (the id itself is `pi_…`). */
const CLIENT_SECRET = /^(pi_[A-Za-z0-9_]+?)_secret_[A-Za-z0-9]+$/;

const quoteWithIntent = z.object({
  quoteId: z.string().min(1),
  status: z.string(),
  amountMinor: z.number().int().positive(),
  currency: z.string().regex(/^[a-z]{3}$/i),
  paymentIntentId: z.string().startsWith("pi_").nullable(),
  clientSecret: z.string().nullable(),
});

export interface StripeHandoff {
  readonly quoteId: string;
  readonly paymentIntentId: string;
  readonly clientSecret: string;
  readonly amountMinor: number;
  readonly currency: string;
}

/** The client secret Stripe.js mounts the Payment Element with, from the relayer's quote; throws CardPaymentError. */
export function stripeHandoffOf(quote: unknown): StripeHandoff {
  const parsed = quoteWithIntent.safeParse(quote);
  if (!parsed.success) {
    throw new CardPaymentError(
      "The payment service answered in an unexpected shape, so the card form can't open. Nothing was charged.",
    );
  }
  const { quoteId, status, amountMinor, currency, paymentIntentId, clientSecret } = parsed.data;
  if (status !== "open") {
    throw new CardPaymentError("This price is no longer open for payment. Go back and start again for a fresh price.");
  }
  const match = clientSecret === null ? null : CLIENT_SECRET.exec(clientSecret);
  if (paymentIntentId === null || clientSecret === null || match === null || match[1] !== paymentIntentId) {
    throw new CardPaymentError("The payment service did not open a card payment for this price. Nothing was charged.");
  }
  return { quoteId, paymentIntentId, clientSecret, amountMinor, currency: currency.toLowerCase() };
}
