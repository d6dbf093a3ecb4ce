// Gasless submissions: a fan signs, the relayer pays the gas.
//
// - POST /relay/tip: an EIP-712 TipAuthorization for MesiVault.tipBySig, with an
//   optional EIP-2612 permit for the vault.
// - POST /relay/stablecoin-tip: an EIP-3009 receiveWithAuthorization of a
//   stablecoin to the vault, bound to one tip (MesiVault.tipWithStablecoinAuthorization).
//
// Everything that can be checked off-chain is checked before anything is
// stored: signature, deadline, nonce, balance (and allowance or permit), then a
// simulation of the call. Only then is the request queued in the outbox, with
// its estimated gas reserved against the fan's monthly sponsorship.
import {
  isAddress,
  parseSignature,
  recoverAddress,
  recoverTypedDataAddress,
  zeroHash,
  type Address,
  type Hex,
} from "viem";
import { z } from "zod";

import type { ChainClients } from "../chain/clients.ts";
import { mesiAbi, stablecoinAbi, vaultAbi } from "../chain/contracts.ts";
import { decodeRevert, formatRevert } from "../chain/revert.ts";
import type { Clock } from "../clock.ts";
import type { RelayerConfig } from "../config.ts";
import { BadRequestError, SponsorshipExhaustedError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import { enqueue } from "../outbox/outbox.ts";
import type { StablecoinTipPayload, TipBySigPayload } from "../outbox/operations.ts";
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
      functionName: "tipWithStablecoinAuthorization",
      args: [authArgs, Number(yParityV), r, s],
    });
    return await this.#queue("stablecoinTip", `${auth.stablecoin}:${auth.fan}:${nonce}`, auth.fan, gas, payload);
  }

  async status(requestId: number): Promise<RelayStatus | undefined> {
    const row = await this.#deps.store.db
      .selectFrom("outbox")
      .selectAll()
      .where("id", "=", requestId)
      .where("kind", "in", ["tipBySig", "stablecoinTip"])
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

  async #simulate(call: {
    address: Address;
    functionName: "tipBySig" | "tipWithStablecoinAuthorization";
    args: readonly unknown[];
  }): Promise<bigint> {
    const { publicClient, account } = this.#deps.chain;
    try {
      return await publicClient.estimateContractGas({
        address: call.address,
        abi: vaultAbi,
        functionName: call.functionName,
        args: call.args,
        account,
      } as Parameters<typeof publicClient.estimateContractGas>[0]);
    } catch (error) {
      const decoded = decodeRevert(error);
      throw new BadRequestError(
        "would_revert",
        `the transaction would fail on-chain: ${formatRevert(decoded, error)}`,
        {
          error: decoded?.name ?? null,
        },
        422,
      );
    }
  }

  async #queue(
    kind: "tipBySig" | "stablecoinTip",
    dedupeKey: string,
    fan: Address,
    estimate: bigint,
    payload: unknown,
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
            "Send the transaction from your own wallet and pay the gas yourself: MesiVault.tipWithPermit (or approve + tip) for $MESI, " +
            "MesiVault.tipWithStablecoin for a stablecoin. Sponsorship starts again on the 1st of next month (UTC).",
          {
            month,
            usedGas: usage.gas.toString(),
            limitGas: config.sponsorship.monthlyGasPerFan.toString(),
            neededGas: gas.toString(),
          },
        );
      }
      const inserted = await enqueue(trx, { kind, dedupeKey, payload, now, sponsorFan: fan, sponsorGas: gas });
      if (!inserted)
        throw new BadRequestError("duplicate_request", "this authorization was already submitted", undefined, 409);
      await addUsage(trx, fan, month, gas, 0n);
      const row = await trx
        .selectFrom("outbox")
        .select("id")
        .where("kind", "=", kind)
        .where("dedupe_key", "=", dedupeKey)
        .executeTakeFirstOrThrow();
      return row.id;
    });
    this.#log.info({ kind, fan, requestId: id, gas }, "gasless request queued");
    return { requestId: id, status: "queued", reservedGas: gas.toString() };
  }
}
