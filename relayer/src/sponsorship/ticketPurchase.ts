// What every gasless ticket purchase (in $MESI, ticketBySig.ts; in a
// stablecoin, stablecoinTicket.ts) checks and does the same way: the fan's
// ticket nonce (one sequence for both, as MesiTickets keeps it), the EIP-712
// signature over the MesiTickets domain, the sale as MesiTickets will judge
// it, and the last step (submitTicketOrder): the simulation, then the queueing
// that holds the seats until the purchase is on-chain or has failed. Both
// kinds share the outbox kind `ticketBySig` and its dedupe key
// `<fan>:<nonce>`: one nonce can be queued once, whichever currency pays.
import { zeroAddress, type Address, type Hex } from "viem";
import { z } from "zod";

import { ticketsAbi, vaultAbi } from "../chain/contracts.ts";
import { BadRequestError, RelayerError } from "../errors.ts";
import { gaslessSeatsId, type TicketBySigPayload, type TicketPriceBoundPayload } from "../outbox/operations.ts";
import { lockHeldSeats, soldOutError } from "../quotes/seats.ts";
import {
  NO_PERMIT,
  permitPayload,
  queueSponsored,
  simulateSponsored,
  type GaslessDeps,
  type RelayAccepted,
} from "./sponsoredQueue.ts";
import { requireNextNonce } from "./nextNonce.ts";
import { address, permitSchema, uint, walletSignatureHex, type Permit } from "./requestSchemas.ts";
import { isSignedBy } from "./typedSignature.ts";

/** What both ticket authorizations carry. */
export interface TicketOrder {
  readonly fan: Address;
  readonly streamId: bigint;
  readonly quantity: number;
  readonly nonce: bigint;
  readonly deadline: bigint;
}

/** The request fields every ticket order has; each kind adds its price bound (and currency) to `auth`. */
export const ticketOrderFields = {
  fan: address,
  streamId: uint,
  quantity: z
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1),
  nonce: uint,
  deadline: uint,
} as const;

/** A ticket request body: `auth` (the order's fields and `price`, the kind's own), the signature, a permit. */
export function ticketRequestSchemaWith<const Price extends z.ZodRawShape>(price: Price) {
  return z
    .object({
      auth: z.object({ ...ticketOrderFields, ...price }).strict(),
      signature: walletSignatureHex,
      permit: permitSchema.optional(),
    })
    .strict();
}

/** The request's permit, unless it has none or one of value 0 ("no permit", as the contract reads it). */
export function givenPermit(permit: Permit | undefined): Permit | undefined {
  return permit !== undefined && permit.value !== 0n ? permit : undefined;
}

/** The sale of a stream as MesiTickets.saleOf returns it. */
export type Sale = Awaited<ReturnType<typeof readTicketState>>["sale"];

/** 400 before any chain read: no tickets, or a deadline already passed. */
export function checkOrderFields(order: TicketOrder, now: bigint): void {
  if (order.quantity === 0) throw new BadRequestError("quantity_zero", "quantity must be at least 1 ticket");
  if (order.deadline < now)
    throw new BadRequestError(
      "signature_expired",
      `the authorization's deadline ${order.deadline} has passed (now ${now})`,
    );
}

/** The fan's next ticket nonce, the sale and whether payments are paused, read together. */
export async function readTicketState(deps: GaslessDeps, order: TicketOrder) {
  const { publicClient, addresses } = deps.chain;
  const [nonce, sale, paused] = await Promise.all([
    publicClient.readContract({
      address: addresses.tickets,
      abi: ticketsAbi,
      functionName: "nonces",
      args: [order.fan],
    }),
    publicClient.readContract({
      address: addresses.tickets,
      abi: ticketsAbi,
      functionName: "saleOf",
      args: [order.streamId],
    }),
    publicClient.readContract({ address: addresses.vault, abi: vaultAbi, functionName: "paused" }),
  ]);
  return { nonce, sale, paused };
}

/** 409 unless the order's nonce is the fan's next; then 400 unless the fan (EOA or ERC-1271 wallet) signed it. */
export async function checkTicketAuthorization<const types extends Record<string, unknown>>(
  deps: GaslessDeps,
  order: TicketOrder,
  nextNonce: bigint,
  signed: { types: types; primaryType: keyof types & string; message: Record<string, unknown>; signature: Hex },
): Promise<void> {
  requireNextNonce({
    signer: order.fan,
    signed: order.nonce,
    next: nextNonce,
    label: "ticket nonce",
    contract: "MesiTickets",
  });
  const { chain, addresses } = deps.chain;
  const valid = await isSignedBy(deps.chain, {
    typedData: {
      domain: { name: "MesiTickets", version: "1", chainId: chain.id, verifyingContract: addresses.tickets },
      types: signed.types,
      primaryType: signed.primaryType,
      message: signed.message,
    } as never,
    signer: order.fan,
    signature: signed.signature,
    contractWallets: true,
  });
  if (!valid) {
    throw new BadRequestError(
      "invalid_signature",
      `the signature is not ${order.fan}'s ${signed.primaryType} for these fields (EIP-712 domain MesiTickets/1 on chain ${chain.id})`,
    );
  }
}

/**
 * The sale as MesiTickets will judge it (open, not ended, enough seats, the fan not its creator and not blocked,
 * payments not paused). Returns the seats left unsold on-chain and the price in $MESI of the order.
 */
