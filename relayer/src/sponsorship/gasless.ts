// Gasless submissions: a fan signs, the relayer pays the gas.
//
// - POST /relay/tip: an EIP-712 TipAuthorization for MesiVault.tipBySig, with an
//   optional EIP-2612 permit for the vault.
// - POST /relay/stablecoin-tip: an EIP-3009 receiveWithAuthorization of a
//   stablecoin to the vault, bound to one tip (MesiVault.tipWithStablecoinAuthorization).
// - POST /relay/ticket: an EIP-712 BuyAuthorization for MesiTickets.buyBySig,
//   with an optional EIP-2612 permit for the vault.
//
// Everything that can be checked off-chain is checked before anything is
// stored: signature, deadline, nonce, (for tickets) the sale, balance (and
// allowance or permit), then a simulation of the call. Only then is the
// request queued in the outbox, with its estimated gas reserved against the
// fan's monthly sponsorship (and a ticket's seats held until it is on-chain).
import type { Kysely } from "kysely";
import {
  isAddress,
  parseSignature,
  recoverAddress,
  recoverTypedDataAddress,
  zeroAddress,
  zeroHash,
  type Address,
  type Hex,
} from "viem";
import { z } from "zod";

import type { ChainClients } from "../chain/clients.ts";
import { mesiAbi, stablecoinAbi, ticketsAbi, vaultAbi } from "../chain/contracts.ts";
import { decodeRevert, formatRevert } from "../chain/revert.ts";
import type { Clock } from "../clock.ts";
import type { RelayerConfig } from "../config.ts";
import { BadRequestError, RelayerError, SponsorshipExhaustedError, UnavailableError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import { enqueue } from "../outbox/outbox.ts";
import {
  gaslessSeatsId,
  type StablecoinTipPayload,
  type TicketBySigPayload,
  type TipBySigPayload,
} from "../outbox/operations.ts";
import { lockHeldSeats } from "../quotes/seats.ts";
import type { Database, OutboxKind } from "../store/schema.ts";
import type { Store } from "../store/store.ts";
import { addUsage, monthOf, remaining, usageOf } from "./budget.ts";

const address = z
  .string()
  .refine((value) => isAddress(value, { strict: false }), "must be a 0x-prefixed 20-byte address")
  .transform((value) => value.toLowerCase() as Address);
const uint = z
  .union([z.string().regex(/^\d{1,78}$/, "must be a decimal integer string"), z.number().int().nonnegative()])
  .transform((v) => BigInt(v));
const bytes32 = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/, "must be 32 bytes of hex")
  .transform((v) => v.toLowerCase() as Hex);
const signatureHex = z
  .string()
  .regex(/^0x[0-9a-fA-F]{130}$/, "must be a 65-byte signature in hex")
  .transform((v) => v as Hex);

/** Any signature bytes: 65 for an EOA, longer or shorter for an ERC-1271 wallet. */
const walletSignatureHex = z
  .string()
  .regex(/^0x(?:[0-9a-fA-F]{2}){1,4096}$/, "must be hex signature bytes (65 for an EOA)")
  .transform((v) => v as Hex);

const permitSchema = z
  .object({ value: uint, deadline: uint, v: z.number().int().min(0).max(255), r: bytes32, s: bytes32 })
  .strict();

export const tipRequestSchema = z
  .object({
    auth: z
      .object({
        fan: address,
        creator: address,
        amount: uint,
        channel: z.number().int().min(0).max(3),
        channelRef: bytes32.default(zeroHash),
        memoHash: bytes32.default(zeroHash),
        nonce: uint,
        deadline: uint,
      })
      .strict(),
    signature: signatureHex,
    permit: permitSchema.optional(),
  })
  .strict();

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

const NO_PERMIT = { value: 0n, deadline: 0n, v: 0, r: zeroHash, s: zeroHash } as const;

/** What a fan whose sponsorship is spent can do instead, per kind of request. */
const PAY_GAS_YOURSELF: Readonly<Record<GaslessKind, string>> = {
  tipBySig: "MesiVault.tipWithPermit (or approve + tip) for $MESI, MesiVault.tipWithStablecoin for a stablecoin",
  stablecoinTip: "MesiVault.tipWithPermit (or approve + tip) for $MESI, MesiVault.tipWithStablecoin for a stablecoin",
  ticketBySig:
    "MesiTickets.buyWithPermit (or approve the vault + MesiTickets.buy) for $MESI, MesiTickets.buyWithStablecoin for a stablecoin, or pay by card (POST /quotes with purpose ticket)",
};

