// What a check of outbox rows against the chain decided, written to the store:
// rows already done on-chain are confirmed, rows that can never succeed fail
// (and their payments say why), rows out of attempts fail for a person to look
// at, the rest go back to the queue (with backoff, or after a set wait). Used
// before a send, after a revert or a drop, and when taking over another
// wallet's rows.
import { backoffDelay } from "../backoff.ts";
import type { Logger } from "../logger.ts";
import { operations, type Operation, type OperationContext, type Verdicts } from "../outbox/operations.ts";
import { markConfirmed, markFailed, requeue, type OutboxRow } from "../outbox/outbox.ts";
import type { OutboxKind } from "../store/schema.ts";
import type { TxEngineDeps } from "./txEngine.ts";

export class RowVerdicts {
  readonly #deps: TxEngineDeps;
  readonly #log: Logger;
  readonly #context: OperationContext;

  constructor(deps: TxEngineDeps, log: Logger, context: OperationContext) {
    this.#deps = deps;
    this.#log = log;
    this.#context = context;
  }

  /** After a revert or a drop: rows already done on-chain are confirmed, the rest go back to the queue. */
  async settleAgainstChain(kind: OutboxKind, rows: OutboxRow[], why: string): Promise<void> {
    if (rows.length === 0) return;
    const verdicts = await operations[kind].check(this.#context, rows, this.#deps.store.db);
    await this.apply(operations[kind], verdicts, { requeueReady: true, why });
  }

  async apply(
    operation: Operation,
    verdicts: Verdicts,
    options: { requeueReady: boolean; why: string },
  ): Promise<void> {
    const { store, clock, metrics, config } = this.#deps;
    const now = clock.now();
    const exhausted = options.requeueReady
      ? verdicts.ready.filter((row) => row.attempts + 1 >= config.tx.maxAttempts)
      : [];
    const retry = options.requeueReady ? verdicts.ready.filter((row) => row.attempts + 1 < config.tx.maxAttempts) : [];
    await store.transaction(async (trx) => {
      if (verdicts.done.length > 0) {
        const rows = verdicts.done.map((entry) => entry.row);
        await markConfirmed(
          trx,
          rows.map((row) => row.id),
          { now, note: verdicts.done[0]!.note },
        );
        await operation.confirmed(trx, rows, now);
      }
      for (const entry of verdicts.failed) {
        await markFailed(trx, [entry.row.id], entry.error, now);
        await operation.failed(trx, [entry.row], entry.error, now, entry.permanent !== false);
      }
      if (exhausted.length > 0) {
        const error = `gave up after ${config.tx.maxAttempts} attempts (${options.why})`;
        await markFailed(
          trx,
          exhausted.map((row) => row.id),
          error,
          now,
        );
        await operation.failed(trx, exhausted, error, now, false);
      }
      await requeue(
        trx,
        retry.map((row) => row.id),
        {
          now,
          error: options.why,
          notBefore: now + backoffDelay(retry[0]?.attempts ?? 0, { baseMs: 250, maxMs: 30_000 }),
        },
      );
      for (const entry of verdicts.wait) {
        await requeue(trx, [entry.row.id], {
          now,
          error: entry.reason,
          notBefore: now + entry.delayMs,
          countAttempt: false,
        });
      }
    });
    if (verdicts.done.length > 0) {
      metrics.creditsConfirmed.inc({ kind: operation.kind }, verdicts.done.length);
      for (const { row } of verdicts.done)
        metrics.confirmationLatency.observe({ kind: operation.kind }, (now - row.created_at) / 1000);
    }
    for (const entry of verdicts.failed) {
      this.#log.error(
        { kind: operation.kind, ref: entry.row.payment_ref, error: entry.error },
        "outbox row failed for good",
      );
    }
  }
}
