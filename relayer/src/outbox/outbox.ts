// The durable outbox: every piece of chain work is a row, written in the same
// database transaction as the decision that caused it, and moved through
// queued → claimed → sent(tx, nonce) → confirmed | failed (or cancelled).
// Claims are exclusive: FOR UPDATE SKIP LOCKED on PostgreSQL, one atomic
// UPDATE under SQLite's single writer, so two instances never take one row.
import type { Kysely, Selectable } from "kysely";

import { addUsage, monthOf } from "../sponsorship/budget.ts";
import type { Database, OutboxKind, OutboxTable } from "../store/schema.ts";
import type { Store } from "../store/store.ts";

export type OutboxRow = Selectable<OutboxTable>;

export interface EnqueueParameters {
  readonly kind: OutboxKind;
  readonly dedupeKey: string;
  readonly paymentRef?: string | null;
  readonly payload: unknown;
  readonly now: number;
  readonly notBefore?: number;
  readonly sponsorFan?: string | null;
  readonly sponsorGas?: bigint | null;
  /**
   * A failed or cancelled row with the same kind and dedupe key does not block
   * this one: it is kept, under a retired key (`<key>#failed-<id>`). For
   * requests whose key the chain itself keeps from being done twice (a signed
   * nonce the caller has just seen unused on-chain), so that a request that
   * failed for good can be made again.
   */
  readonly replaceFailed?: boolean;
}

export function encodePayload(payload: unknown): string {
  return JSON.stringify(payload, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value));
}

/**
 * Inserts a row unless one with the same kind and dedupe key exists (see
 * `replaceFailed`). Returns whether it was inserted. With `replaceFailed`,
 * call inside a transaction.
 */
export async function enqueue(db: Kysely<Database>, parameters: EnqueueParameters): Promise<boolean> {
  if (parameters.replaceFailed === true) await retireFailed(db, parameters.kind, parameters.dedupeKey);
  const result = await db
    .insertInto("outbox")
    .values({
      kind: parameters.kind,
      dedupe_key: parameters.dedupeKey,
      payment_ref: parameters.paymentRef ?? null,
      payload: encodePayload(parameters.payload),
      state: "queued",
      claimed_by: null,
      claimed_at: null,
      tx_id: null,
      tx_hash: null,
      nonce: null,
      attempts: 0,
      not_before: parameters.notBefore ?? 0,
      last_error: null,
      sponsor_fan: parameters.sponsorFan ?? null,
      sponsor_gas: parameters.sponsorGas?.toString() ?? null,
      created_at: parameters.now,
      updated_at: parameters.now,
      confirmed_at: null,
    })
    .onConflict((conflict) => conflict.columns(["kind", "dedupe_key"]).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
}

/** Moves a failed or cancelled row out of the way of a new row with the same kind and dedupe key. */
async function retireFailed(db: Kysely<Database>, kind: OutboxKind, dedupeKey: string): Promise<void> {
  const finished = await db
    .selectFrom("outbox")
    .select("id")
    .where("kind", "=", kind)
    .where("dedupe_key", "=", dedupeKey)
    .where("state", "in", ["failed", "cancelled"])
    .executeTakeFirst();
  if (finished === undefined) return;
  await db
    .updateTable("outbox")
    .set({ dedupe_key: `${dedupeKey}#failed-${finished.id}` })
    .where("id", "=", finished.id)
    .where("dedupe_key", "=", dedupeKey)
    .execute();
}

export interface ClaimParameters {
  readonly instanceId: string;
  readonly kinds: readonly OutboxKind[];
  readonly limit: number;
  readonly now: number;
}

/** Atomically takes up to `limit` queued rows of the given kinds for this instance, oldest first. */
export async function claim(store: Store, parameters: ClaimParameters): Promise<OutboxRow[]> {
  const { instanceId, kinds, limit, now } = parameters;
  if (kinds.length === 0 || limit <= 0) return [];
  return await store.transaction(async (trx) => {
    let candidates = trx
      .selectFrom("outbox")
      .select("id")
      .where("state", "=", "queued")
      .where("kind", "in", [...kinds])
      .where("not_before", "<=", now)
      .orderBy("id")
      .limit(limit);
    if (store.dialect === "postgres") candidates = candidates.forUpdate().skipLocked();
    // The ids are read first, then updated: as a subquery (`id in (select … limit n for update skip locked)`)
    // PostgreSQL claimed more than `limit` rows (14 credits in a batch of at most 8; eight reversals for a
    // one-row kind, all booked reversed while only the first went on-chain: test/chaos.test.ts on PostgreSQL).
    const ids = (await candidates.execute()).map((row) => row.id);
    if (ids.length === 0) return [];
    const rows = await trx
      .updateTable("outbox")
      .set({ state: "claimed", claimed_by: instanceId, claimed_at: now, updated_at: now })
      .where("id", "in", ids)
      .where("state", "=", "queued")
      .returningAll()
      .execute();
    return rows.sort((a, b) => a.id - b.id);
  });
}

/** Number of queued rows of `kind` and the creation time of the oldest (for the batch wait). */
export async function queuedSummary(
  db: Kysely<Database>,
  kind: OutboxKind,
  now: number,
): Promise<{ count: number; oldest: number | null }> {
  const row = await db
    .selectFrom("outbox")
    .select((eb) => [eb.fn.countAll<number | string>().as("count"), eb.fn.min("created_at").as("oldest")])
    .where("state", "=", "queued")
    .where("kind", "=", kind)
    .where("not_before", "<=", now)
    .executeTakeFirstOrThrow();
  return { count: Number(row.count), oldest: row.oldest === null ? null : Number(row.oldest) };
}

export async function requeue(
  db: Kysely<Database>,
  ids: readonly number[],
  parameters: { now: number; error?: string; notBefore?: number; countAttempt?: boolean; onlyIfClaimedBy?: string },
): Promise<void> {
  if (ids.length === 0) return;
  let query = db
    .updateTable("outbox")
    .set((eb) => ({
      state: "queued",
      claimed_by: null,
      claimed_at: null,
      tx_id: null,
      tx_hash: null,
      nonce: null,
      not_before: parameters.notBefore ?? 0,
      last_error: parameters.error ?? null,
      updated_at: parameters.now,
      attempts: parameters.countAttempt === false ? eb.ref("attempts") : eb("attempts", "+", 1),
    }))
    .where("id", "in", [...ids]);
  if (parameters.onlyIfClaimedBy !== undefined)
    query = query.where("state", "=", "claimed").where("claimed_by", "=", parameters.onlyIfClaimedBy);
  await query.execute();
}

/**
 * Marks rows failed for good. A sponsored row (a gasless request) that failed
 * did nothing for its fan: the gas reserved for it goes back to the fan's
 * month. Call inside a transaction.
 */
export async function markFailed(
  db: Kysely<Database>,
  ids: readonly number[],
  error: string,
  now: number,
): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable("outbox")
    .set({ state: "failed", last_error: error, updated_at: now })
    .where("id", "in", [...ids])
    .execute();
  await returnSponsorship(db, ids);
}

