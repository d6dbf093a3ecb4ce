// Stripe's Payment Element, mounted with the relayer's PaymentIntent client secret. Stripe.js is fetched from
// js.stripe.com only here, when a page in Stripe mode calls mountStripeCheckout: the `pure` entry does not add the
// script on import, and this module is itself imported lazily, so the simulator path never loads it.
import type { Stripe, StripeElements } from "@stripe/stripe-js";

import { CardPaymentError } from "$lib/errors/classes";

export interface StripeCheckout {
  /** Confirms the card payment; resolves once Stripe has taken it (or is processing it), throws CardPaymentError. */
  confirm(returnUrl: string): Promise<"succeeded" | "processing">;
  destroy(): void;
}

/** Reads the page's design tokens, so the card form (in Stripe's iframe) matches light and dark themes. */
function appearanceFromPage(): { theme: "stripe"; variables: Record<string, string> } {
  const css = getComputedStyle(document.documentElement);
  const token = (name: string, fallback: string): string => css.getPropertyValue(name).trim() || fallback;
  return {
    theme: "stripe",
    variables: {
      colorPrimary: token("--brand", "#6d28d9"),
      colorBackground: token("--surface", "#ffffff"),
      colorText: token("--text", "#17151f"),
      colorDanger: token("--danger", "#b42318"),
      borderRadius: token("--radius-md", "10px"),
      fontFamily: token("--font-sans", "system-ui, sans-serif"),
    },
  };
}

export async function mountStripeCheckout(
  target: HTMLElement,
  options: { readonly publishableKey: string; readonly clientSecret: string },
): Promise<StripeCheckout> {
  let stripe: Stripe | null;
  try {
    const { loadStripe } = await import("@stripe/stripe-js/pure");
    stripe = await loadStripe(options.publishableKey);
  } catch {
    stripe = null;
  }
  if (stripe === null) {
    throw new CardPaymentError("The card form could not load (Stripe is unreachable). Nothing was charged; try again.");
  }
  const elements: StripeElements = stripe.elements({
    clientSecret: options.clientSecret,
    appearance: appearanceFromPage(),
  });
  const payment = elements.create("payment", { layout: "tabs" });
  payment.mount(target);
  const ready = stripe;
  return {
    async confirm(returnUrl) {
      const result = await ready.confirmPayment({
        elements,
        confirmParams: { return_url: returnUrl },
        redirect: "if_required",
      });
      // Stripe's card and validation messages are written for the payer (Stripe's docs: show error.message).
      if (result.error) throw new CardPaymentError(result.error.message ?? "The card payment did not go through.");
      const status = result.paymentIntent.status;
      if (status === "succeeded" || status === "processing") return status;
      throw new CardPaymentError(`The card payment did not complete (${status}). Nothing was charged.`);
    },
    destroy() {
      payment.destroy();
    },
  };
}
