// POST /relay/ticket: an EIP-712 BuyAuthorization for MesiTickets.buyBySig,
// with an optional EIP-2612 permit for the vault. Checked before anything is
// stored: quantity, deadline, nonce, signature (EOA or ERC-1271 wallet), the
// sale as MesiTickets will judge it, balance and allowance or permit, then a
// simulation; then queued with its gas reserved and its seats held (seats of
// card payments and other queued purchases are not for sale) until it is
// on-chain or has failed.
import { buyAuthorizationTypes } from "@mesi/deployments";
import { zeroAddress } from "viem";
import { z } from "zod";

import { mesiAbi, ticketsAbi, vaultAbi } from "../chain/contracts.ts";
import { BadRequestError, RelayerError } from "../errors.ts";
import { gaslessSeatsId, type TicketBySigPayload } from "../outbox/operations.ts";
import { lockHeldSeats, soldOutError } from "../quotes/seats.ts";
import { requireAllowanceOrPermit } from "./allowanceOrPermit.ts";
import { requireNextNonce } from "./nextNonce.ts";
import { address, parseOrThrow, permitSchema, uint, walletSignatureHex } from "./requestSchemas.ts";
import {
  NO_PERMIT,
  nowSeconds,
  permitPayload,
  queueSponsored,
  simulateSponsored,
  type GaslessDeps,
  type RelayAccepted,
} from "./sponsoredQueue.ts";
import { isSignedBy } from "./typedSignature.ts";

export const ticketRequestSchema = z
  .object({
    auth: z
      .object({
        fan: address,
        streamId: uint,
        quantity: z
          .number()
          .int()
          .min(0)
          .max(2 ** 32 - 1),
        maxTotalPrice: uint,
        nonce: uint,
        deadline: uint,
      })
      .strict(),
    signature: walletSignatureHex,
    permit: permitSchema.optional(),
  })
  .strict();

export async function submitTicketBySig(deps: GaslessDeps, body: unknown): Promise<RelayAccepted> {
  const request = parseOrThrow(ticketRequestSchema, body, "invalid_ticket_request");
  const { auth, signature } = request;
  // A permit of value 0 is "no permit", as the contract reads it.
  const permit = request.permit !== undefined && request.permit.value !== 0n ? request.permit : undefined;
  const now = nowSeconds(deps);
  if (auth.quantity === 0) throw new BadRequestError("quantity_zero", "quantity must be at least 1 ticket");
  if (auth.deadline < now)
    throw new BadRequestError(
      "signature_expired",
      `the authorization's deadline ${auth.deadline} has passed (now ${now})`,
    );

  const { chain: clients } = deps;
  const { publicClient, addresses, chain } = clients;
  const authArgs = {
    fan: auth.fan,
    streamId: auth.streamId,
    quantity: auth.quantity,
    maxTotalPrice: auth.maxTotalPrice,
    nonce: auth.nonce,
    deadline: auth.deadline,
  };
  const [nonce, sale, balance, allowance, paused] = await Promise.all([
    publicClient.readContract({
      address: addresses.tickets,
      abi: ticketsAbi,
      functionName: "nonces",
      args: [auth.fan],
    }),
    publicClient.readContract({
      address: addresses.tickets,
      abi: ticketsAbi,
      functionName: "saleOf",
      args: [auth.streamId],
    }),
    publicClient.readContract({ address: addresses.mesi, abi: mesiAbi, functionName: "balanceOf", args: [auth.fan] }),
    publicClient.readContract({
      address: addresses.mesi,
      abi: mesiAbi,
      functionName: "allowance",
      args: [auth.fan, addresses.vault],
    }),
    publicClient.readContract({ address: addresses.vault, abi: vaultAbi, functionName: "paused" }),
  ]);

  // The authorization: nonce, then signature (EOA or ERC-1271 wallet).
  requireNextNonce({
    signer: auth.fan,
    signed: auth.nonce,
    next: nonce,
    label: "ticket nonce",
    contract: "MesiTickets",
  });
  const signed = await isSignedBy(clients, {
    typedData: {
      domain: { name: "MesiTickets", version: "1", chainId: chain.id, verifyingContract: addresses.tickets },
      types: buyAuthorizationTypes,
      primaryType: "BuyAuthorization",
      message: authArgs,
    },
    signer: auth.fan,
    signature,
    contractWallets: true,
  });
  if (!signed) {
    throw new BadRequestError(
      "invalid_signature",
      `the signature is not ${auth.fan}'s BuyAuthorization for these fields (EIP-712 domain MesiTickets/1 on chain ${chain.id})`,
    );
  }

  // The sale, as MesiTickets will judge it.
  const streamId = auth.streamId;
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
  if (auth.quantity > unsold) throw soldOutError(streamId, unsold);
  const total = sale.price * BigInt(auth.quantity);
  if (total > auth.maxTotalPrice) {
    throw new BadRequestError(
      "price_above_max",
      `${auth.quantity} ticket(s) cost ${total} $MESI base units, more than the signed maximum ${auth.maxTotalPrice}; sign again with the current price`,
      { totalPrice: total.toString(), price: sale.price.toString() },
      409,
    );
  }
  if (sale.creator.toLowerCase() === auth.fan)
    throw new BadRequestError("self_payment", "a creator cannot buy tickets to their own stream");
  const blocked = await publicClient.readContract({
    address: addresses.vault,
    abi: vaultAbi,
    functionName: "isBlocked",
    args: [sale.creator, auth.fan],
  });
  if (blocked)
    throw new BadRequestError("fan_blocked", `the creator of stream ${streamId} blocked ${auth.fan}`, undefined, 403);
  if (paused) throw new RelayerError("payments_paused", "Mesi payments are paused for now; try again later", 503);

  // The money: balance, then allowance or permit.
  if (balance < total) {
    throw new BadRequestError(
      "insufficient_balance",
      `${auth.fan} holds ${balance} $MESI base units, less than the ${total} the tickets cost`,
    );
  }
  await requireAllowanceOrPermit(clients, {
    fan: auth.fan,
    amount: total,
    allowance,
    permit,
    now,
    payment: "purchase",
    amountDescription: `the ${total} the tickets cost`,
  });

  const permitArgs = permit ?? NO_PERMIT;
  const estimate = await simulateSponsored(clients, {
    address: addresses.tickets,
    abi: ticketsAbi,
    functionName: "buyBySig",
    args: [authArgs, signature, permitArgs],
  });
  const payload: TicketBySigPayload = {
    auth: {
      fan: auth.fan,
      streamId: streamId.toString(),
      quantity: auth.quantity,
      maxTotalPrice: auth.maxTotalPrice.toString(),
      nonce: auth.nonce.toString(),
      deadline: auth.deadline.toString(),
    },
    signature,
    permit: permitPayload(permitArgs),
  };
  const dialect = deps.store.dialect;
  return await queueSponsored(deps, {
    kind: "ticketBySig",
    dedupeKey: `${auth.fan}:${auth.nonce}`,
    fan: auth.fan,
    estimate,
    payload,
    async hold(trx, rowId, nowMs) {
      const held = await lockHeldSeats(trx, dialect, streamId.toString());
      const available = unsold - held;
      if (auth.quantity > available) throw soldOutError(streamId, available);
      await trx
        .insertInto("ticket_reservations")
        .values({
          quote_id: gaslessSeatsId(rowId),
          stream_id: streamId.toString(),
          quantity: auth.quantity,
          expires_at: Number(auth.deadline) * 1000,
          status: "active",
          created_at: nowMs,
        })
        .execute();
    },
  });
}
