// The transaction engine of one instance: one hot wallet, its own nonce.
//
// Each tick it (1) follows its transactions in flight — receipts, confirmation
// depth, reorgs, stuck transactions replaced with ≥ 10 % higher fees, signed
// transactions the node lost rebroadcast — and (2) takes new work from the
// outbox, checks it against the chain (a reference the vault already knows is
// done), batches credits into one creditBatch, and sends.
//
// Write-ahead: a transaction is signed locally and recorded (raw bytes, hash,
// nonce, rows) in the store before it is broadcast. A crash at any point leaves
// either rows still queued/claimed (taken again) or a recorded transaction
// (rebroadcast, or reconciled against the vault if its nonce went elsewhere).
import { keccak256, type Hex, type TransactionReceipt } from "viem";

import { backoffDelay } from "../backoff.ts";
import type { Clock } from "../clock.ts";
import type { RelayerConfig } from "../config.ts";
import type { CrashHook } from "../crashPoints.ts";
import type { Logger } from "../logger.ts";
import type { RelayerMetrics } from "../metrics.ts";
import { operations, type Operation, type OperationContext, type Verdicts } from "../outbox/operations.ts";
import {
  claim,
  markConfirmed,
  markFailed,
  queuedSummary,
  releaseAbandonedClaims,
  requeue,
  type OutboxRow,
} from "../outbox/outbox.ts";
import type { OutboxKind, TransactionsTable } from "../store/schema.ts";
import type { Store } from "../store/store.ts";
import { addUsage, monthOf } from "../sponsorship/budget.ts";
import type { ChainClients } from "./clients.ts";
import { bumpFees, capFees, estimateFees, isReplacementBump, type Fees } from "./fees.ts";
import { NonceManager } from "./nonceManager.ts";
import { decodeRevert, formatRevert, isPermanentRevert } from "./revert.ts";
import { describeError, isAlreadySentError } from "./sendErrors.ts";
import type { Selectable } from "kysely";

type TxRow = Selectable<TransactionsTable>;

export interface TxEngineDeps {
  readonly config: RelayerConfig;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly store: Store;
  readonly chain: ChainClients;
  readonly metrics: RelayerMetrics;
  /** Fault injection for crash tests (crashPoints.ts): only the test entry installs one. */
  readonly crashPoint?: CrashHook;
}

const SINGLE_KINDS: readonly OutboxKind[] = ["ticket", "reverse", "tipBySig", "stablecoinTip", "ticketBySig"];
const REBROADCAST_CHECK_MS = 2_000;
/** Ticks a nonce may be used on-chain with none of our hashes mined before the transaction counts as dropped. */
const FOREIGN_NONCE_TICKS = 3;
/** A transaction stuck at the fee ceiling is reported at most this often. */
const FEE_CEILING_ALERT_INTERVAL_MS = 60_000;
/** How often confirmed transactions are checked again until final, and how many at a time. */
const FINALITY_CHECK_MS = 1_000;
const FINALITY_BATCH = 200;
/** The "float cannot cover credits" alert is logged at most this often. */
const FLOAT_ALERT_INTERVAL_MS = 60_000;
/** Kinds paid out of the vault's float. */
const FLOAT_KINDS: ReadonlySet<OutboxKind> = new Set(["credit", "ticket"]);

export class TxEngine {
  readonly #deps: TxEngineDeps;
  readonly #log: Logger;
  readonly #nonces: NonceManager;
  readonly #sender: string;
  readonly #context: OperationContext;
  readonly #lastBroadcastCheck = new Map<number, number>();
  readonly #foreignNonceTicks = new Map<number, number>();
  #lastNodeError = 0;
  #lastFloatAlert = Number.NEGATIVE_INFINITY;
  #lastFinalityCheck = Number.NEGATIVE_INFINITY;
  readonly #ceilingAlerts = new Map<number, number>();
  /** Hashes the node accepted from this process. */
  readonly #accepted = new Set<Hex>();
  /** When a transaction was last found at the fee ceiling: looked at again only after `replaceAfterMs`. */
  readonly #ceilingChecks = new Map<number, number>();

