// What each kind of outbox row does on-chain: how rows are checked against the
// chain before a send (and after a revert or a drop), how they become one
// transaction, and what a confirmation changes in the store.
import type { Kysely } from "kysely";
import { encodeFunctionData, type Address, type Hex } from "viem";

import type { ChainClients } from "../chain/clients.ts";
import { CreditStatus, stablecoinAbi, ticketsAbi, vaultAbi } from "../chain/contracts.ts";
import { isOnChain, readCreditRecords } from "../chain/reconcile.ts";
import type { Database, OutboxKind } from "../store/schema.ts";
import { parsePayload, type OutboxRow } from "./outbox.ts";

export interface CreditPayload {
  paymentRef: Hex;
  fan: Address;
  creator: Address;
  amount: string;
  source: number;
  channel: number;
  channelRef: Hex;
}

export interface TicketPayload {
  paymentRef: Hex;
  fan: Address;
  streamId: string;
  quantity: number;
  source: number;
}

export interface RefPayload {
  paymentRef: Hex;
}

export interface TipBySigPayload {
  auth: {
    fan: Address;
    creator: Address;
    amount: string;
    channel: number;
    channelRef: Hex;
    memoHash: Hex;
    nonce: string;
    deadline: string;
  };
  signature: Hex;
  permit: { value: string; deadline: string; v: number; r: Hex; s: Hex };
}

/**
 * A gasless ticket purchase: MesiTickets.buyBySig ($MESI: `maxTotalPrice`) or buyWithStablecoinBySig (`stablecoin`
 * and `maxStableIn`; the permit is then the stablecoin's). Both use the fan's one ticket nonce.
 */
/** A ticket order's price bound as stored: a total in $MESI, or a stablecoin and its maximum. */
export type TicketPriceBoundPayload = { maxTotalPrice: string } | { stablecoin: Address; maxStableIn: string };

export interface TicketBySigPayload {
  auth: {
    fan: Address;
    streamId: string;
    quantity: number;
    nonce: string;
    deadline: string;
  } & TicketPriceBoundPayload;
  signature: Hex;
  permit: { value: string; deadline: string; v: number; r: Hex; s: Hex };
}

/** The `ticket_reservations` id of the seats a gasless purchase (outbox row `rowId`) holds until it is on-chain or has failed. */
export function gaslessSeatsId(rowId: number): string {
  return `relay:${rowId}`;
}

export interface StablecoinTipPayload {
  auth: {
    fan: Address;
    stablecoin: Address;
    creator: Address;
    stableAmount: string;
    minMesiOut: string;
    channel: number;
    channelRef: Hex;
    memoHash: Hex;
    validAfter: string;
    validBefore: string;
    salt: Hex;
  };
  /** The EIP-3009 nonce (vault.stablecoinTipNonce(auth)). */
  nonce: Hex;
  v: number;
  r: Hex;
  s: Hex;
}

export interface Verdicts {
  /** Still to do: may be sent. */
  readonly ready: OutboxRow[];
  /** Already done on-chain (by this or another instance, or by the fan). */
  readonly done: Array<{ row: OutboxRow; note: string }>;
  /**
   * Can never succeed. `permanent` (the default) when the chain refused it for good; false when it only ran out
   * of attempts (a person decides; see cli/requeue.ts).
   */
  readonly failed: Array<{ row: OutboxRow; error: string; permanent?: boolean }>;
  /** Not yet possible; try again after `delayMs`. */
  readonly wait: Array<{ row: OutboxRow; reason: string; delayMs: number }>;
}

export interface OperationContext {
  readonly chain: ChainClients;
  /** The chain's time (latest block): holds and deadlines are judged by it, as the contracts judge them. */
  readonly nowSeconds: () => Promise<bigint>;
}

export interface Operation {
  readonly kind: OutboxKind;
  /** Rows per transaction. */
  readonly batchable: boolean;
  check(context: OperationContext, rows: OutboxRow[], db: Kysely<Database>): Promise<Verdicts>;
  encode(context: OperationContext, rows: OutboxRow[]): { to: Address; data: Hex };
  /** Store updates once the rows are confirmed on-chain (or found done). */
  confirmed(db: Kysely<Database>, rows: OutboxRow[], now: number): Promise<void>;
  /** Store updates once the rows failed for good (`permanent`: refused by the chain, not just out of attempts). */
  failed(db: Kysely<Database>, rows: OutboxRow[], error: string, now: number, permanent: boolean): Promise<void>;
}

