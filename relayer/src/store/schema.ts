// Row types of the relayer's store, as Kysely sees them. Amounts are decimal
// strings of base units (exact on both dialects); times are epoch milliseconds.
import type { Generated } from "kysely";

export type Purpose = "tip" | "ticket";

export type QuoteStatus = "open" | "paid" | "expired" | "failed" | "rejected";

export interface QuotesTable {
  id: string;
  fan: string;
  creator: string;
  purpose: Purpose;
  mesi_amount: string;
  amount_minor: number;
  currency: string;
  stream_id: string | null;
  quantity: number | null;
  channel: number;
  channel_ref: string;
  expires_at: number;
  payment_intent_id: string | null;
  client_secret: string | null;
  payment_ref: string | null;
  status: QuoteStatus;
  created_at: number;
}

export type ReservationStatus = "active" | "consumed" | "released";

/** Seats held by payments in progress (see quotes/seats.ts). */
export interface TicketReservationsTable {
  /** The card quote's id, or `relay:<outbox id>` for a gasless purchase (outbox kind ticketBySig). */
  quote_id: string;
  stream_id: string;
  quantity: number;
  expires_at: number;
  status: ReservationStatus;
  created_at: number;
}

/**
 * - credit_queued: an outbox credit exists; credited once it confirms.
 * - credited: the credit is on-chain.
 * - rejected: never credited (amount/currency mismatch, expired quote, sold out…).
 * - refunded: refunded or disputed before any credit: never credited.
 * - reversal_queued / reversed: reversed on-chain during the hold.
 * - refund_pending: the chain refused the credit for good; the relayer refunds the card (stripe/refunds.ts).
 * - flagged: refunded or disputed after the hold (or partially), or a credit that gave up: needs a person.
 */
export type PaymentStatus =
  | "credit_queued"
  | "credited"
  | "rejected"
  | "refunded"
  | "refund_pending"
  | "reversal_queued"
  | "reversed"
  | "flagged";

export interface PaymentsTable {
  payment_ref: string;
  payment_intent_id: string;
  quote_id: string | null;
  fan: string | null;
  creator: string | null;
  purpose: Purpose | null;
  mesi_amount: string | null;
  amount_minor: number | null;
  currency: string | null;
  stream_id: string | null;
  quantity: number | null;
  status: PaymentStatus;
  reason: string | null;
  /** The Stripe refund issued by the relayer, once it refunded a payment the chain refused. */
  refund_id: string | null;
  created_at: number;
  updated_at: number;
}

export interface WebhookEventsTable {
  event_id: string;
  type: string;
  payment_ref: string | null;
  outcome: string;
  received_at: number;
}

export type OutboxKind = "credit" | "ticket" | "reverse" | "settle" | "tipBySig" | "stablecoinTip" | "ticketBySig";
export type OutboxState = "queued" | "claimed" | "sent" | "confirmed" | "failed" | "cancelled";

export interface OutboxTable {
  id: Generated<number>;
  kind: OutboxKind;
  /** With `kind`, unique: a payment ref, or a fan's signed nonce. */
  dedupe_key: string;
  payment_ref: string | null;
  /** JSON of the operation's arguments (bigints as strings). */
  payload: string;
  state: OutboxState;
  claimed_by: string | null;
  claimed_at: number | null;
  tx_id: number | null;
  tx_hash: string | null;
  nonce: number | null;
  attempts: number;
  not_before: number;
  last_error: string | null;
  /** Fan whose gas sponsorship pays for this row (gasless tips and tickets), and the gas reserved for it. */
  sponsor_fan: string | null;
  sponsor_gas: string | null;
  created_at: number;
  updated_at: number;
  confirmed_at: number | null;
}

/**
 * pending → mined → confirmed (at the confirmation depth; its rows are done) → final (its block is final). A
 * confirmed transaction a reorg removes goes back to pending, and its rows back to sent.
 */
export type TxState = "pending" | "mined" | "confirmed" | "final" | "reverted" | "dropped";

export interface TransactionsTable {
  id: Generated<number>;
  instance_id: string;
  sender: string;
  nonce: number;
  kind: OutboxKind;
  to_address: string;
  data: string;
  gas_limit: string;
  max_fee: string;
  max_priority_fee: string;
  /** The latest signed transaction (replacements overwrite it). */
  raw: string;
  /** JSON array of every hash sent at this nonce (original and replacements). */
  hashes: string;
  state: TxState;
  first_sent_at: number;
  last_sent_at: number;
  mined_hash: string | null;
  mined_block: number | null;
  mined_block_hash: string | null;
  gas_used: string | null;
  effective_gas_price: string | null;
  created_at: number;
}

export interface SponsorshipUsageTable {
  fan: string;
  month: string;
  gas: string;
  wei: string;
}

export interface Database {
  quotes: QuotesTable;
  ticket_reservations: TicketReservationsTable;
  payments: PaymentsTable;
  webhook_events: WebhookEventsTable;
  outbox: OutboxTable;
  transactions: TransactionsTable;
  sponsorship_usage: SponsorshipUsageTable;
}