/**
 * Gives the gas reserved for sponsored rows back to their fans' months (the
 * month the reservation was taken from). The row's reservation is zeroed in
 * the same step, guarded by its old value, so a row is refunded once however
 * often it is marked failed.
 */
async function returnSponsorship(db: Kysely<Database>, ids: readonly number[]): Promise<void> {
  const rows = await db
    .selectFrom("outbox")
    .select(["id", "sponsor_fan", "sponsor_gas", "created_at"])
    .where("id", "in", [...ids])
    .where("sponsor_fan", "is not", null)
    .execute();
  for (const row of rows) {
    const reserved = BigInt(row.sponsor_gas ?? "0");
    if (row.sponsor_fan === null || reserved === 0n) continue;
    const zeroed = await db
      .updateTable("outbox")
      .set({ sponsor_gas: "0" })
      .where("id", "=", row.id)
      .where("sponsor_gas", "=", row.sponsor_gas)
      .executeTakeFirst();
    if (Number(zeroed.numUpdatedRows) === 0) continue;
    await addUsage(db, row.sponsor_fan, monthOf(row.created_at), -reserved, 0n);
  }
}

export async function markConfirmed(
  db: Kysely<Database>,
  ids: readonly number[],
  parameters: { now: number; note?: string },
): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable("outbox")
    .set({
      state: "confirmed",
      confirmed_at: parameters.now,
      updated_at: parameters.now,
      last_error: parameters.note ?? null,
    })
    .where("id", "in", [...ids])
    .where("state", "!=", "confirmed")
    .execute();
}

/** Cancels a queued (not yet claimed) row; returns whether it was still queued. */
export async function cancelQueued(
  db: Kysely<Database>,
  kind: OutboxKind,
  dedupeKey: string,
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable("outbox")
    .set({ state: "cancelled", updated_at: now, last_error: "cancelled before sending" })
    .where("kind", "=", kind)
    .where("dedupe_key", "=", dedupeKey)
    .where("state", "=", "queued")
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * Hands back rows this instance claimed but never attached to a transaction
 * (it died between the claim and the send), and rows another instance
 * claimed more than `leaseMs` ago without sending.
 */
export async function releaseAbandonedClaims(
  db: Kysely<Database>,
  parameters: { instanceId?: string; now: number; leaseMs: number },
): Promise<number> {
  const { instanceId } = parameters;
  const result = await db
    .updateTable("outbox")
    .set({ state: "queued", claimed_by: null, claimed_at: null, updated_at: parameters.now })
    .where("state", "=", "claimed")
    .where((eb) =>
      instanceId === undefined
        ? eb("claimed_at", "<", parameters.now - parameters.leaseMs)
        : eb.or([eb("claimed_by", "=", instanceId), eb("claimed_at", "<", parameters.now - parameters.leaseMs)]),
    )
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function depthByState(
  db: Kysely<Database>,
): Promise<Array<{ kind: string; state: string; count: number }>> {
  const rows = await db
    .selectFrom("outbox")
    .select(["kind", "state", (eb) => eb.fn.countAll<number | string>().as("count")])
    .where("state", "in", ["queued", "claimed", "sent"])
    .groupBy(["kind", "state"])
    .execute();
  return rows.map((row) => ({ kind: row.kind, state: row.state, count: Number(row.count) }));
}

export function parsePayload<T>(row: Pick<OutboxRow, "payload">): T {
  return JSON.parse(row.payload) as T;
}
