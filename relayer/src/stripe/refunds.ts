// Card payments the chain refused for good (the creator blocked the fan, the
// sale closed, the account is gone — anything the quote's simulation could not
// foresee) are refunded through Stripe, so a fan is never charged for nothing.
//
// The engine marks such a payment `refund_pending` in the same transaction that
// fails its outbox row; this pass (run by the relayer's maintenance loop) asks
// Stripe for the refund with an idempotency key derived from the payment, then
// records it. A crash between the two asks again with the same key and gets the
// same refund back, so a payment is refunded once.
import type { Logger } from "../logger.ts";
import type { Store } from "../store/store.ts";
import type { StripeGateway } from "./gateway.ts";

export function refundIdempotencyKey(paymentRef: string): string {
  return `mesi-refund-${paymentRef}`;
}

/** Refunds every `refund_pending` payment; returns how many were refunded. Errors are left for the next pass. */
export async function refundUncreditable(
  deps: { store: Store; gateway: StripeGateway; logger: Logger; now: () => number },
  limit = 100,
): Promise<number> {
  const log = deps.logger.child({ component: "refunds" });
  const pending = await deps.store.db
    .selectFrom("payments")
    .select(["payment_ref", "payment_intent_id", "reason"])
    .where("status", "=", "refund_pending")
    .limit(limit)
    .execute();
  let refunded = 0;
  for (const payment of pending) {
    let refund;
    try {
      refund = await deps.gateway.refundPaymentIntent(
        payment.payment_intent_id,
        refundIdempotencyKey(payment.payment_ref),
      );
    } catch (error) {
      log.warn(
        { err: error, paymentRef: payment.payment_ref },
        "could not refund a payment the chain refused; will retry",
      );
      continue;
    }
    const why = (payment.reason ?? "").replace(/^credit failed: /, "");
    const reason = refund.alreadyRefunded
      ? `the chain refused the credit (${why}); the payment was already refunded`
      : `refunded automatically: the chain refused the credit (${why})`;
    await deps.store.db
      .updateTable("payments")
      .set({ status: "refunded", reason, refund_id: refund.id, updated_at: deps.now() })
      .where("payment_ref", "=", payment.payment_ref)
      .where("status", "=", "refund_pending")
      .execute();
    refunded++;
    log.warn(
      { paymentRef: payment.payment_ref, refundId: refund.id, why },
      "refunded a card payment the chain refused",
    );
  }
  return refunded;
}
