// Following the transactions one hot wallet sent: receipts, the confirmation
// depth (then the payments are booked), transactions a reorg removed (sent
// again, also after confirmation until final), stuck ones replaced with higher
// fees up to the ceiling, signed ones the node lost broadcast again, ones whose
// nonce went elsewhere reconciled against the chain; and rows another wallet
// left unfinished, taken over.
import { keccak256, type Hex, type TransactionReceipt } from "viem";
import type { Selectable } from "kysely";

import { operations } from "../outbox/operations.ts";
import { markConfirmed, type OutboxRow } from "../outbox/outbox.ts";
import type { OutboxKind, TransactionsTable } from "../store/schema.ts";
import { addUsage, monthOf } from "../sponsorship/budget.ts";
import type { Logger } from "../logger.ts";
import type { Broadcaster } from "./broadcaster.ts";
import { bumpFees, capFees, estimateFees, feeCeilingOf, isReplacementBump, type Fees } from "./fees.ts";
import type { RowVerdicts } from "./rowVerdicts.ts";
import type { TxEngineDeps } from "./txEngine.ts";

export type TxRow = Selectable<TransactionsTable>;

const REBROADCAST_CHECK_MS = 2_000;
/** Ticks a nonce may be used on-chain with none of our hashes mined before the transaction counts as dropped. */
const FOREIGN_NONCE_TICKS = 3;
/** A transaction stuck at the fee ceiling is reported at most this often. */
const FEE_CEILING_ALERT_INTERVAL_MS = 60_000;
/** How often confirmed transactions are checked again until final, and how many at a time. */
const FINALITY_CHECK_MS = 1_000;
const FINALITY_BATCH = 200;

export class TxTracker {
  readonly #deps: TxEngineDeps;
  readonly #log: Logger;
  readonly #sender: string;
  readonly #broadcaster: Broadcaster;
  readonly #verdicts: RowVerdicts;
  readonly #lastBroadcastCheck = new Map<number, number>();
  readonly #foreignNonceTicks = new Map<number, number>();
  #lastFinalityCheck = Number.NEGATIVE_INFINITY;
  readonly #ceilingAlerts = new Map<number, number>();
  /** When a transaction was last found at the fee ceiling: looked at again only after `replaceAfterMs`. */
  readonly #ceilingChecks = new Map<number, number>();

  constructor(
    deps: TxEngineDeps,
    parts: { log: Logger; sender: string; broadcaster: Broadcaster; verdicts: RowVerdicts },
  ) {
    this.#deps = deps;
    this.#log = parts.log;
    this.#sender = parts.sender;
    this.#broadcaster = parts.broadcaster;
    this.#verdicts = parts.verdicts;
  }

