// The operator's way back after a fix (float topped up, a creator unblocked, a
// node fixed): card credits and card ticket purchases that failed for good are
// queued again, and their payments go back from `flagged` to `credit_queued`.
//
// Idempotent: only rows still `failed` whose payment is still `flagged` are
// taken, in one transaction, so a second run finds nothing. A payment refunded,
// partially refunded or disputed (any such webhook recorded for it) is never
// requeued: crediting it would pay out money the fan got back. The contract
// refuses a used reference, so even a mistaken requeue cannot credit twice.
import type { Logger } from "../logger.ts";
import type { OutboxKind } from "../store/schema.ts";
import type { Store } from "../store/store.ts";

const REQUEUEABLE: readonly OutboxKind[] = ["credit", "ticket"];
const REVERSING_EVENTS = ["charge.refunded", "charge.dispute.created"];

export interface RequeueOptions {
  /** Only these payment references; all failed card rows when absent. */
  readonly paymentRefs?: readonly string[];
  /** Who asked (recorded in the log and on the rows). */
  readonly operator: string;
  readonly now: number;
  /** Report what would be requeued, change nothing. */
  readonly dryRun?: boolean;
}

export interface RequeueResult {
  readonly requeued: ReadonlyArray<{ id: number; kind: OutboxKind; paymentRef: string; lastError: string | null }>;
  readonly skipped: ReadonlyArray<{ paymentRef: string; reason: string }>;
}

export async function requeueFailed(store: Store, logger: Logger, options: RequeueOptions): Promise<RequeueResult> {
  const log = logger.child({ component: "requeue", operator: options.operator });
  const result = await store.transaction(async (trx) => {
    let query = trx
      .selectFrom("outbox")
      .innerJoin("payments", "payments.payment_ref", "outbox.payment_ref")
      .select([
        "outbox.id",
        "outbox.kind",
        "outbox.payment_ref",
        "outbox.last_error",
        "outbox.dedupe_key",
        "payments.status",
      ])
      .where("outbox.state", "=", "failed")
      .where("outbox.kind", "in", [...REQUEUEABLE])
      .orderBy("outbox.id");
    if (options.paymentRefs !== undefined) {
      if (options.paymentRefs.length === 0) return { requeued: [], skipped: [] };
      query = query.where(
        "outbox.payment_ref",
        "in",
        options.paymentRefs.map((ref) => ref.toLowerCase()),
      );
    }
    const candidates = await query.execute();
    const requeued: Array<RequeueResult["requeued"][number]> = [];
    const skipped: Array<RequeueResult["skipped"][number]> = [];
    for (const row of candidates) {
      const paymentRef = row.payment_ref!;
      if (row.status !== "flagged") {
        skipped.push({ paymentRef, reason: `payment is ${row.status}` });
        continue;
      }
      // A failed row retired under `<ref>#failed-<id>` has a newer row for the same payment: leave it.
      if (row.dedupe_key !== paymentRef) {
        skipped.push({ paymentRef, reason: "a newer row exists for this payment" });
        continue;
      }
      const reversed = await trx
        .selectFrom("webhook_events")
        .select("event_id")
        .where("payment_ref", "=", paymentRef)
        .where("type", "in", REVERSING_EVENTS)
        .executeTakeFirst();
      if (reversed !== undefined) {
        skipped.push({ paymentRef, reason: `refunded or disputed (event ${reversed.event_id})` });
        continue;
      }
      requeued.push({ id: row.id, kind: row.kind, paymentRef, lastError: row.last_error });
    }
    if (options.dryRun === true) return { requeued, skipped };
    for (const row of requeued) {
      const moved = await trx
        .updateTable("outbox")
        .set({
          state: "queued",
          attempts: 0,
          not_before: 0,
          claimed_by: null,
          claimed_at: null,
          tx_id: null,
          tx_hash: null,
          nonce: null,
          last_error: `requeued by ${options.operator} after: ${row.lastError ?? "unknown error"}`,
          updated_at: options.now,
        })
        .where("id", "=", row.id)
        .where("state", "=", "failed")
        .executeTakeFirst();
      if (Number(moved.numUpdatedRows) !== 1) throw new Error(`outbox row ${row.id} changed while requeueing`);
      await trx
        .updateTable("payments")
        .set({ status: "credit_queued", reason: `requeued by ${options.operator}`, updated_at: options.now })
        .where("payment_ref", "=", row.paymentRef)
        .where("status", "=", "flagged")
        .execute();
    }
    return { requeued, skipped };
  });
  for (const row of result.requeued) {
    log.warn(
      {
        outboxId: row.id,
        kind: row.kind,
        paymentRef: row.paymentRef,
        lastError: row.lastError,
        dryRun: options.dryRun === true,
      },
      options.dryRun === true ? "would requeue a failed row" : "requeued a failed row",
    );
  }
  for (const row of result.skipped) log.info({ paymentRef: row.paymentRef, reason: row.reason }, "not requeued");
  return result;
}