function emptyVerdicts(): Verdicts {
  return { ready: [], done: [], failed: [], wait: [] };
}

async function setPaymentStatus(
  db: Kysely<Database>,
  refs: readonly string[],
  from: readonly string[],
  to: Database["payments"]["status"],
  now: number,
  reason?: string,
): Promise<void> {
  if (refs.length === 0) return;
  await db
    .updateTable("payments")
    .set({ status: to, updated_at: now, ...(reason === undefined ? {} : { reason }) })
    .where("payment_ref", "in", [...refs])
    .where("status", "in", [...from] as Database["payments"]["status"][])
    .execute();
}

const refOf = (row: OutboxRow): Hex => (row.payment_ref ?? parsePayload<RefPayload>(row).paymentRef) as Hex;

/** Rows whose reference the vault already knows are done; the rest are ready. */
async function checkUnusedRefs(context: OperationContext, rows: OutboxRow[]): Promise<Verdicts> {
  const verdicts = emptyVerdicts();
  const records = await readCreditRecords(context.chain.publicClient, context.chain.addresses.vault, rows.map(refOf));
  for (const row of rows) {
    if (isOnChain(records.get(refOf(row)))) verdicts.done.push({ row, note: "reference already used on-chain" });
    else verdicts.ready.push(row);
  }
  return verdicts;
}

const creditOperation: Operation = {
  kind: "credit",
  batchable: true,
  check: (context, rows) => checkUnusedRefs(context, rows),
  encode(context, rows) {
    const credits = rows.map((row) => {
      const c = parsePayload<CreditPayload>(row);
      return {
        paymentRef: c.paymentRef,
        fan: c.fan,
        creator: c.creator,
        amount: BigInt(c.amount),
        source: c.source,
        channel: c.channel,
        channelRef: c.channelRef,
      };
    });
    const data =
      credits.length === 1
        ? encodeFunctionData({ abi: vaultAbi, functionName: "credit", args: [credits[0]!] })
        : encodeFunctionData({ abi: vaultAbi, functionName: "creditBatch", args: [credits] });
    return { to: context.chain.addresses.vault, data };
  },
  confirmed: (db, rows, now) => setPaymentStatus(db, rows.map(refOf), ["credit_queued"], "credited", now),
  // Refused by the chain: the card is refunded (stripe/refunds.ts). Out of attempts: a person looks.
  failed: (db, rows, error, now, permanent) =>
    setPaymentStatus(
      db,
      rows.map(refOf),
      ["credit_queued"],
      permanent ? "refund_pending" : "flagged",
      now,
      `credit failed: ${error}`,
    ),
};

const ticketOperation: Operation = {
  ...creditOperation,
  kind: "ticket",
  batchable: false,
  encode(context, rows) {
    const t = parsePayload<TicketPayload>(rows[0]!);
    const data = encodeFunctionData({
      abi: ticketsAbi,
      functionName: "buyWithCredit",
      args: [t.paymentRef, t.fan, BigInt(t.streamId), t.quantity, t.source],
    });
    return { to: context.chain.addresses.tickets, data };
  },
};

const reverseOperation: Operation = {
  kind: "reverse",
  batchable: false,
  async check(context, rows, db) {
    const verdicts = emptyVerdicts();
    const records = await readCreditRecords(context.chain.publicClient, context.chain.addresses.vault, rows.map(refOf));
    const now = await context.nowSeconds();
    for (const row of rows) {
      const record = records.get(refOf(row))!;
      if (record.status === CreditStatus.Reversed) verdicts.done.push({ row, note: "already reversed" });
      else if (
        record.status === CreditStatus.Cleared ||
        (record.status === CreditStatus.Held && record.clearsAt <= now)
      ) {
        verdicts.failed.push({ row, error: "hold period over: the credit can no longer be reversed on-chain" });
      } else if (record.status === CreditStatus.Held) verdicts.ready.push(row);
      else {
        // Not credited yet: the credit is still in flight, or was cancelled / failed.
        const credit = await db
          .selectFrom("outbox")
          .select(["state"])
          .where("payment_ref", "=", refOf(row))
          .where("kind", "in", ["credit", "ticket"])
          .executeTakeFirst();
        if (credit === undefined || credit.state === "cancelled" || credit.state === "failed") {
          verdicts.done.push({ row, note: "nothing was credited" });
        } else verdicts.wait.push({ row, reason: "credit not on-chain yet", delayMs: 1_000 });
      }
    }
    return verdicts;
  },
  encode(context, rows) {
    return {
      to: context.chain.addresses.vault,
      data: encodeFunctionData({ abi: vaultAbi, functionName: "reverseCredit", args: [refOf(rows[0]!)] }),
    };
  },
  confirmed: (db, rows, now) => setPaymentStatus(db, rows.map(refOf), ["reversal_queued"], "reversed", now),
  failed: (db, rows, error, now) =>
    setPaymentStatus(db, rows.map(refOf), ["reversal_queued"], "flagged", now, `reversal impossible: ${error}`),
};

