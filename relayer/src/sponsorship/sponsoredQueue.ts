// What every gasless request kind does once its fields and signature are
// checked: simulate the call (a request that would revert is refused, with the
// decoded reason), then reserve its gas against the fan's monthly sponsorship
// and queue it in the outbox, in one transaction.
import type { Kysely } from "kysely";
import { zeroHash, type Address } from "viem";

import type { ChainClients } from "../chain/clients.ts";
import type { ticketsAbi, vaultAbi } from "../chain/contracts.ts";
import { decodeRevert, formatRevert } from "../chain/revert.ts";
import type { Clock } from "../clock.ts";
import type { RelayerConfig } from "../config.ts";
import { BadRequestError, SponsorshipExhaustedError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import { enqueue } from "../outbox/outbox.ts";
import type { Database, OutboxKind } from "../store/schema.ts";
import type { Store } from "../store/store.ts";
import { addUsage, monthOf, remaining, usageOf } from "./budget.ts";
import type { Permit } from "./requestSchemas.ts";

export interface GaslessDeps {
  readonly config: RelayerConfig;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly store: Store;
  readonly chain: ChainClients;
}

export type GaslessKind = Extract<OutboxKind, "tipBySig" | "stablecoinTip" | "ticketBySig">;

export interface RelayAccepted {
  readonly requestId: number;
  readonly status: "queued";
  readonly reservedGas: string;
}

/** A permit of value 0: "no permit", as the contracts read it. */
export const NO_PERMIT: Permit = { value: 0n, deadline: 0n, v: 0, r: zeroHash, s: zeroHash };

/** A permit as an outbox payload stores it (decimal strings). */
export function permitPayload(permit: Permit) {
  return {
    value: permit.value.toString(),
    deadline: permit.deadline.toString(),
    v: permit.v,
    r: permit.r,
    s: permit.s,
  };
}

/** The chain's time as the request checks judge it (the relayer's clock, in seconds). */
export function nowSeconds(deps: GaslessDeps): bigint {
  return BigInt(Math.floor(deps.clock.now() / 1000));
}

/** What a fan whose sponsorship is spent can do instead, per kind of request. */
const PAY_GAS_YOURSELF: Readonly<Record<GaslessKind, string>> = {
  tipBySig: "MesiVault.tipWithPermit (or approve + tip) for $MESI, MesiVault.tipWithStablecoin for a stablecoin",
  stablecoinTip: "MesiVault.tipWithPermit (or approve + tip) for $MESI, MesiVault.tipWithStablecoin for a stablecoin",
  ticketBySig:
    "MesiTickets.buyWithPermit (or approve the vault + MesiTickets.buy) for $MESI, MesiTickets.buyWithStablecoin for a stablecoin, or pay by card (POST /quotes with purpose ticket)",
};

/** Gas the call needs; 422 `would_revert` with the decoded reason when it would fail on-chain. */
export async function simulateSponsored(
  chain: ChainClients,
  call:
    | {
        address: Address;
        abi: typeof vaultAbi;
        functionName: "tipBySig" | "tipWithStablecoinAuthorization";
        args: readonly unknown[];
      }
    | {
        address: Address;
        abi: typeof ticketsAbi;
        functionName: "buyBySig" | "buyWithStablecoinBySig";
        args: readonly unknown[];
      },
): Promise<bigint> {
  const { publicClient } = chain;
  try {
    return await publicClient.estimateContractGas({
      address: call.address,
      abi: call.abi,
      functionName: call.functionName,
      args: call.args,
      account: chain.signer.address,
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
export async function queueSponsored(
  deps: GaslessDeps,
  request: {
    kind: GaslessKind;
    dedupeKey: string;
    fan: Address;
    estimate: bigint;
    payload: unknown;
    hold?: (trx: Kysely<Database>, rowId: number, now: number) => Promise<void>;
  },
): Promise<RelayAccepted> {
  const { config, clock, store, chain } = deps;
  const { kind, dedupeKey, fan, payload, hold } = request;
  const gas = (request.estimate * BigInt(config.tx.gasLimitPercent) + 99n) / 100n;
  const now = clock.now();
  const month = monthOf(now);
  const fees = await chain.publicClient.estimateFeesPerGas().catch(() => ({ maxFeePerGas: 0n }));
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
  deps.logger.child({ component: "gasless" }).info({ kind, fan, requestId: id, gas }, "gasless request queued");
  return { requestId: id, status: "queued", reservedGas: gas.toString() };
}
