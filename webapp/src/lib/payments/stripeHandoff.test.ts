// The relayer's quote answer as its README documents it (`POST /quotes` → 201 with the quote and its PaymentIntent's
// `clientSecret`; `GET /quotes/:id` the same view) and as relayer/src/quotes/service.ts builds it.
import { describe, expect, it } from "vitest";

import { CardPaymentError } from "$lib/errors/classes";
import type { QuoteView } from "$lib/relayer/client";

import { stripeHandoffOf } from "./stripeHandoff";

function relayerQuote(overrides: Partial<Record<keyof QuoteView, unknown>> = {}): Record<string, unknown> {
  return {
    quoteId: "q_01HZX3",
    status: "open",
    fan: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
    creator: "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
    purpose: "tip",
    mesiAmount: "100000000000000000000",
    amountMinor: 500,
    currency: "usd",
    fiatPerMesi: "0.05",
    streamId: null,
    quantity: null,
    expiresAt: "2026-12-08T01:00:00.000Z",
    // Stripe's documented PaymentIntent id and client secret formats.
    paymentIntentId: "pi_3MtwBwLkdIwHu7ix28a3tqPa",
    clientSecret: "pi_3MtwBwLkdIwHu7ix28a3tqPa_secret_YrKJUKribcBjcG8HVhfZluoGH",
    paymentRef: "0x1e0f3cfc8c1e2b0f4fbbcb06bb8f4d5a1b5a6f37f0fbd93b2c9f0ea56d14d3b1",
    ...overrides,
  };
}

describe("stripeHandoffOf", () => {
  it("hands the PaymentIntent's client secret to Stripe.js", () => {
    expect(stripeHandoffOf(relayerQuote())).toEqual({
      quoteId: "q_01HZX3",
      paymentIntentId: "pi_3MtwBwLkdIwHu7ix28a3tqPa",
      clientSecret: "pi_3MtwBwLkdIwHu7ix28a3tqPa_secret_YrKJUKribcBjcG8HVhfZluoGH",
      amountMinor: 500,
      currency: "usd",
    });
  });

  it("accepts the local Stripe stand-in's intents (pi_local_…_secret_local)", () => {
    const id = "pi_local_9f2c4a1b7e3d5f60a8b2c4d1";
    expect(
      stripeHandoffOf(relayerQuote({ paymentIntentId: id, clientSecret: `${id}_secret_local` })).clientSecret,
    ).toBe(`${id}_secret_local`);
  });

  it("refuses a client secret that belongs to another PaymentIntent", () => {
    expect(() =>
      stripeHandoffOf(relayerQuote({ clientSecret: "pi_3OtherIntent000000000000_secret_YrKJUKribcBjcG8HVhfZluoGH" })),
    ).toThrow(CardPaymentError);
  });

  it("refuses a quote without a PaymentIntent (not opened with Stripe)", () => {
    expect(() => stripeHandoffOf(relayerQuote({ paymentIntentId: null, clientSecret: null }))).toThrow(
      /did not open a card payment/,
    );
  });

  it("refuses a paid or expired quote instead of opening the card form again", () => {
    expect(() => stripeHandoffOf(relayerQuote({ status: "paid" }))).toThrow(/no longer open/);
  });

  it("refuses an answer in another shape (a secret key, a missing amount)", () => {
    expect(() => stripeHandoffOf(relayerQuote({ clientSecret: "sk_live_abc" }))).toThrow(CardPaymentError);
    expect(() => stripeHandoffOf(relayerQuote({ amountMinor: undefined }))).toThrow(/unexpected shape/);
    expect(() => stripeHandoffOf(null)).toThrow(/unexpected shape/);
  });
});