type GaslessKind = Extract<OutboxKind, "tipBySig" | "stablecoinTip" | "ticketBySig">;

export const stablecoinTipRequestSchema = z
  .object({
    auth: z
      .object({
        fan: address,
        stablecoin: address,
        creator: address,
        stableAmount: uint,
        minMesiOut: uint,
        channel: z.number().int().min(0).max(3),
        channelRef: bytes32.default(zeroHash),
        memoHash: bytes32.default(zeroHash),
        validAfter: uint,
        validBefore: uint,
        salt: bytes32,
      })
      .strict(),
    signature: signatureHex,
  })
  .strict();

export interface GaslessDeps {
  readonly config: RelayerConfig;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly store: Store;
  readonly chain: ChainClients;
}

export interface RelayAccepted {
  readonly requestId: number;
  readonly status: "queued";
  readonly reservedGas: string;
}

export interface RelayStatus {
  readonly requestId: number;
  readonly kind: string;
  readonly status: string;
  readonly txHash: string | null;
  readonly error: string | null;
}

const BUY_AUTHORIZATION_TYPES = {
  BuyAuthorization: [
    { name: "fan", type: "address" },
    { name: "streamId", type: "uint256" },
    { name: "quantity", type: "uint32" },
    { name: "maxTotalPrice", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
} as const;

function soldOut(streamId: bigint, available: number): BadRequestError {
  return new BadRequestError(
    "sold_out",
    available <= 0
      ? `stream ${streamId} is sold out (all seats sold or held by payments in progress)`
      : `only ${available} ticket(s) left for stream ${streamId}`,
    { remaining: Math.max(0, available) },
    409,
  );
}

function parseOrThrow<T extends z.ZodTypeAny>(schema: T, body: unknown, code: string): z.output<T> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new BadRequestError(
      code,
      parsed.error.issues.map((issue) => `${issue.path.join(".") || "body"}: ${issue.message}`).join("; "),
    );
  }
  return parsed.data as z.output<T>;
}

export class GaslessService {
  readonly #deps: GaslessDeps;
  readonly #log: Logger;

  constructor(deps: GaslessDeps) {
    this.#deps = deps;
    this.#log = deps.logger.child({ component: "gasless" });
  }