  constructor(deps: TxEngineDeps) {
    this.#deps = deps;
    this.#log = deps.logger.child({ component: "txEngine" });
    this.#sender = deps.chain.account.address.toLowerCase();
    this.#nonces = new NonceManager(deps.chain.publicClient, deps.store, deps.chain.account.address);
    this.#context = {
      chain: deps.chain,
      nowSeconds: async () => (await deps.chain.publicClient.getBlock({ blockTag: "latest" })).timestamp,
    };
  }

  get sender(): string {
    return this.#sender;
  }

  /** Start-up reconciliation: hands back claims this instance never sent; in-flight transactions are followed by the next tick. */
  async reconcileAtStart(): Promise<void> {
    const released = await releaseAbandonedClaims(this.#deps.store.db, {
      instanceId: this.#deps.config.instanceId,
      now: this.#deps.clock.now(),
      leaseMs: this.#deps.config.tx.claimLeaseMs,
    });
    const inFlight = await this.#inFlight();
    this.#log.info({ released, inFlight: inFlight.length }, "reconciling with the chain at start");
    this.#nonces.invalidate();
  }

  /** Runs ticks until `signal` aborts; the tick in progress finishes first. */
  async run(signal: AbortSignal): Promise<void> {
    await this.reconcileAtStart();
    while (!signal.aborted) {
      let busy = false;
      try {
        busy = await this.tick();
      } catch (error) {
        const now = this.#deps.clock.now();
        if (now - this.#lastNodeError > 5_000) {
          this.#log.warn({ err: describeError(error) }, "tick failed; retrying");
          this.#lastNodeError = now;
        }
        this.#nonces.invalidate();
      }
      if (!busy) await sleep(this.#deps.config.chain.pollIntervalMs, signal);
    }
  }

  /** One pass. Returns true when it sent something (the caller may go again at once). */
  async tick(): Promise<boolean> {
    await this.#track();
    return await this.#sendWork();
  }

  /**
   * Maintenance: claims whose lease ran out (their instance died between claiming and sending) go back to the
   * queue, whoever held them.
   */
  async releaseExpiredClaims(): Promise<number> {
    const released = await releaseAbandonedClaims(this.#deps.store.db, {
      now: this.#deps.clock.now(),
      leaseMs: this.#deps.config.tx.claimLeaseMs,
    });
    if (released > 0) this.#log.warn({ released }, "released rows whose claim lease ran out (their instance is gone)");
    return released;
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
      await this.#settleRowsAgainstChain(kind, kindRows, "taken over from another hot wallet");
    }
    return rows.length;
  }

  // ───────────────────────────── following transactions ─────────────────────────────

  async #inFlight(): Promise<TxRow[]> {
    return await this.#deps.store.db
      .selectFrom("transactions")
      .selectAll()
      .where("sender", "=", this.#sender)
      .where("state", "in", ["pending", "mined"])
      .orderBy("nonce")
      .execute();
  }

  async #track(): Promise<void> {
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
    const txs = await this.#inFlight();
    if (txs.length === 0) return;
    const { publicClient } = this.#deps.chain;
    const [head, latestNonce] = await Promise.all([
      publicClient.getBlockNumber({ cacheTime: 0 }),
      publicClient.getTransactionCount({ address: this.#deps.chain.account.address, blockTag: "latest" }),
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
    await this.#settleRowsAgainstChain(tx.kind, rows, "transaction reverted");
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
    await this.#settleRowsAgainstChain(tx.kind, rows, "transaction dropped");
  }

  /** After a revert or a drop: rows already done on-chain are confirmed, the rest go back to the queue. */
  async #settleRowsAgainstChain(kind: OutboxKind, rows: OutboxRow[], why: string): Promise<void> {
    if (rows.length === 0) return;
    const verdicts = await operations[kind].check(this.#context, rows, this.#deps.store.db);
    await this.#applyVerdicts(operations[kind], verdicts, { requeueReady: true, why });
  }

  async #applyVerdicts(
    operation: Operation,
    verdicts: Verdicts,
    options: { requeueReady: boolean; why: string },
  ): Promise<void> {
    const { store, clock, metrics, config } = this.#deps;
    const now = clock.now();
    const exhausted = options.requeueReady
      ? verdicts.ready.filter((row) => row.attempts + 1 >= config.tx.maxAttempts)
      : [];
    const retry = options.requeueReady ? verdicts.ready.filter((row) => row.attempts + 1 < config.tx.maxAttempts) : [];
    await store.transaction(async (trx) => {
      if (verdicts.done.length > 0) {
        const rows = verdicts.done.map((entry) => entry.row);
        await markConfirmed(
          trx,
          rows.map((row) => row.id),
          { now, note: verdicts.done[0]!.note },
        );
        await operation.confirmed(trx, rows, now);
      }
      for (const entry of verdicts.failed) {
        await markFailed(trx, [entry.row.id], entry.error, now);
        await operation.failed(trx, [entry.row], entry.error, now, entry.permanent !== false);
      }
      if (exhausted.length > 0) {
        const error = `gave up after ${config.tx.maxAttempts} attempts (${options.why})`;
        await markFailed(
          trx,
          exhausted.map((row) => row.id),
          error,
          now,
        );
        await operation.failed(trx, exhausted, error, now, false);
      }
      await requeue(
        trx,
        retry.map((row) => row.id),
        {
          now,
          error: options.why,
          notBefore: now + backoffDelay(retry[0]?.attempts ?? 0, { baseMs: 250, maxMs: 30_000 }),
        },
      );
      for (const entry of verdicts.wait) {
        await requeue(trx, [entry.row.id], {
          now,
          error: entry.reason,
          notBefore: now + entry.delayMs,
          countAttempt: false,
        });
      }
    });
    if (verdicts.done.length > 0) {
      metrics.creditsConfirmed.inc({ kind: operation.kind }, verdicts.done.length);
      for (const { row } of verdicts.done)
        metrics.confirmationLatency.observe({ kind: operation.kind }, (now - row.created_at) / 1000);
    }
    for (const entry of verdicts.failed) {
      this.#log.error(
        { kind: operation.kind, ref: entry.row.payment_ref, error: entry.error },
        "outbox row failed for good",
      );
    }
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
    await this.#broadcast(tx.raw as Hex, tx.nonce);
  }

  /**
   * Whether the node accepted the latest signed version of `tx`. A transaction the node never took (the broadcast
   * failed: no gas money, node down) is broadcast again as it is, never bumped: bumping it would only raise the
   * price paid once the broadcast finally works.
   */
  async #nodeHasLatest(tx: TxRow): Promise<boolean> {
    const hashes = JSON.parse(tx.hashes) as Hex[];
    const latest = hashes[hashes.length - 1]!;
    if (this.#accepted.has(latest)) return true;
    // After a restart this process has not seen the node's answer: ask the node.
    const known = await this.#deps.chain.publicClient.getTransaction({ hash: latest }).catch(() => undefined);
    if (known !== undefined) {
      this.#remember(latest);
      return true;
    }
    const now = this.#deps.clock.now();
    if (now - (this.#lastBroadcastCheck.get(tx.id) ?? 0) >= REBROADCAST_CHECK_MS) {
      this.#lastBroadcastCheck.set(tx.id, now);
      this.#log.info(
        { nonce: tx.nonce },
        "the node has not taken a stuck transaction; broadcasting it again, not bumping",
      );
      await this.#broadcast(tx.raw as Hex, tx.nonce);
    }
    return false;
  }

  get #feeCeiling(): Fees {
    return {
      maxFeePerGas: this.#deps.config.tx.maxFeePerGas,
      maxPriorityFeePerGas: this.#deps.config.tx.maxPriorityFeePerGas,
    };
  }

  async #replace(tx: TxRow): Promise<void> {
    const { chain, config, store, clock } = this.#deps;
    const previous: Fees = { maxFeePerGas: BigInt(tx.max_fee), maxPriorityFeePerGas: BigInt(tx.max_priority_fee) };
    const fees = capFees(
      bumpFees(previous, await estimateFees(chain.publicClient), config.tx.bumpPercent),
      this.#feeCeiling,
    );
    if (!isReplacementBump(previous, fees)) {
      // At the ceiling: no replacement the node would take. Wait for the base fee to fall, and say so.
      this.#deps.metrics.feeCeilingReached.set(1);
      const now = clock.now();
      this.#ceilingChecks.set(tx.id, now);
      if (now - (this.#ceilingAlerts.get(tx.id) ?? Number.NEGATIVE_INFINITY) >= FEE_CEILING_ALERT_INTERVAL_MS) {
        this.#ceilingAlerts.set(tx.id, now);
        this.#log.error(
          { nonce: tx.nonce, maxFeePerGas: previous.maxFeePerGas, ceiling: this.#feeCeiling },
          "a stuck transaction is at the fee ceiling (tx.maxFeePerGas / tx.maxPriorityFeePerGas); not bumping further",
        );
      }
      return;
    }
    const raw = await chain.account.signTransaction({
      chainId: chain.chain.id,
      type: "eip1559",
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
    await this.#broadcast(raw, tx.nonce);
  }

  /**
   * Sends signed bytes; "already known", "nonce too low" and "replacement underpriced" count as sent. Returns
   * whether the node accepted them (remembered: only an accepted transaction is ever bumped).
   */
  async #broadcast(raw: Hex, nonce: number): Promise<boolean> {
    try {
      await this.#deps.chain.publicClient.sendRawTransaction({ serializedTransaction: raw });
    } catch (error) {
      if (isAlreadySentError(error)) {
        this.#log.debug({ nonce, err: describeError(error) }, "node already has this nonce; treated as sent");
        this.#remember(keccak256(raw));
        return true;
      }
      // The transaction is recorded; the next ticks broadcast it again (unchanged) until the node takes it.
      this.#log.warn({ nonce, err: describeError(error) }, "broadcast failed; will retry");
      return false;
    }
    this.#remember(keccak256(raw));
    return true;
  }

  #remember(hash: Hex): void {
    this.#accepted.add(hash);
    if (this.#accepted.size > 10_000) this.#accepted.delete(this.#accepted.values().next().value!);
  }

  // ───────────────────────────── sending new work ─────────────────────────────

  async #sendWork(): Promise<boolean> {
    const { config } = this.#deps;
    const inFlight = await this.#deps.store.db
      .selectFrom("transactions")
      .select((eb) => eb.fn.countAll<number | string>().as("count"))
      .where("sender", "=", this.#sender)
      .where("state", "in", ["pending", "mined"])
      .executeTakeFirstOrThrow();
    let slots = config.batching.maxInFlight - Number(inFlight.count);
    let sent = false;
    while (slots > 0) {
      const rows = await this.#claimNext();
      if (rows === undefined) break;
      this.#deps.crashPoint?.("engine:after-claim", { rows: rows.length });
      const didSend = await this.#process(rows);
      if (didSend) {
        slots--;
        sent = true;
      }
    }
    return sent;
  }

  async #claimNext(): Promise<OutboxRow[] | undefined> {
    const { config, clock, store } = this.#deps;
    const now = clock.now();
    for (const kind of ["credit", "settle"] as const) {
      const { count, oldest } = await queuedSummary(store.db, kind, now);
      if (count === 0 || oldest === null) continue;
      if (count < config.batching.maxBatchSize && now - oldest < config.batching.maxWaitMs) continue;
      const rows = await claim(store, {
        instanceId: config.instanceId,
        kinds: [kind],
        limit: config.batching.maxBatchSize,
        now,
      });
      if (rows.length > 0) return rows;
    }
    const rows = await claim(store, { instanceId: config.instanceId, kinds: SINGLE_KINDS, limit: 1, now });
    return rows.length > 0 ? rows : undefined;
  }

  /** Checks claimed rows against the chain, simulates, and sends what can go. Returns whether a transaction was sent. */
  async #process(rows: OutboxRow[]): Promise<boolean> {
    const kind = rows[0]!.kind;
    const operation = operations[kind];
    try {
      const verdicts = await operation.check(this.#context, rows, this.#deps.store.db);
      await this.#applyVerdicts(
        operation,
        { ...verdicts, ready: [] },
        { requeueReady: false, why: "checked before sending" },
      );
      if (verdicts.ready.length === 0) return false;
      const prepared = await this.#simulate(operation, verdicts.ready);
      if (prepared === undefined) return false;
      await this.#send(operation, prepared.rows, prepared.gas);
      return true;
    } catch (error) {
      this.#nonces.invalidate();
      const now = this.#deps.clock.now();
      await requeue(
        this.#deps.store.db,
        rows.map((row) => row.id),
        {
          now,
          error: describeError(error),
          notBefore: now + 1_000,
          countAttempt: false,
          onlyIfClaimedBy: this.#deps.config.instanceId,
        },
      ).catch(() => undefined);
      throw error;
    }
  }

  /**
   * Estimates gas for the rows as one transaction. If that reverts, each row is
   * tried alone: rows that revert for good fail (and are flagged), rows that
   * cannot go yet wait, and the rest are sent together.
   */
  async #simulate(operation: Operation, rows: OutboxRow[]): Promise<{ rows: OutboxRow[]; gas: bigint } | undefined> {
    const estimate = async (subset: OutboxRow[]): Promise<bigint> => {
      const { to, data } = operation.encode(this.#context, subset);
      return await this.#deps.chain.publicClient.estimateGas({ account: this.#deps.chain.account, to, data });
    };
    try {
      const gas = await estimate(rows);
      if (FLOAT_KINDS.has(operation.kind)) this.#deps.metrics.floatInsufficient.set(0);
      return { rows, gas };
    } catch (batchError) {
      if (rows.length === 1) {
        await this.#rejectRows(operation, rows, [batchError]);
        return undefined;
      }
      const results = await Promise.all(
        rows.map((row) =>
          estimate([row]).then(
            () => undefined,
            (error: unknown) => error,
          ),
        ),
      );
      const good = rows.filter((_, index) => results[index] === undefined);
      const bad = rows.filter((_, index) => results[index] !== undefined);
      await this.#rejectRows(
        operation,
        bad,
        results.filter((result) => result !== undefined),
      );
      if (good.length === 0) return undefined;
      // Every row passes alone but not together (e.g. the float covers each but not all): send half now.
      const sendNow = bad.length === 0 ? good.slice(0, Math.max(1, Math.floor(good.length / 2))) : good;
      const later = good.filter((row) => !sendNow.includes(row));
      await requeue(
        this.#deps.store.db,
        later.map((row) => row.id),
        { now: this.#deps.clock.now(), countAttempt: false },
      );
      try {
        return { rows: sendNow, gas: await estimate(sendNow) };
      } catch {
        await requeue(
          this.#deps.store.db,
          sendNow.map((row) => row.id),
          { now: this.#deps.clock.now(), notBefore: this.#deps.clock.now() + 1_000 },
        );
        return undefined;
      }
    }
  }

  async #rejectRows(operation: Operation, rows: OutboxRow[], errors: unknown[]): Promise<void> {
    const failed: Verdicts["failed"] = [];
    const wait: Verdicts["wait"] = [];
    const done: Verdicts["done"] = [];
    const floatShort: Array<{ row: OutboxRow; reason: string }> = [];
    rows.forEach((row, index) => {
      const error = errors[index];
      const decoded = decodeRevert(error);
      const text = formatRevert(decoded, error);
      if (decoded?.name === "Vault_PaymentRefUsed") done.push({ row, note: "reference already used on-chain" });
      // Not the payment's fault and fixed by funding the float: wait without spending attempts.
      else if (decoded?.name === "Vault_FloatInsufficient") floatShort.push({ row, reason: text });
      else if (isPermanentRevert(decoded)) failed.push({ row, error: text });
      else if (row.attempts + 1 >= this.#deps.config.tx.maxAttempts)
        failed.push({ row, error: `gave up: ${text}`, permanent: false });
      else {
        wait.push({ row, reason: text, delayMs: backoffDelay(row.attempts, { baseMs: 500, maxMs: 30_000 }) });
        this.#log.warn({ kind: row.kind, ref: row.payment_ref, error: text }, "row cannot be sent yet");
      }
    });
    // Waiting rows count an attempt so a permanent but unrecognised revert ends.
    await this.#applyVerdicts(
      operation,
      { ready: [], done, failed, wait: [] },
      { requeueReady: false, why: "simulation" },
    );
    const now = this.#deps.clock.now();
    for (const entry of wait) {
      await requeue(this.#deps.store.db, [entry.row.id], { now, error: entry.reason, notBefore: now + entry.delayMs });
    }
    if (floatShort.length > 0) await this.#waitForFloat(floatShort, now);
  }

  /** Credits the float cannot cover go back to the queue, attempts untouched, with an alert and a metric. */
  async #waitForFloat(entries: Array<{ row: OutboxRow; reason: string }>, now: number): Promise<void> {
    const { config, metrics, store } = this.#deps;
    for (const entry of entries) {
      await requeue(store.db, [entry.row.id], {
        now,
        error: `waiting for the float: ${entry.reason}`,
        notBefore: now + config.float.retryMs,
        countAttempt: false,
      });
    }
    metrics.floatInsufficient.set(1);
    metrics.creditsWaitingForFloat.inc(entries.length);
    if (now - this.#lastFloatAlert >= FLOAT_ALERT_INTERVAL_MS) {
      this.#lastFloatAlert = now;
      this.#log.error(
        { rows: entries.length, example: entries[0]!.reason, retryMs: config.float.retryMs },
        "the vault's float cannot cover waiting credits: fund it (MesiVault.fundFloat); they resume by themselves",
      );
    }
  }

  async #send(operation: Operation, rows: OutboxRow[], gasEstimate: bigint): Promise<void> {
    const { chain, config, store, clock, metrics } = this.#deps;
    const { to, data } = operation.encode(this.#context, rows);
    const gas = (gasEstimate * BigInt(config.tx.gasLimitPercent) + 99n) / 100n;
    const fees = capFees(await estimateFees(chain.publicClient), this.#feeCeiling);
    const nonce = await this.#nonces.allocate();
    const raw = await chain.account.signTransaction({
      chainId: chain.chain.id,
      type: "eip1559",
      nonce,
      to,
      data,
      gas,
      ...fees,
    });
    const hash = keccak256(raw);
    const now = clock.now();
    await store.transaction(async (trx) => {
      const inserted = await trx
        .insertInto("transactions")
        .values({
          instance_id: config.instanceId,
          sender: this.#sender,
          nonce,
          kind: operation.kind,
          to_address: to.toLowerCase(),
          data,
          gas_limit: gas.toString(),
          max_fee: fees.maxFeePerGas.toString(),
          max_priority_fee: fees.maxPriorityFeePerGas.toString(),
          raw,
          hashes: JSON.stringify([hash]),
          state: "pending",
          first_sent_at: now,
          last_sent_at: now,
          mined_hash: null,
          mined_block: null,
          mined_block_hash: null,
          gas_used: null,
          effective_gas_price: null,
          created_at: now,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      // Only rows this instance still holds: if the lease ran out and another instance took them, nothing is
      // recorded (the transaction is rolled back and never broadcast).
      const marked = await trx
        .updateTable("outbox")
        .set({ state: "sent", tx_id: inserted.id, tx_hash: hash, nonce, updated_at: now })
        .where(
          "id",
          "in",
          rows.map((row) => row.id),
        )
        .where("state", "=", "claimed")
        .where("claimed_by", "=", config.instanceId)
        .executeTakeFirst();
      if (Number(marked.numUpdatedRows) !== rows.length) {
        throw new ClaimLostError(rows.length, Number(marked.numUpdatedRows));
      }
    });
    metrics.transactionsSent.inc({ kind: operation.kind });
    this.#log.debug({ kind: operation.kind, nonce, hash, rows: rows.length, gas }, "sending");
    this.#deps.crashPoint?.("engine:before-broadcast", { rows: rows.length });
    await this.#broadcast(raw, nonce);
    this.#deps.crashPoint?.("engine:after-broadcast", { rows: rows.length });
  }
}

/** Some rows of a batch were no longer claimed by this instance when it came to record the transaction. */
export class ClaimLostError extends Error {
  override readonly name = "ClaimLostError";
  constructor(
    readonly rows: number,
    readonly stillHeld: number,
  ) {
    super(`${rows - stillHeld} of ${rows} rows are no longer claimed by this instance; the transaction was not sent`);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}