const settleOperation: Operation = {
  kind: "settle",
  batchable: true,
  async check(context, rows, db) {
    const verdicts = emptyVerdicts();
    const records = await readCreditRecords(context.chain.publicClient, context.chain.addresses.vault, rows.map(refOf));
    const now = await context.nowSeconds();
    const payments = await db
      .selectFrom("payments")
      .select(["payment_ref", "status"])
      .where("payment_ref", "in", rows.map(refOf))
      .execute();
    const statusOf = new Map(payments.map((payment) => [payment.payment_ref, payment.status]));
    for (const row of rows) {
      const record = records.get(refOf(row))!;
      if (record.status === CreditStatus.None) {
        // No credit on-chain is not "settled": a reorg removed it and it is being sent again — unless the
        // payment no longer expects one (refunded before it landed again).
        const status = statusOf.get(refOf(row));
        if (status === "credited" || status === "credit_queued")
          verdicts.wait.push({
            row,
            reason: "credit not on-chain (removed by a reorg); waiting for it",
            delayMs: 5_000,
          });
        else verdicts.done.push({ row, note: `nothing held on-chain (payment ${status ?? "unknown"})` });
      } else if (record.status !== CreditStatus.Held) verdicts.done.push({ row, note: "not held" });
      else if (record.clearsAt > now)
        verdicts.wait.push({ row, reason: "hold not over", delayMs: Number(record.clearsAt - now) * 1000 });
      else verdicts.ready.push(row);
    }
    return verdicts;
  },
  encode(context, rows) {
    return {
      to: context.chain.addresses.vault,
      data: encodeFunctionData({ abi: vaultAbi, functionName: "settleCredits", args: [rows.map(refOf)] }),
    };
  },
  confirmed: async () => undefined,
  failed: async () => undefined,
};

const tipBySigOperation: Operation = {
  kind: "tipBySig",
  batchable: false,
  async check(context, rows) {
    const verdicts = emptyVerdicts();
    for (const row of rows) {
      const { auth } = parsePayload<TipBySigPayload>(row);
      const nonce = await context.chain.publicClient.readContract({
        address: context.chain.addresses.vault,
        abi: vaultAbi,
        functionName: "nonces",
        args: [auth.fan],
      });
      if (nonce > BigInt(auth.nonce)) verdicts.done.push({ row, note: "the fan's nonce is already used" });
      else if (BigInt(auth.deadline) < (await context.nowSeconds()))
        verdicts.failed.push({ row, error: "signature deadline passed" });
      else verdicts.ready.push(row);
    }
    return verdicts;
  },
  encode(context, rows) {
    const { auth, signature, permit } = parsePayload<TipBySigPayload>(rows[0]!);
    const data = encodeFunctionData({
      abi: vaultAbi,
      functionName: "tipBySig",
      args: [
        {
          fan: auth.fan,
          creator: auth.creator,
          amount: BigInt(auth.amount),
          channel: auth.channel,
          channelRef: auth.channelRef,
          memoHash: auth.memoHash,
          nonce: BigInt(auth.nonce),
          deadline: BigInt(auth.deadline),
        },
        signature,
        { value: BigInt(permit.value), deadline: BigInt(permit.deadline), v: permit.v, r: permit.r, s: permit.s },
      ],
    });
    return { to: context.chain.addresses.vault, data };
  },
  confirmed: async () => undefined,
  failed: async () => undefined,
};