  /**
   * Takes over rows that another hot wallet sent and never finished (its instance died for good, or the
   * key changed): rows already done on-chain are confirmed, the rest are queued again for this wallet.
   * Should the other transaction still land, the vault refuses the reference a second time.
   */
  async adoptOrphans(): Promise<number> {
    const { store, clock, config } = this.#deps;
    const cutoff = clock.now() - config.tx.orphanAfterMs;
    const finalBlock = Number(await this.#finalBlock());
    const rows = await store.db
      .selectFrom("outbox")
      .innerJoin("transactions", "transactions.id", "outbox.tx_id")
      .selectAll("outbox")
      .where("outbox.state", "=", "sent")
      .where("transactions.sender", "!=", this.#sender)
      // A peer's mined transaction waiting for its confirmations is healthy: taken over only once final.
      .where((eb) =>
        eb.or([
          eb("transactions.state", "=", "pending"),
          eb.and([eb("transactions.state", "=", "mined"), eb("transactions.mined_block", "<=", finalBlock)]),
        ]),
      )
      .where("transactions.last_sent_at", "<", cutoff)
      .where("outbox.updated_at", "<", cutoff)
      .limit(500)
      .execute();
    const byKind = new Map<OutboxKind, OutboxRow[]>();
    for (const row of rows) byKind.set(row.kind, [...(byKind.get(row.kind) ?? []), row]);
    for (const [kind, kindRows] of byKind) {
      this.#log.warn({ kind, rows: kindRows.length }, "taking over rows another hot wallet left unfinished");
      await this.#verdicts.settleAgainstChain(kind, kindRows, "taken over from another hot wallet");
    }
    return rows.length;
  }

  async inFlight(): Promise<TxRow[]> {
    return await this.#deps.store.db
      .selectFrom("transactions")
      .selectAll()
      .where("sender", "=", this.#sender)
      .where("state", "in", ["pending", "mined"])
      .orderBy("nonce")
      .execute();
  }

  async track(): Promise<void> {
    await this.#trackInFlight();
    await this.#verifyUntilFinal();
  }

  /** The block at or below which a block is final: the node's `finalized` block, or head − depth + 1. */
  async #finalBlock(head?: bigint): Promise<bigint> {
    const { finality } = this.#deps.config.chain;
    const { publicClient } = this.#deps.chain;
    if (finality === "finalized") {
      return (await publicClient.getBlock({ blockTag: "finalized" })).number;
    }
    const latest = head ?? (await publicClient.getBlockNumber({ cacheTime: 0 }));
    return latest - BigInt(finality.depth) + 1n;
  }

  /**
   * Confirmed transactions are checked again until their block is final. One a reorg removed goes back to
   * pending (rebroadcast, or reconciled if its nonce went elsewhere) and its rows and payments back to "sent"
   * and "credit_queued": a credit the chain no longer has is never counted done.
   */
  async #verifyUntilFinal(): Promise<void> {
    const { store, clock } = this.#deps;
    const now = clock.now();
    if (now - this.#lastFinalityCheck < FINALITY_CHECK_MS) return;
    this.#lastFinalityCheck = now;
    const txs = await store.db
      .selectFrom("transactions")
      .selectAll()
      .where("sender", "=", this.#sender)
      .where("state", "=", "confirmed")
      .orderBy("nonce")
      .limit(FINALITY_BATCH)
      .execute();
    if (txs.length === 0) return;
    const finalBlock = await this.#finalBlock();
    const receipts = await Promise.all(txs.map((tx) => this.#findReceipt(tx)));
    const final: number[] = [];
    for (const [index, tx] of txs.entries()) {
      const receipt = receipts[index];
      if (receipt === undefined) {
        await this.#reopen(tx);
        continue;
      }
      if (receipt.blockHash !== tx.mined_block_hash) {
        await store.db
          .updateTable("transactions")
          .set({
            mined_hash: receipt.transactionHash,
            mined_block: Number(receipt.blockNumber),
            mined_block_hash: receipt.blockHash,
          })
          .where("id", "=", tx.id)
          .execute();
      }
      if (receipt.blockNumber <= finalBlock) final.push(tx.id);
    }
    if (final.length > 0)
      await store.db
        .updateTable("transactions")
        .set({ state: "final" })
        .where("id", "in", final)
        .where("state", "=", "confirmed")
        .execute();
  }

  async #reopen(tx: TxRow): Promise<void> {
    const { store, clock, metrics } = this.#deps;
    const now = clock.now();
    this.#log.error(
      { kind: tx.kind, nonce: tx.nonce, hash: tx.mined_hash, block: tx.mined_block },
      "a confirmed transaction was removed by a reorg deeper than the confirmation depth; sending it again",
    );
    metrics.reorgs.inc();
    await store.transaction(async (trx) => {
      await trx
        .updateTable("transactions")
        .set({ state: "pending", mined_hash: null, mined_block: null, mined_block_hash: null, last_sent_at: now })
        .where("id", "=", tx.id)
        .where("state", "=", "confirmed")
        .execute();
      const rows = await trx
        .updateTable("outbox")
        .set({
          state: "sent",
          confirmed_at: null,
          updated_at: now,
          last_error: "removed by a reorg after confirmation; sending again",
        })
        .where("tx_id", "=", tx.id)
        .where("state", "=", "confirmed")
        .returning(["payment_ref"])
        .execute();
      const refs = rows.map((row) => row.payment_ref).filter((ref): ref is string => ref !== null);
      if (refs.length === 0) return;
      const undo =
        tx.kind === "reverse" ? (["reversed", "reversal_queued"] as const) : (["credited", "credit_queued"] as const);
      await trx
        .updateTable("payments")
        .set({ status: undo[1], updated_at: now, reason: "removed by a reorg after confirmation; sending again" })
        .where("payment_ref", "in", refs)
        .where("status", "=", undo[0])
        .execute();
    });
    this.#lastBroadcastCheck.delete(tx.id);
  }

  async #trackInFlight(): Promise<void> {
    const txs = await this.inFlight();
    if (txs.length === 0) return;
    const { publicClient } = this.#deps.chain;
    const [head, latestNonce] = await Promise.all([
      publicClient.getBlockNumber({ cacheTime: 0 }),
      publicClient.getTransactionCount({ address: this.#deps.chain.signer.address, blockTag: "latest" }),
    ]);
    const receipts = await Promise.all(txs.map((tx) => this.#findReceipt(tx)));
    for (const [index, tx] of txs.entries()) {
      const receipt = receipts[index];
      if (receipt !== undefined) {
        this.#foreignNonceTicks.delete(tx.id);
        await this.#onReceipt(tx, receipt, head);
        continue;
      }
      if (tx.state === "mined") {
        this.#log.warn(
          { nonce: tx.nonce, hash: tx.mined_hash, block: tx.mined_block },
          "transaction removed by a reorg; sending again",
        );
        this.#deps.metrics.reorgs.inc();
        await this.#deps.store.db
          .updateTable("transactions")
          .set({ state: "pending", mined_hash: null, mined_block: null, mined_block_hash: null })
          .where("id", "=", tx.id)
          .execute();
        this.#lastBroadcastCheck.delete(tx.id);
      }
      if (latestNonce > tx.nonce) {
        const ticks = (this.#foreignNonceTicks.get(tx.id) ?? 0) + 1;
        this.#foreignNonceTicks.set(tx.id, ticks);
        if (ticks >= FOREIGN_NONCE_TICKS) await this.#onDropped(tx);
        continue;
      }
      const now = this.#deps.clock.now();
      const replaceAfterMs = this.#deps.config.tx.replaceAfterMs;
      const atCeilingSince = this.#ceilingChecks.get(tx.id);
      if (
        now - tx.last_sent_at >= replaceAfterMs &&
        (atCeilingSince === undefined || now - atCeilingSince >= replaceAfterMs) &&
        (await this.#nodeHasLatest(tx))
      ) {
        await this.#replace(tx);
      } else if (now - (this.#lastBroadcastCheck.get(tx.id) ?? 0) >= REBROADCAST_CHECK_MS) {
        this.#lastBroadcastCheck.set(tx.id, now);
        await this.#rebroadcastIfLost(tx);
      }
    }
  }

  async #findReceipt(tx: TxRow): Promise<TransactionReceipt | undefined> {
    const hashes = JSON.parse(tx.hashes) as Hex[];
    const found = await Promise.all(
      hashes.map((hash) => this.#deps.chain.publicClient.getTransactionReceipt({ hash }).catch(() => undefined)),
    );
    return found.find((receipt) => receipt !== undefined);
  }

  async #onReceipt(tx: TxRow, receipt: TransactionReceipt, head: bigint): Promise<void> {
    const { store } = this.#deps;
    if (
      tx.state === "pending" ||
      tx.mined_hash !== receipt.transactionHash ||
      tx.mined_block_hash !== receipt.blockHash
    ) {
      await store.db
        .updateTable("transactions")
        .set({
          state: "mined",
          mined_hash: receipt.transactionHash,
          mined_block: Number(receipt.blockNumber),
          mined_block_hash: receipt.blockHash,
          gas_used: receipt.gasUsed.toString(),
          effective_gas_price: receipt.effectiveGasPrice.toString(),
        })
        .where("id", "=", tx.id)
        .execute();
    }
    const depth = head - receipt.blockNumber + 1n;
    if (depth < BigInt(this.#deps.config.chain.confirmations)) return;
    this.#deps.crashPoint?.("engine:before-confirm");
    if (receipt.status === "success") await this.#onConfirmed(tx, receipt);
    else await this.#onReverted(tx, receipt);
  }

  async #rowsOf(tx: TxRow): Promise<OutboxRow[]> {
    return await this.#deps.store.db
      .selectFrom("outbox")
      .selectAll()
      .where("tx_id", "=", tx.id)
      .where("state", "=", "sent")
      .orderBy("id")
      .execute();
  }

  async #onConfirmed(tx: TxRow, receipt: TransactionReceipt): Promise<void> {
    const { store, clock, metrics } = this.#deps;
    const rows = await this.#rowsOf(tx);
    const now = clock.now();
    const operation = operations[tx.kind];
    await store.transaction(async (trx) => {
      await trx
        .updateTable("transactions")
        .set({
          state: "confirmed",
          gas_used: receipt.gasUsed.toString(),
          effective_gas_price: receipt.effectiveGasPrice.toString(),
        })
        .where("id", "=", tx.id)
        .execute();
      await markConfirmed(
        trx,
        rows.map((row) => row.id),
        { now },
      );
      await operation.confirmed(trx, rows, now);
      for (const row of rows) {
        if (row.sponsor_fan === null) continue;
        const reserved = BigInt(row.sponsor_gas ?? "0");
        const gasShare = receipt.gasUsed / BigInt(rows.length);
        await addUsage(
          trx,
          row.sponsor_fan,
          monthOf(row.created_at),
          gasShare - reserved,
          gasShare * receipt.effectiveGasPrice,
        );
        metrics.sponsoredGas.inc(Number(gasShare));
      }
    });
    this.#ceilingAlerts.delete(tx.id);
    this.#ceilingChecks.delete(tx.id);
    if (this.#ceilingAlerts.size === 0) metrics.feeCeilingReached.set(0);
    metrics.creditsConfirmed.inc({ kind: tx.kind }, rows.length);
    for (const row of rows) metrics.confirmationLatency.observe({ kind: tx.kind }, (now - row.created_at) / 1000);
    this.#log.info(
      { kind: tx.kind, nonce: tx.nonce, hash: receipt.transactionHash, rows: rows.length, gasUsed: receipt.gasUsed },
      "transaction confirmed",
    );
  }

  async #onReverted(tx: TxRow, receipt: TransactionReceipt): Promise<void> {
    const { store } = this.#deps;
    this.#deps.metrics.reverts.inc({ kind: tx.kind });
    this.#log.warn(
      { kind: tx.kind, nonce: tx.nonce, hash: receipt.transactionHash },
      "transaction reverted; reconciling its rows",
    );
    const rows = await this.#rowsOf(tx);
    await store.db.updateTable("transactions").set({ state: "reverted" }).where("id", "=", tx.id).execute();
    await this.#verdicts.settleAgainstChain(tx.kind, rows, "transaction reverted");
  }

  /** A transaction none of whose hashes mined while its nonce was used on-chain: its rows are reconciled and sent again. */
  async #onDropped(tx: TxRow): Promise<void> {
    this.#log.warn(
      { kind: tx.kind, nonce: tx.nonce },
      "transaction dropped (its nonce was used elsewhere); reconciling its rows",
    );
    this.#foreignNonceTicks.delete(tx.id);
    const rows = await this.#rowsOf(tx);
    await this.#deps.store.db.updateTable("transactions").set({ state: "dropped" }).where("id", "=", tx.id).execute();
    await this.#verdicts.settleAgainstChain(tx.kind, rows, "transaction dropped");
  }

  async #rebroadcastIfLost(tx: TxRow): Promise<void> {
    const hashes = JSON.parse(tx.hashes) as Hex[];
    const latest = hashes[hashes.length - 1]!;
    const known = await this.#deps.chain.publicClient.getTransaction({ hash: latest }).catch(() => undefined);
    if (known !== undefined) return;
    this.#log.info(
      { nonce: tx.nonce, hash: latest },
      "the node does not know a transaction in flight; broadcasting it again",
    );
    await this.#broadcaster.broadcast(tx.raw as Hex, tx.nonce);
  }

  /**
   * Whether the node accepted the latest signed version of `tx`. A transaction the node never took (the broadcast
   * failed: no gas money, node down) is broadcast again as it is, never bumped: bumping it would only raise the
   * price paid once the broadcast finally works.
   */
  async #nodeHasLatest(tx: TxRow): Promise<boolean> {
    const hashes = JSON.parse(tx.hashes) as Hex[];
    const latest = hashes[hashes.length - 1]!;
    if (this.#broadcaster.hasAccepted(latest)) return true;
    // After a restart this process has not seen the node's answer: ask the node.
    const known = await this.#deps.chain.publicClient.getTransaction({ hash: latest }).catch(() => undefined);
    if (known !== undefined) {
      this.#broadcaster.remember(latest);
      return true;
    }
    const now = this.#deps.clock.now();
    if (now - (this.#lastBroadcastCheck.get(tx.id) ?? 0) >= REBROADCAST_CHECK_MS) {
      this.#lastBroadcastCheck.set(tx.id, now);
      this.#log.info(
        { nonce: tx.nonce },
        "the node has not taken a stuck transaction; broadcasting it again, not bumping",
      );
      await this.#broadcaster.broadcast(tx.raw as Hex, tx.nonce);
    }
    return false;
  }

  async #replace(tx: TxRow): Promise<void> {
    const { chain, config, store, clock } = this.#deps;
    const previous: Fees = { maxFeePerGas: BigInt(tx.max_fee), maxPriorityFeePerGas: BigInt(tx.max_priority_fee) };
    const fees = capFees(
      bumpFees(previous, await estimateFees(chain.publicClient), config.tx.bumpPercent),
      feeCeilingOf(this.#deps.config),
    );
    if (!isReplacementBump(previous, fees)) {
      // At the ceiling: no replacement the node would take. Wait for the base fee to fall, and say so.
      this.#deps.metrics.feeCeilingReached.set(1);
      const now = clock.now();
      this.#ceilingChecks.set(tx.id, now);
      if (now - (this.#ceilingAlerts.get(tx.id) ?? Number.NEGATIVE_INFINITY) >= FEE_CEILING_ALERT_INTERVAL_MS) {
        this.#ceilingAlerts.set(tx.id, now);
        this.#log.error(
          { nonce: tx.nonce, maxFeePerGas: previous.maxFeePerGas, ceiling: feeCeilingOf(this.#deps.config) },
          "a stuck transaction is at the fee ceiling (tx.maxFeePerGas / tx.maxPriorityFeePerGas); not bumping further",
        );
      }
      return;
    }
    const raw = await chain.signer.signTransaction({
      chainId: chain.chain.id,
      nonce: tx.nonce,
      to: tx.to_address as Hex,
      data: tx.data as Hex,
      gas: BigInt(tx.gas_limit),
      ...fees,
    });
    const hash = keccak256(raw);
    const hashes = [...(JSON.parse(tx.hashes) as string[]), hash];
    const now = clock.now();
    await store.db
      .updateTable("transactions")
      .set({
        raw,
        hashes: JSON.stringify(hashes),
        max_fee: fees.maxFeePerGas.toString(),
        max_priority_fee: fees.maxPriorityFeePerGas.toString(),
        last_sent_at: now,
      })
      .where("id", "=", tx.id)
      .execute();
    await store.db
      .updateTable("outbox")
      .set({ tx_hash: hash, updated_at: now })
      .where("tx_id", "=", tx.id)
      .where("state", "=", "sent")
      .execute();
    this.#deps.metrics.replacements.inc();
    this.#log.warn(
      { nonce: tx.nonce, hash, maxFeePerGas: fees.maxFeePerGas },
      "replacing a stuck transaction with higher fees",
    );
    this.#lastBroadcastCheck.set(tx.id, now);
    await this.#broadcaster.broadcast(raw, tx.nonce);
  }
}