  #nowSeconds(): bigint {
    return BigInt(Math.floor(this.#deps.clock.now() / 1000));
  }

  async submitTip(body: unknown): Promise<RelayAccepted> {
    const request = parseOrThrow(tipRequestSchema, body, "invalid_tip_request");
    const { auth, signature } = request;
    const permit = request.permit ?? { value: 0n, deadline: 0n, v: 0, r: zeroHash, s: zeroHash };
    const now = this.#nowSeconds();
    if (auth.amount === 0n) throw new BadRequestError("amount_zero", "amount must be greater than zero");
    if (auth.fan === auth.creator) throw new BadRequestError("self_payment", "a fan cannot tip themselves");
    if (auth.deadline < now)
      throw new BadRequestError(
        "signature_expired",
        `the authorization's deadline ${auth.deadline} has passed (now ${now})`,
      );

    const { publicClient, addresses } = this.#deps.chain;
    const authArgs = {
      fan: auth.fan,
      creator: auth.creator,
      amount: auth.amount,
      channel: auth.channel,
      channelRef: auth.channelRef,
      memoHash: auth.memoHash,
      nonce: auth.nonce,
      deadline: auth.deadline,
    };
    const [nonce, digest, balance, allowance] = await Promise.all([
      publicClient.readContract({ address: addresses.vault, abi: vaultAbi, functionName: "nonces", args: [auth.fan] }),
      publicClient.readContract({
        address: addresses.vault,
        abi: vaultAbi,
        functionName: "tipAuthorizationDigest",
        args: [authArgs],
      }),
      publicClient.readContract({ address: addresses.mesi, abi: mesiAbi, functionName: "balanceOf", args: [auth.fan] }),
      publicClient.readContract({
        address: addresses.mesi,
        abi: mesiAbi,
        functionName: "allowance",
        args: [auth.fan, addresses.vault],
      }),
    ]);
    if (auth.nonce < nonce)
      throw new BadRequestError(
        "nonce_used",
        `nonce ${auth.nonce} of ${auth.fan} is already used (next is ${nonce})`,
        { nextNonce: nonce.toString() },
        409,
      );
    if (auth.nonce > nonce)
      throw new BadRequestError(
        "nonce_not_next",
        `nonce ${auth.nonce} is ahead: the vault expects ${nonce}`,
        { nextNonce: nonce.toString() },
        409,
      );
    await this.#requireSigner(digest, signature, auth.fan);
    if (balance < auth.amount) {
      throw new BadRequestError(
        "insufficient_balance",
        `${auth.fan} holds ${balance} $MESI base units, less than ${auth.amount}`,
      );
    }
    if (request.permit === undefined) {
      if (allowance < auth.amount) {
        throw new BadRequestError(
          "insufficient_allowance",
          `the vault may spend ${allowance} of ${auth.fan}'s $MESI, less than ${auth.amount}; sign a permit with the tip`,
        );
      }
    } else {
      if (permit.deadline < now)
        throw new BadRequestError("permit_expired", `the permit's deadline ${permit.deadline} has passed`);
      if (permit.value < auth.amount && allowance < auth.amount) {
        throw new BadRequestError(
          "permit_too_small",
          `the permit allows ${permit.value}, less than the tip ${auth.amount}`,
        );
      }
      await this.#requirePermitSigner(auth.fan, permit);
    }

    const payload: TipBySigPayload = {
      auth: {
        ...auth,
        amount: auth.amount.toString(),
        nonce: auth.nonce.toString(),
        deadline: auth.deadline.toString(),
      },
      signature,
      permit: {
        value: permit.value.toString(),
        deadline: permit.deadline.toString(),
        v: permit.v,
        r: permit.r,
        s: permit.s,
      },
    };
    const gas = await this.#simulate({
      address: addresses.vault,
      abi: vaultAbi,
      functionName: "tipBySig",
      args: [authArgs, signature, permit],
    });
    return await this.#queue("tipBySig", `${auth.fan}:${auth.nonce}`, auth.fan, gas, payload);
  }

  async submitStablecoinTip(body: unknown): Promise<RelayAccepted> {
    const request = parseOrThrow(stablecoinTipRequestSchema, body, "invalid_stablecoin_tip_request");
    const { auth } = request;
    const now = this.#nowSeconds();
    if (auth.stableAmount === 0n) throw new BadRequestError("amount_zero", "stableAmount must be greater than zero");
    if (auth.fan === auth.creator) throw new BadRequestError("self_payment", "a fan cannot tip themselves");
    if (auth.validBefore <= now)
      throw new BadRequestError(
        "authorization_expired",
        `the authorization expired at ${auth.validBefore} (now ${now})`,
      );
    if (auth.validAfter > now)
      throw new BadRequestError(
        "authorization_not_yet_valid",
        `the authorization is valid only after ${auth.validAfter}`,
      );

    const { publicClient, addresses } = this.#deps.chain;
    const authArgs = { ...auth };
    const [nonce, balance, domain] = await Promise.all([
      publicClient.readContract({
        address: addresses.vault,
        abi: vaultAbi,
        functionName: "stablecoinTipNonce",
        args: [authArgs],
      }),
      publicClient
        .readContract({ address: auth.stablecoin, abi: stablecoinAbi, functionName: "balanceOf", args: [auth.fan] })
        .catch(() => {
          throw new BadRequestError("unknown_stablecoin", `${auth.stablecoin} is not an ERC-20 token on this chain`);
        }),
      publicClient
        .readContract({ address: auth.stablecoin, abi: stablecoinAbi, functionName: "eip712Domain" })
        .catch(() => {
          throw new BadRequestError(
            "unsupported_stablecoin",
            `${auth.stablecoin} does not publish its EIP-712 domain (ERC-5267)`,
          );
        }),
    ]);
    const used = await publicClient.readContract({
      address: auth.stablecoin,
      abi: stablecoinAbi,
      functionName: "authorizationState",
      args: [auth.fan, nonce],
    });
    if (used)
      throw new BadRequestError("nonce_used", `this authorization (nonce ${nonce}) was already used`, undefined, 409);
    const { r, s, v } = parseSignature(request.signature);
    const yParityV = v ?? 27n;
    const signer = await recoverTypedDataAddress({
      domain: { name: domain[1], version: domain[2], chainId: domain[3], verifyingContract: domain[4] },
      types: {
        ReceiveWithAuthorization: [
          { name: "from", type: "address" },
          { name: "to", type: "address" },
          { name: "value", type: "uint256" },
          { name: "validAfter", type: "uint256" },
          { name: "validBefore", type: "uint256" },
          { name: "nonce", type: "bytes32" },
        ],
      },
      primaryType: "ReceiveWithAuthorization",
      message: {
        from: auth.fan,
        to: addresses.vault,
        value: auth.stableAmount,
        validAfter: auth.validAfter,
        validBefore: auth.validBefore,
        nonce,
      },
      signature: request.signature,
    }).catch(() => undefined);
    if (signer?.toLowerCase() !== auth.fan) {
      throw new BadRequestError("invalid_signature", `the signature is not ${auth.fan}'s authorization for this tip`);
    }
    if (balance < auth.stableAmount) {
      throw new BadRequestError(
        "insufficient_balance",
        `${auth.fan} holds ${balance} base units of ${auth.stablecoin}, less than ${auth.stableAmount}`,
      );
    }
    const payload: StablecoinTipPayload = {
      auth: {
        ...auth,
        stableAmount: auth.stableAmount.toString(),
        minMesiOut: auth.minMesiOut.toString(),
        validAfter: auth.validAfter.toString(),
        validBefore: auth.validBefore.toString(),
      },
      nonce,
      v: Number(yParityV),
      r,
      s,
    };
    const gas = await this.#simulate({
      address: addresses.vault,
      abi: vaultAbi,
      functionName: "tipWithStablecoinAuthorization",
      args: [authArgs, Number(yParityV), r, s],
    });
    return await this.#queue("stablecoinTip", `${auth.stablecoin}:${auth.fan}:${nonce}`, auth.fan, gas, payload);
  }

  async submitTicket(body: unknown): Promise<RelayAccepted> {
    const request = parseOrThrow(ticketRequestSchema, body, "invalid_ticket_request");
    const { auth, signature } = request;
    // A permit of value 0 is "no permit", as the contract reads it.
    const permit = request.permit !== undefined && request.permit.value !== 0n ? request.permit : undefined;
    const now = this.#nowSeconds();
    if (auth.quantity === 0) throw new BadRequestError("quantity_zero", "quantity must be at least 1 ticket");
    if (auth.deadline < now)
      throw new BadRequestError(
        "signature_expired",
        `the authorization's deadline ${auth.deadline} has passed (now ${now})`,
      );

    const { publicClient, addresses, chain } = this.#deps.chain;
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
    if (auth.nonce < nonce)
      throw new BadRequestError(
        "nonce_used",
        `ticket nonce ${auth.nonce} of ${auth.fan} is already used (next is ${nonce})`,
        { nextNonce: nonce.toString() },
        409,
      );
    if (auth.nonce > nonce)
      throw new BadRequestError(
        "nonce_not_next",
        `ticket nonce ${auth.nonce} is ahead: MesiTickets expects ${nonce}`,
        { nextNonce: nonce.toString() },
        409,
      );
    const signed = await publicClient
      .verifyTypedData({
        address: auth.fan,
        domain: { name: "MesiTickets", version: "1", chainId: chain.id, verifyingContract: addresses.tickets },
        types: BUY_AUTHORIZATION_TYPES,
        primaryType: "BuyAuthorization",
        message: authArgs,
        signature,
      })
      .catch((error: unknown) => {
        // viem answers false for a signature that does not verify; an error here is the node's.
        this.#log.warn({ err: error, fan: auth.fan }, "could not verify a BuyAuthorization signature");
        throw new UnavailableError("could not verify the signature against the chain; try again");
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
    if (sale.closed)
      throw new BadRequestError("sale_closed", `the sale of stream ${streamId} is closed`, undefined, 409);
    if (sale.endsAt !== 0 && now >= BigInt(sale.endsAt))
      throw new BadRequestError(
        "sale_ended",
        `the sale of stream ${streamId} ended at ${sale.endsAt}`,
        { endsAt: sale.endsAt },
        409,
      );
    const unsold = sale.supply - sale.sold;
    if (auth.quantity > unsold) throw soldOut(streamId, unsold);
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
    if (permit === undefined) {
      if (allowance < total) {
        throw new BadRequestError(
          "insufficient_allowance",
          `the vault may spend ${allowance} of ${auth.fan}'s $MESI, less than ${total}; sign a permit with the purchase`,
        );
      }
    } else {
      if (permit.deadline < now)
        throw new BadRequestError("permit_expired", `the permit's deadline ${permit.deadline} has passed`);
      if (permit.value < total && allowance < total) {
        throw new BadRequestError(
          "permit_too_small",
          `the permit allows ${permit.value}, less than the ${total} the tickets cost`,
        );
      }
      await this.#requirePermitSigner(auth.fan, permit);
    }

    const permitArgs = permit ?? NO_PERMIT;
    const gas = await this.#simulate({
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
      permit: {
        value: permitArgs.value.toString(),
        deadline: permitArgs.deadline.toString(),
        v: permitArgs.v,
        r: permitArgs.r,
        s: permitArgs.s,
      },
    };
    const dedupeKey = `${auth.fan}:${auth.nonce}`;
    const dialect = this.#deps.store.dialect;
    return await this.#queue("ticketBySig", dedupeKey, auth.fan, gas, payload, async (trx, rowId, nowMs) => {
      // Seats held by card payments and other queued gasless purchases are not for sale.
      const held = await lockHeldSeats(trx, dialect, streamId.toString());
      const available = unsold - held;
      if (auth.quantity > available) throw soldOut(streamId, available);
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
    });
  }

  async status(requestId: number): Promise<RelayStatus | undefined> {
    const row = await this.#deps.store.db
      .selectFrom("outbox")
      .selectAll()
      .where("id", "=", requestId)
      .where("kind", "in", ["tipBySig", "stablecoinTip", "ticketBySig"])
      .executeTakeFirst();
    if (row === undefined) return undefined;
    return {
      requestId: row.id,
      kind: row.kind,
      status: row.state,
      txHash: row.tx_hash,
      error: row.state === "failed" ? row.last_error : null,
    };
  }

  async #requireSigner(digest: Hex, signature: Hex, fan: Address): Promise<void> {
    const recovered = await recoverAddress({ hash: digest, signature }).catch(() => undefined);
    if (recovered?.toLowerCase() === fan) return;
    // A smart-contract wallet signs through ERC-1271.
    const code = await this.#deps.chain.publicClient.getCode({ address: fan });
    if (code !== undefined && code !== "0x") {
      const valid = await this.#deps.chain.publicClient
        .verifyHash({ address: fan, hash: digest, signature })
        .catch(() => false);
      if (valid) return;
    }
    throw new BadRequestError("invalid_signature", `the signature is not ${fan}'s TipAuthorization for these fields`);
  }

  async #requirePermitSigner(fan: Address, permit: z.output<typeof permitSchema>): Promise<void> {
    const { publicClient, addresses } = this.#deps.chain;
    const [permitNonce, domain] = await Promise.all([
      publicClient.readContract({ address: addresses.mesi, abi: mesiAbi, functionName: "nonces", args: [fan] }),
      publicClient.readContract({ address: addresses.mesi, abi: mesiAbi, functionName: "eip712Domain" }),
    ]);
    const signer = await recoverTypedDataAddress({
      domain: { name: domain[1], version: domain[2], chainId: domain[3], verifyingContract: domain[4] },
      types: {
        Permit: [
          { name: "owner", type: "address" },
          { name: "spender", type: "address" },
          { name: "value", type: "uint256" },
          { name: "nonce", type: "uint256" },
          { name: "deadline", type: "uint256" },
        ],
      },
      primaryType: "Permit",
      message: {
        owner: fan,
        spender: addresses.vault,
        value: permit.value,
        nonce: permitNonce,
        deadline: permit.deadline,
      },
      signature: { r: permit.r, s: permit.s, v: BigInt(permit.v) },
    }).catch(() => undefined);
    if (signer?.toLowerCase() !== fan) {
      throw new BadRequestError(
        "invalid_permit",
        `the permit is not signed by ${fan} for the vault (or its nonce ${permitNonce} is used)`,
      );
    }
  }

  async #simulate(
    call:
      | {
          address: Address;
          abi: typeof vaultAbi;
          functionName: "tipBySig" | "tipWithStablecoinAuthorization";
          args: readonly unknown[];
        }
      | { address: Address; abi: typeof ticketsAbi; functionName: "buyBySig"; args: readonly unknown[] },
  ): Promise<bigint> {
    const { publicClient, account } = this.#deps.chain;
    try {
      return await publicClient.estimateContractGas({
        address: call.address,
        abi: call.abi,
        functionName: call.functionName,
        args: call.args,
        account,
      } as Parameters<typeof publicClient.estimateContractGas>[0]);
    } catch (error) {
      const decoded = decodeRevert(error);
      throw new BadRequestError(
        "would_revert",
        `the transaction would fail on-chain: ${formatRevert(decoded, error)}`,
        // Not `error`: that key is the response's stable code (would_revert).
        { revert: decoded?.name ?? null },
        422,
      );
    }
  }

  /**
   * Reserves the request's gas against the fan's month and queues it, in one
   * transaction. `hold` runs in that transaction once the row is queued (a
   * ticket holds its seats there) and may refuse the request by throwing.
   * Every kind lets a fan sign again with a nonce whose earlier request failed
   * for good (its nonce is still unused on-chain, or the request would have
   * been refused before this): the failed row is kept under a retired key.
   */
  async #queue(
    kind: GaslessKind,
    dedupeKey: string,
    fan: Address,
    estimate: bigint,
    payload: unknown,
    hold?: (trx: Kysely<Database>, rowId: number, now: number) => Promise<void>,
  ): Promise<RelayAccepted> {
    const { config, clock, store } = this.#deps;
    const gas = (estimate * BigInt(config.tx.gasLimitPercent) + 99n) / 100n;
    const now = clock.now();
    const month = monthOf(now);
    const fees = await this.#deps.chain.publicClient.estimateFeesPerGas().catch(() => ({ maxFeePerGas: 0n }));
    const weiNeeded = gas * (fees.maxFeePerGas ?? 0n);
    const id = await store.transaction(async (trx) => {
      const usage = await usageOf(trx, fan, month);
      const left = remaining(config.sponsorship, usage);
      if (left.gas < gas || (left.wei !== undefined && left.wei < weiNeeded)) {
        throw new SponsorshipExhaustedError(
          `gas sponsorship for ${fan} is used up for ${month} (${usage.gas} of ${config.sponsorship.monthlyGasPerFan} gas; this needs ${gas}). ` +
            `Send the transaction from your own wallet and pay the gas yourself: ${PAY_GAS_YOURSELF[kind]}. ` +
            "Sponsorship starts again on the 1st of next month (UTC).",
          {
            month,
            usedGas: usage.gas.toString(),
            limitGas: config.sponsorship.monthlyGasPerFan.toString(),
            neededGas: gas.toString(),
          },
        );
      }
      // The caller has just seen the request's nonce unused on-chain: an earlier
      // request with it that failed for good (its gas given back by markFailed)
      // must not stop the fan from signing it again.
      const inserted = await enqueue(trx, {
        kind,
        dedupeKey,
        payload,
        now,
        sponsorFan: fan,
        sponsorGas: gas,
        replaceFailed: true,
      });
      if (!inserted)
        throw new BadRequestError("duplicate_request", "this authorization was already submitted", undefined, 409);
      const row = await trx
        .selectFrom("outbox")
        .select("id")
        .where("kind", "=", kind)
        .where("dedupe_key", "=", dedupeKey)
        .executeTakeFirstOrThrow();
      await hold?.(trx, row.id, now);
      await addUsage(trx, fan, month, gas, 0n);
      return row.id;
    });
    this.#log.info({ kind, fan, requestId: id, gas }, "gasless request queued");
    return { requestId: id, status: "queued", reservedGas: gas.toString() };
  }
}