const stablecoinTipOperation: Operation = {
  kind: "stablecoinTip",
  batchable: false,
  async check(context, rows) {
    const verdicts = emptyVerdicts();
    for (const row of rows) {
      const { auth, nonce } = parsePayload<StablecoinTipPayload>(row);
      const used = await context.chain.publicClient.readContract({
        address: auth.stablecoin,
        abi: stablecoinAbi,
        functionName: "authorizationState",
        args: [auth.fan, nonce],
      });
      if (used) verdicts.done.push({ row, note: "authorization already used" });
      else if (BigInt(auth.validBefore) <= (await context.nowSeconds()))
        verdicts.failed.push({ row, error: "authorization expired" });
      else verdicts.ready.push(row);
    }
    return verdicts;
  },
  encode(context, rows) {
    const { auth, v, r, s } = parsePayload<StablecoinTipPayload>(rows[0]!);
    const data = encodeFunctionData({
      abi: vaultAbi,
      functionName: "tipWithStablecoinAuthorization",
      args: [
        {
          fan: auth.fan,
          stablecoin: auth.stablecoin,
          creator: auth.creator,
          stableAmount: BigInt(auth.stableAmount),
          minMesiOut: BigInt(auth.minMesiOut),
          channel: auth.channel,
          channelRef: auth.channelRef,
          memoHash: auth.memoHash,
          validAfter: BigInt(auth.validAfter),
          validBefore: BigInt(auth.validBefore),
          salt: auth.salt,
        },
        v,
        r,
        s,
      ],
    });
    return { to: context.chain.addresses.vault, data };
  },
  confirmed: async () => undefined,
  failed: async () => undefined,
};

async function setGaslessSeats(
  db: Kysely<Database>,
  rows: OutboxRow[],
  to: Database["ticket_reservations"]["status"],
): Promise<void> {
  if (rows.length === 0) return;
  await db
    .updateTable("ticket_reservations")
    .set({ status: to })
    .where(
      "quote_id",
      "in",
      rows.map((row) => gaslessSeatsId(row.id)),
    )
    .where("status", "=", "active")
    .execute();
}

const ticketBySigOperation: Operation = {
  kind: "ticketBySig",
  batchable: false,
  async check(context, rows) {
    const verdicts = emptyVerdicts();
    for (const row of rows) {
      const { auth } = parsePayload<TicketBySigPayload>(row);
      const nonce = await context.chain.publicClient.readContract({
        address: context.chain.addresses.tickets,
        abi: ticketsAbi,
        functionName: "nonces",
        args: [auth.fan],
      });
      if (nonce > BigInt(auth.nonce)) verdicts.done.push({ row, note: "the fan's ticket nonce is already used" });
      else if (BigInt(auth.deadline) < (await context.nowSeconds()))
        verdicts.failed.push({ row, error: "signature deadline passed" });
      else verdicts.ready.push(row);
    }
    return verdicts;
  },
  encode(context, rows) {
    const { auth, signature, permit } = parsePayload<TicketBySigPayload>(rows[0]!);
    const order = {
      fan: auth.fan,
      streamId: BigInt(auth.streamId),
      quantity: auth.quantity,
      nonce: BigInt(auth.nonce),
      deadline: BigInt(auth.deadline),
    };
    const permitArgs = {
      value: BigInt(permit.value),
      deadline: BigInt(permit.deadline),
      v: permit.v,
      r: permit.r,
      s: permit.s,
    };
    const data =
      "stablecoin" in auth
        ? encodeFunctionData({
            abi: ticketsAbi,
            functionName: "buyWithStablecoinBySig",
            args: [
              { ...order, stablecoin: auth.stablecoin, maxStableIn: BigInt(auth.maxStableIn) },
              signature,
              permitArgs,
            ],
          })
        : encodeFunctionData({
            abi: ticketsAbi,
            functionName: "buyBySig",
            args: [{ ...order, maxTotalPrice: BigInt(auth.maxTotalPrice) }, signature, permitArgs],
          });
    return { to: context.chain.addresses.tickets, data };
  },
  // The seats stop being held either way: sold on-chain, or never to be.
  // (markFailed gives the reserved sponsorship back, as for every sponsored row.)
  confirmed: (db, rows) => setGaslessSeats(db, rows, "consumed"),
  failed: (db, rows) => setGaslessSeats(db, rows, "released"),
};

export const operations: Readonly<Record<OutboxKind, Operation>> = {
  credit: creditOperation,
  ticket: ticketOperation,
  reverse: reverseOperation,
  settle: settleOperation,
  tipBySig: tipBySigOperation,
  stablecoinTip: stablecoinTipOperation,
  ticketBySig: ticketBySigOperation,
};
