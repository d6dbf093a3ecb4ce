// POST /webhooks/stripe. The signature is checked on the raw body first;
// nothing is stored for a forged, expired or unsigned request. A verified
// event is recorded and acted on in one database transaction (recordEvent.ts),
// run by the store as one job: on SQLite inside its worker thread in one
// message, so the acknowledgement never waits for round trips through a busy
// event loop. Chain work only goes into the outbox: the answer comes in
// milliseconds.
import type Stripe from "stripe";

import type { Clock } from "../clock.ts";
import type { CrashHook } from "../crashPoints.ts";
import type { RelayerConfig } from "../config.ts";
import type { Logger } from "../logger.ts";
import type { RelayerMetrics } from "../metrics.ts";
import { isTransientConflict, isUniqueViolation, type Store } from "../store/store.ts";
import { backoffDelay, sleep } from "../backoff.ts";
import { WebhookVerificationError, type StripeGateway } from "./gateway.ts";
import { recordStripeEvent, type Outcome } from "./recordEvent.ts";

export { paymentRefOf } from "./recordEvent.ts";

export interface WebhookResult {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

export interface WebhookDeps {
  readonly config: RelayerConfig;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly store: Store;
  readonly gateway: StripeGateway;
  readonly metrics: RelayerMetrics;
  readonly crashPoint?: CrashHook;
}

/** Tries of one event whose transaction conflicts with a concurrent one before answering 503. */
const WEBHOOK_CONFLICT_ATTEMPTS = 8;

export class StripeWebhookHandler {
  readonly #deps: WebhookDeps;
  readonly #log: Logger;

  constructor(deps: WebhookDeps) {
    this.#deps = deps;
    this.#log = deps.logger.child({ component: "stripeWebhook" });
  }

  async handle(rawBody: Buffer, signatureHeader: string | undefined): Promise<WebhookResult> {
    let event: Stripe.Event;
    try {
      event = this.#deps.gateway.constructEvent(rawBody, signatureHeader);
    } catch (error) {
      if (error instanceof WebhookVerificationError) {
        this.#deps.metrics.webhooks.inc({ type: "unverified", outcome: error.code });
        this.#log.warn({ code: error.code }, "webhook rejected");
        return { status: 400, body: { error: error.code, message: error.message } };
      }
      throw error;
    }

    const now = this.#deps.clock.now();
    let result: Outcome | undefined;
    // Only the event id's own conflict makes a duplicate. Any other conflict (the payment reference inserted by a
    // concurrent event for the same PaymentIntent, a serialization failure) means this transaction read a state
    // that another one changed: it was rolled back, so it runs again against the new state.
    for (let attempt = 1; result === undefined; attempt++) {
      try {
        const crashPoint = this.#deps.crashPoint;
        const recorded = await this.#deps.store.runJob(
          recordStripeEvent,
          { event, now },
          crashPoint === undefined ? undefined : { beforeCommit: () => crashPoint("webhook:before-commit") },
        );
        if ("duplicate" in recorded) {
          this.#deps.metrics.webhooks.inc({ type: event.type, outcome: "duplicate" });
          return { status: 200, body: { received: true, duplicate: true, eventId: event.id } };
        }
        result = recorded;
      } catch (error) {
        if (!isUniqueViolation(error) && !isTransientConflict(error)) throw error;
        if (attempt >= WEBHOOK_CONFLICT_ATTEMPTS) {
          // Not acknowledged: Stripe delivers the event again later.
          this.#deps.metrics.webhooks.inc({ type: event.type, outcome: "conflict" });
          this.#log.warn(
            { eventId: event.id, type: event.type, attempts: attempt },
            "webhook kept conflicting; not acknowledged",
          );
          return {
            status: 503,
            body: {
              error: "conflict_retry",
              message: "a concurrent event for the same payment kept conflicting; deliver again",
              eventId: event.id,
            },
          };
        }
        this.#log.debug(
          { eventId: event.id, attempt, err: error },
          "webhook conflicted with a concurrent event; retrying",
        );
        await sleep(backoffDelay(attempt, { baseMs: 5, maxMs: 200 }));
      }
    }
    this.#deps.crashPoint?.("webhook:after-commit");
    this.#deps.metrics.webhooks.inc({ type: event.type, outcome: result.outcome });
    const level = result.outcome === "rejected" || result.outcome === "flagged" ? "warn" : "debug";
    this.#log[level]({ eventId: event.id, type: event.type, ...result }, "webhook processed");
    return { status: 200, body: { received: true, eventId: event.id, ...result } };
  }
}
