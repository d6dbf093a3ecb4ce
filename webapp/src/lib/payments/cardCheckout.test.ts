import { describe, expect, it } from "vitest";

import { ConfigError } from "$lib/config/errors";

import { cardCheckoutOf, paymentMethodsOf } from "./cardCheckout";

describe("cardCheckoutOf", () => {
  it("uses Stripe's Payment Element when a publishable key is set", () => {
    expect(cardCheckoutOf({ publishableKey: "pk_live_51Abc", devPayments: false })).toEqual({
      kind: "stripe",
      publishableKey: "pk_live_51Abc",
    });
  });

  it("keeps the test-card simulator for the embedded default (npm start: dev payments, no key)", () => {
    expect(cardCheckoutOf({ publishableKey: undefined, devPayments: true })).toEqual({ kind: "simulator" });
  });

  it("offers no card payments when neither is configured", () => {
    expect(cardCheckoutOf({ devPayments: false })).toEqual({ kind: "none" });
  });

  it("refuses a Stripe key beside the dev simulator, which the relayer refuses with real Stripe", () => {
    expect(() => cardCheckoutOf({ publishableKey: "pk_test_51Abc", devPayments: true })).toThrow(ConfigError);
  });
});

describe("paymentMethodsOf", () => {
  it("offers the card tab with Stripe or the simulator, and hides it when neither is configured", () => {
    expect(paymentMethodsOf({ kind: "stripe", publishableKey: "pk_live_51Abc" })).toContain("card");
    expect(paymentMethodsOf({ kind: "simulator" })).toContain("card");
    expect(paymentMethodsOf({ kind: "none" })).toEqual(["wallet", "gasless", "stablecoin"]);
  });
});
