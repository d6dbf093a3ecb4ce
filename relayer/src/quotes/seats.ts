// Ticket seats held by payments still in progress — card quotes awaiting
// their payment, gasless purchases queued for the chain — so that neither
// path sells a seat the other has promised. A seat is held by one
// `ticket_reservations` row while `active`; it is `consumed` once the sale is
// on-chain and `released` when the payment fails or expires.
import { sql, type Kysely } from "kysely";

import { BadRequestError } from "../errors.ts";
import type { Database } from "../store/schema.ts";
import type { Store } from "../store/store.ts";

/**
 * Seats of `streamId` held by active reservations. Call inside the transaction
 * that then reserves: on PostgreSQL this takes an advisory lock keyed by the
 * stream, which serialises reservations of one stream until the transaction
 * ends (SQLite's single writer already does).
 */
export async function lockHeldSeats(
  trx: Kysely<Database>,
  dialect: Store["dialect"],
  streamId: string,
): Promise<number> {
  if (dialect === "postgres") {
    await sql`select pg_advisory_xact_lock(hashtext(${`mesi-tickets-${streamId}`}))`.execute(trx);
  }
  const held = await trx
    .selectFrom("ticket_reservations")
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number | string>("quantity"), sql<number>`0`).as("quantity"))
    .where("stream_id", "=", streamId)
    .where("status", "=", "active")
    .executeTakeFirstOrThrow();
  return Number(held.quantity);
}

/** 409 `sold_out`: fewer than the asked-for seats are left (sold, or held by payments in progress). */
export function soldOutError(streamId: bigint | string, available: number): BadRequestError {
  return new BadRequestError(
    "sold_out",
    available <= 0
      ? `stream ${streamId} is sold out (all seats sold or held by payments in progress)`
      : `only ${available} ticket(s) left for stream ${streamId}`,
    { remaining: Math.max(0, available) },
    409,
  );
}
