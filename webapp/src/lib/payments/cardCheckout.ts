// How a card payment is taken, decided once from configuration: Stripe's Payment Element when a publishable key is
// set (production, or Stripe's test mode), the clearly labelled test-card simulator when the local relayer's dev
// simulator is on (`npm start`, tests), otherwise no card payments at all.
import { ConfigError } from "$lib/config/errors";

export type CardCheckout =
  | { readonly kind: "stripe"; readonly publishableKey: string }
  | { readonly kind: "simulator" }
  | { readonly kind: "none" };

export interface CardCheckoutSettings {
  /** PUBLIC_STRIPE_PUBLISHABLE_KEY, when set (already checked to look like `pk_test_…`/`pk_live_…`). */
  readonly publishableKey?: string | undefined;
  /** PUBLIC_DEV_PAYMENTS. */
  readonly devPayments: boolean;
}

export function cardCheckoutOf(settings: CardCheckoutSettings): CardCheckout {
  const { publishableKey, devPayments } = settings;
  if (publishableKey !== undefined) {
    // The relayer refuses its simulator beside real Stripe; a page offering both would send fans to a dead end.
    if (devPayments) {
      throw new ConfigError(
        "PUBLIC_STRIPE_PUBLISHABLE_KEY and PUBLIC_DEV_PAYMENTS=true exclude each other: unset one of them",
      );
    }
    return { kind: "stripe", publishableKey };
  }
  return devPayments ? { kind: "simulator" } : { kind: "none" };
}

export type PaymentMethod = "wallet" | "gasless" | "stablecoin" | "card";

/** The payment tabs a tip or ticket form offers: card only where a card checkout is configured. */
export function paymentMethodsOf(checkout: CardCheckout): readonly PaymentMethod[] {
  return checkout.kind === "none" ? ["wallet", "gasless", "stablecoin"] : ["wallet", "gasless", "stablecoin", "card"];
}
