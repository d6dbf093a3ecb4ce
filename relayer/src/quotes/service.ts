// Quotes and checkout: a quote fixes the $MESI amount, its fiat price at the
// current rate and an expiry, and opens a Stripe PaymentIntent carrying the
// quote in its metadata (with an idempotency key). For a ticket the seat is
// reserved first — checked against the sale's supply on-chain minus sold minus
// active reservations — so card buyers cannot oversell a limited sale; the seat
// is released when the payment fails or the quote expires.
import { randomUUID } from "node:crypto";

import type { Kysely } from "kysely";
import { zeroAddress, zeroHash, type Address, type Hex } from "viem";
import { z } from "zod";

import type { ChainClients } from "../chain/clients.ts";
import { ticketsAbi } from "../chain/contracts.ts";
import type { Clock } from "../clock.ts";
import type { RelayerConfig } from "../config.ts";
import { BadRequestError, RelayerError, UnavailableError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import { address, parseOrThrow } from "../sponsorship/requestSchemas.ts";
import type { Database } from "../store/schema.ts";
import type { Store } from "../store/store.ts";
import type { StripeGateway } from "../stripe/gateway.ts";
import { paymentRefOf } from "../stripe/webhook.ts";
import { formatMinor, minorUnitsOf } from "./currencies.ts";
import { fiatMinorFor } from "./pricing.ts";
import { lockHeldSeats, soldOutError } from "./seats.ts";
import { verifyQuoteSignature } from "./quoteSignature.ts";
import { simulateCardCredit } from "./simulateCredit.ts";

const uintString = z.string().regex(/^\d{1,78}$/, "must be a decimal string of base units (no sign, no decimal point)");

export const quoteRequestSchema = z
  .object({
    fan: address.describe("the paying fan's address"),
    creator: address.describe("the creator paid (a ticket: the sale's creator)"),
    purpose: z.enum(["tip", "ticket"]),
    mesiAmount: uintString.optional().describe("a tip's amount in $MESI base units (10^18 per MESI)"),
    streamId: uintString.optional().describe("a ticket's stream"),
    quantity: z.number().int().min(1).max(1000).optional().describe("tickets bought (default 1)"),
    channel: z
      .number()
      .int()
      .min(0)
      .max(3)
      .default(0)
      .describe("where the tip was made: 0 profile, 1 chat, 2 live stream, 3 tip link"),
    channelRef: z
      .string()
      .regex(/^0x[0-9a-fA-F]{64}$/, "must be 32 bytes of hex")
      .default(zeroHash)
      .describe("the stream id or tip-link id for channels 2 and 3, else zero (32 bytes)"),
    /** Unix seconds when the fan signed the request (see quoteSignature.ts). */
    issuedAt: z
      .string()
      .regex(/^\d{1,12}$/, "must be unix seconds as a decimal string")
      .optional(),
    /** The fan's EIP-712 signature of the request; required for a ticket (it holds seats), optional for a tip. */
    signature: z
      .string()
      .regex(/^0x([0-9a-fA-F]{2})+$/, "must be hex")
      .optional(),
  })
  .strict();

export type QuoteRequest = z.input<typeof quoteRequestSchema>;

export interface QuoteView {
  readonly quoteId: string;
  readonly status: string;
  readonly fan: string;
  readonly creator: string;
  readonly purpose: string;
  readonly mesiAmount: string;
  readonly amountMinor: number;
  readonly currency: string;
  readonly fiatPerMesi: string;
  readonly streamId: string | null;
  readonly quantity: number | null;
  readonly expiresAt: string;
  readonly paymentIntentId: string | null;
  readonly clientSecret: string | null;
  readonly paymentRef: string | null;
}

export interface QuoteServiceDeps {
  readonly config: RelayerConfig;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly store: Store;
  readonly chain: ChainClients;
  readonly gateway: StripeGateway;
}

/** Quotes stay reserved this long past their expiry, so a payment that succeeded just in time still finds its seat. */
const EXPIRY_GRACE_MS = 10 * 60_000;

export class QuoteService {
  readonly #deps: QuoteServiceDeps;
  readonly #log: Logger;

  constructor(deps: QuoteServiceDeps) {
    this.#deps = deps;
    this.#log = deps.logger.child({ component: "quotes" });
  }

  async create(body: unknown): Promise<QuoteView> {
    const request = parseOrThrow(quoteRequestSchema, body, "invalid_quote_request");
    const { config, clock, store } = this.#deps;
    if (request.fan === request.creator) throw new BadRequestError("self_payment", "a fan cannot pay themselves");
    if (request.fan === zeroAddress || request.creator === zeroAddress)
      throw new BadRequestError("zero_address", "fan and creator must not be the zero address");
    await this.#bindToFan(request);
    await this.#limitPerFan(request.fan);

    let mesiAmount: bigint;
    let creator = request.creator;
    let sale: { supply: number; sold: number } | undefined;
    if (request.purpose === "ticket") {
      if (request.streamId === undefined) throw new BadRequestError("stream_required", "a ticket quote needs streamId");
      const quantity = request.quantity ?? 1;
      const onChain = await this.#readSale(BigInt(request.streamId));
      if (onChain.creator === zeroAddress)
        throw new BadRequestError("no_sale", `stream ${request.streamId} has no ticket sale`, undefined, 404);
      if (onChain.closed)
        throw new BadRequestError(
          "sale_closed",
          `the ticket sale of stream ${request.streamId} is closed`,
          undefined,
          409,
        );
      if (onChain.endsAt !== 0 && onChain.endsAt * 1000 <= clock.now()) {
        throw new BadRequestError(
          "sale_ended",
          `the ticket sale of stream ${request.streamId} has ended`,
          undefined,
          409,
        );
      }
      if (onChain.creator.toLowerCase() !== creator) {
        throw new BadRequestError(
          "creator_mismatch",
          `stream ${request.streamId} belongs to ${onChain.creator}, not ${creator}`,
        );
      }
      creator = onChain.creator.toLowerCase() as Address;
      mesiAmount = onChain.price * BigInt(quantity);
      if (request.mesiAmount !== undefined && BigInt(request.mesiAmount) !== mesiAmount) {
        throw new BadRequestError(
          "amount_mismatch",
          `${quantity} ticket(s) cost ${mesiAmount} $MESI base units, not ${request.mesiAmount}`,
          undefined,
          422,
        );
      }
      sale = { supply: onChain.supply, sold: onChain.sold };
    } else {
      if (request.mesiAmount === undefined)
        throw new BadRequestError("amount_required", "a tip quote needs mesiAmount");
      mesiAmount = BigInt(request.mesiAmount);
      if (request.streamId !== undefined || request.quantity !== undefined) {
        throw new BadRequestError("unexpected_field", "streamId and quantity are only for ticket quotes");
      }
    }
    if (mesiAmount <= 0n) throw new BadRequestError("amount_zero", "mesiAmount must be greater than zero");

    const minor = fiatMinorFor(mesiAmount, config.pricing.fiatPerMesi, minorUnitsOf(config.stripe.currency));
    const { maxChargeMinor, minChargeMinor, currency } = config.stripe;
    if (minor > BigInt(maxChargeMinor)) {
      throw new BadRequestError(
        "amount_above_card_maximum",
        `${formatMinor(minor, currency)} is above the largest single card charge Stripe accepts (${formatMinor(BigInt(maxChargeMinor), currency)}); ` +
          "tip in several payments, or pay in $MESI or a stablecoin, which have no such limit",
        { amountMinor: minor.toString(), maxChargeMinor },
        422,
      );
    }
    if (minor < BigInt(minChargeMinor)) {
      throw new BadRequestError(
        "amount_below_card_minimum",
        `${formatMinor(minor, currency)} is below the smallest card charge (${formatMinor(BigInt(minChargeMinor), currency)})`,
        { amountMinor: minor.toString(), minChargeMinor },
        422,
      );
    }

    const now = clock.now();
    const quoteId = randomUUID();
    const expiresAt = now + config.pricing.quoteTtlSeconds * 1000;
    // Before anything is held or a PaymentIntent exists: would the contract take this credit?
    await simulateCardCredit(this.#deps.chain, {
      quoteId,
      fan: request.fan,
      creator,
      purpose: request.purpose,
      mesiAmount,
      channel: request.channel,
      channelRef: request.channelRef.toLowerCase() as Hex,
      streamId: request.streamId ?? null,
      quantity: request.purpose === "ticket" ? (request.quantity ?? 1) : null,
    });
    await store.transaction(async (trx) => {
      if (sale !== undefined)
        await this.#reserve(trx, request.streamId!, request.quantity ?? 1, sale, quoteId, expiresAt, now);
      await trx
        .insertInto("quotes")
        .values({
          id: quoteId,
          fan: request.fan,
          creator,
          purpose: request.purpose,
          mesi_amount: mesiAmount.toString(),
          amount_minor: Number(minor),
          currency,
          stream_id: request.streamId ?? null,
          quantity: request.purpose === "ticket" ? (request.quantity ?? 1) : null,
          channel: request.channel,
          channel_ref: request.channelRef.toLowerCase(),
          expires_at: expiresAt,
          payment_intent_id: null,
          client_secret: null,
          payment_ref: null,
          status: "open",
          created_at: now,
        })
        .execute();
    });

    let intentId: string;
    let clientSecret: string | null;
    try {
      const intent = await this.#deps.gateway.createPaymentIntent(
        {
          amountMinor: Number(minor),
          currency,
          metadata: { quoteId, purpose: request.purpose, fan: request.fan, creator, mesiAmount: mesiAmount.toString() },
          description: request.purpose === "ticket" ? `Mesi ticket(s) for stream ${request.streamId}` : "Mesi tip",
        },
        `mesi-quote-${quoteId}`,
      );
      intentId = intent.id;
      clientSecret = intent.clientSecret;
      await this.#deps.gateway.updatePaymentIntentMetadata(
        intent.id,
        { paymentRef: paymentRefOf(intent.id) },
        `mesi-quote-ref-${quoteId}`,
      );
    } catch (error) {
      await store.transaction(async (trx) => {
        await trx.updateTable("quotes").set({ status: "failed" }).where("id", "=", quoteId).execute();
        await trx
          .updateTable("ticket_reservations")
          .set({ status: "released" })
          .where("quote_id", "=", quoteId)
          .execute();
      });
      this.#log.error({ err: error, quoteId }, "could not create the PaymentIntent");
      throw new UnavailableError("the payment provider could not be reached; try again", { quoteId });
    }
    await store.db
      .updateTable("quotes")
      .set({ payment_intent_id: intentId, client_secret: clientSecret, payment_ref: paymentRefOf(intentId) })
      .where("id", "=", quoteId)
      .execute();
    return (await this.get(quoteId))!;
  }

  async get(quoteId: string): Promise<QuoteView | undefined> {
    const row = await this.#deps.store.db.selectFrom("quotes").selectAll().where("id", "=", quoteId).executeTakeFirst();
    if (row === undefined) return undefined;
    return {
      quoteId: row.id,
      status: row.status,
      fan: row.fan,
      creator: row.creator,
      purpose: row.purpose,
      mesiAmount: row.mesi_amount,
      amountMinor: Number(row.amount_minor),
      currency: row.currency,
      fiatPerMesi: this.#deps.config.pricing.fiatPerMesi.text,
      streamId: row.stream_id,
      quantity: row.quantity,
      expiresAt: new Date(Number(row.expires_at)).toISOString(),
      paymentIntentId: row.payment_intent_id,
      clientSecret: row.client_secret,
      paymentRef: row.payment_ref,
    };
  }

  /** A ticket quote holds seats: only the fan, by signature, may ask for one. A tip's signature is checked if sent. */
  async #bindToFan(request: z.output<typeof quoteRequestSchema>): Promise<void> {
    if (request.signature === undefined) {
      if (request.purpose === "ticket") {
        throw new BadRequestError(
          "quote_signature_required",
          "a ticket quote holds seats, so the fan signs the request: EIP-712 QuoteRequest (domain Mesi Relayer v1) " +
            "with issuedAt, sent as `signature` and `issuedAt`",
        );
      }
      return;
    }
    if (request.issuedAt === undefined)
      throw new BadRequestError("issued_at_required", "a signed quote request needs issuedAt (unix seconds)");
    await verifyQuoteSignature(
      this.#deps.chain,
      {
        fan: request.fan,
        creator: request.creator,
        purpose: request.purpose,
        mesiAmount: request.mesiAmount,
        streamId: request.streamId,
        quantity: request.quantity,
        channel: request.channel,
        channelRef: request.channelRef as Hex,
        issuedAt: request.issuedAt,
      },
      request.signature as Hex,
      this.#deps.clock.now(),
    );
  }

  /** Caps a fan's open quotes and the quotes a fan may ask for per minute (429). */
  async #limitPerFan(fan: string): Promise<void> {
    const { config, clock, store } = this.#deps;
    const now = clock.now();
    const open = await store.db
      .selectFrom("quotes")
      .select((eb) => eb.fn.countAll<number | string>().as("n"))
      .where("fan", "=", fan)
      .where("status", "=", "open")
      .where("expires_at", ">", now)
      .executeTakeFirstOrThrow();
    const recentMinute = await store.db
      .selectFrom("quotes")
      .select((eb) => eb.fn.countAll<number | string>().as("n"))
      .where("fan", "=", fan)
      .where("created_at", ">", now - 60_000)
      .executeTakeFirstOrThrow();
    if (Number(open.n) >= config.quotes.maxOpenPerFan) {
      throw new BadRequestError(
        "too_many_open_quotes",
        `this fan already has ${config.quotes.maxOpenPerFan} open quotes; pay or let one expire first`,
        { maxOpenPerFan: config.quotes.maxOpenPerFan },
        429,
      );
    }
    if (Number(recentMinute.n) >= config.quotes.perFanPerMinute) {
      throw new BadRequestError(
        "too_many_quotes",
        `this fan asked for ${config.quotes.perFanPerMinute} quotes in the last minute; try again shortly`,
        { perFanPerMinute: config.quotes.perFanPerMinute },
        429,
      );
    }
  }

  /**
   * The check the webapp asks for right before confirming the card: the quote is still open and the contract
   * would still take its credit. Throws 404, 409 or 422 (`would_revert`) otherwise.
   */
  async check(quoteId: string): Promise<{ quoteId: string; creditable: true }> {
    const row = await this.#deps.store.db.selectFrom("quotes").selectAll().where("id", "=", quoteId).executeTakeFirst();
    if (row === undefined) throw new BadRequestError("not_found", `no quote ${quoteId}`, undefined, 404);
    if (row.status !== "open")
      throw new BadRequestError("quote_not_open", `quote ${quoteId} is ${row.status}`, { status: row.status }, 409);
    if (Number(row.expires_at) <= this.#deps.clock.now())
      throw new BadRequestError("quote_expired", `quote ${quoteId} has expired; ask for a new quote`, undefined, 409);
    await simulateCardCredit(this.#deps.chain, {
      quoteId,
      fan: row.fan as Address,
      creator: row.creator as Address,
      purpose: row.purpose,
      mesiAmount: BigInt(row.mesi_amount),
      channel: Number(row.channel),
      channelRef: row.channel_ref as Hex,
      streamId: row.stream_id,
      quantity: row.quantity === null ? null : Number(row.quantity),
    });
    return { quoteId, creditable: true };
  }

  /** Expires open quotes past their time (plus a grace period) and releases their seats. */
  async expireStale(): Promise<number> {
    const { store, clock, gateway } = this.#deps;
    const cutoff = clock.now() - EXPIRY_GRACE_MS;
    const expired = await store.transaction(async (trx) => {
      const rows = await trx
        .selectFrom("quotes")
        .select(["id", "payment_intent_id"])
        .where("status", "in", ["open", "failed"])
        .where("expires_at", "<", cutoff)
        .limit(500)
        .execute();
      if (rows.length === 0) return rows;
      const ids = rows.map((row) => row.id);
      await trx.updateTable("quotes").set({ status: "expired" }).where("id", "in", ids).execute();
      await trx
        .updateTable("ticket_reservations")
        .set({ status: "released" })
        .where("quote_id", "in", ids)
        .where("status", "=", "active")
        .execute();
      return rows;
    });
    for (const row of expired) {
      if (row.payment_intent_id !== null) {
        await gateway.cancelPaymentIntent(row.payment_intent_id, `mesi-expire-${row.id}`).catch((error: unknown) => {
          this.#log.warn({ err: error, quoteId: row.id }, "could not cancel the PaymentIntent of an expired quote");
        });
      }
    }
    return expired.length;
  }

  async #readSale(streamId: bigint) {
    const { chain } = this.#deps;
    try {
      return await chain.publicClient.readContract({
        address: chain.addresses.tickets,
        abi: ticketsAbi,
        functionName: "saleOf",
        args: [streamId],
      });
    } catch (error) {
      if (error instanceof RelayerError) throw error;
      throw new UnavailableError("could not read the ticket sale from the chain; try again");
    }
  }

  async #reserve(
    trx: Kysely<Database>,
    streamId: string,
    quantity: number,
    sale: { supply: number; sold: number },
    quoteId: string,
    expiresAt: number,
    now: number,
  ): Promise<void> {
    // One writer per stream (see lockHeldSeats); seats held by gasless purchases count too.
    const held = await lockHeldSeats(trx, this.#deps.store.dialect, streamId);
    const remaining = sale.supply - sale.sold - held;
    if (quantity > remaining) throw soldOutError(streamId, remaining);
    await trx
      .insertInto("ticket_reservations")
      .values({
        quote_id: quoteId,
        stream_id: streamId,
        quantity,
        expires_at: expiresAt,
        status: "active",
        created_at: now,
      })
      .execute();
  }
}