export async function checkSaleForOrder(
  deps: GaslessDeps,
  order: TicketOrder,
  sale: Sale,
  paused: boolean,
  now: bigint,
): Promise<{ unsold: number; total: bigint }> {
  const { streamId } = order;
  if (sale.creator === zeroAddress)
    throw new BadRequestError("no_sale", `stream ${streamId} has no ticket sale`, undefined, 404);
  if (sale.closed) throw new BadRequestError("sale_closed", `the sale of stream ${streamId} is closed`, undefined, 409);
  if (sale.endsAt !== 0 && now >= BigInt(sale.endsAt))
    throw new BadRequestError(
      "sale_ended",
      `the sale of stream ${streamId} ended at ${sale.endsAt}`,
      { endsAt: sale.endsAt },
      409,
    );
  const unsold = sale.supply - sale.sold;
  if (order.quantity > unsold) throw soldOutError(streamId, unsold);
  if (sale.creator.toLowerCase() === order.fan)
    throw new BadRequestError("self_payment", "a creator cannot buy tickets to their own stream");
  const { publicClient, addresses } = deps.chain;
  const blocked = await publicClient.readContract({
    address: addresses.vault,
    abi: vaultAbi,
    functionName: "isBlocked",
    args: [sale.creator, order.fan],
  });
  if (blocked)
    throw new BadRequestError("fan_blocked", `the creator of stream ${streamId} blocked ${order.fan}`, undefined, 403);
  if (paused) throw new RelayerError("payments_paused", "Mesi payments are paused for now; try again later", 503);
  return { unsold, total: sale.price * BigInt(order.quantity) };
}

/** 409 `price_above_max`: the order's price (in `unit`) is above what the fan signed. */
export function priceAboveMaxError(order: TicketOrder, price: bigint, max: bigint, unit: string, salePrice: bigint) {
  return new BadRequestError(
    "price_above_max",
    `${order.quantity} ticket(s) cost ${price} ${unit} base units, more than the signed maximum ${max}; sign again with the current price`,
    { totalPrice: price.toString(), price: salePrice.toString() },
    409,
  );
}

/** The price bound an order signs: a total in $MESI, or a stablecoin and its most the fan pays in it. */
export type TicketPriceBound =
  { readonly maxTotalPrice: bigint } | { readonly stablecoin: Address; readonly maxStableIn: bigint };

/** The order's fields as its EIP-712 type lists them (and as MesiTickets takes them): the price bound after the quantity. */
export function ticketAuthorizationMessage(order: TicketOrder, price: TicketPriceBound) {
  return {
    fan: order.fan,
    streamId: order.streamId,
    quantity: order.quantity,
    ...price,
    nonce: order.nonce,
    deadline: order.deadline,
  };
}

/** The price bound as the outbox payload stores it (decimal strings). */
function priceBoundPayload(price: TicketPriceBound): TicketPriceBoundPayload {
  return "maxTotalPrice" in price
    ? { maxTotalPrice: price.maxTotalPrice.toString() }
    : { stablecoin: price.stablecoin, maxStableIn: price.maxStableIn.toString() };
}

/**
 * The last step of every gasless ticket order, once its fields, signature, sale and money are checked: simulates the
 * purchase (MesiTickets.buyBySig, or buyWithStablecoinBySig for a stablecoin price bound; 422 `would_revert` with the
 * decoded reason), then queues it within the fan's sponsorship, holding its seats (unless held by others) until it
 * settles.
 */
export async function submitTicketOrder(
  deps: GaslessDeps,
  request: {
    readonly order: TicketOrder;
    readonly price: TicketPriceBound;
    readonly signature: Hex;
    /** The EIP-2612 permit for the vault, if the order brings one. */
    readonly permit: Permit | undefined;
    /** Seats left unsold on-chain, as checkSaleForOrder read them. */
    readonly unsold: number;
  },
): Promise<RelayAccepted> {
  const { order, price, signature, unsold } = request;
  const permit = request.permit ?? NO_PERMIT;
  const estimate = await simulateSponsored(deps.chain, {
    address: deps.chain.addresses.tickets,
    abi: ticketsAbi,
    functionName: "maxTotalPrice" in price ? "buyBySig" : "buyWithStablecoinBySig",
    args: [ticketAuthorizationMessage(order, price), signature, permit],
  });
  const payload: TicketBySigPayload = {
    auth: {
      fan: order.fan,
      streamId: order.streamId.toString(),
      quantity: order.quantity,
      ...priceBoundPayload(price),
      nonce: order.nonce.toString(),
      deadline: order.deadline.toString(),
    },
    signature,
    permit: permitPayload(permit),
  };
  return await queueTicketPurchase(deps, order, unsold, estimate, payload);
}

/** Queues the purchase within the fan's sponsorship, holding its seats (unless held by others) until it settles. */
async function queueTicketPurchase(
  deps: GaslessDeps,
  order: TicketOrder,
  unsold: number,
  estimate: bigint,
  payload: TicketBySigPayload,
): Promise<RelayAccepted> {
  const dialect = deps.store.dialect;
  const streamId = order.streamId.toString();
  return await queueSponsored(deps, {
    kind: "ticketBySig",
    dedupeKey: `${order.fan}:${order.nonce}`,
    fan: order.fan,
    estimate,
    payload,
    async hold(trx, rowId, nowMs) {
      const held = await lockHeldSeats(trx, dialect, streamId);
      const available = unsold - held;
      if (order.quantity > available) throw soldOutError(order.streamId, available);
      await trx
        .insertInto("ticket_reservations")
        .values({
          quote_id: gaslessSeatsId(rowId),
          stream_id: streamId,
          quantity: order.quantity,
          expires_at: Number(order.deadline) * 1000,
          status: "active",
          created_at: nowMs,
        })
        .execute();
    },
  });
}
