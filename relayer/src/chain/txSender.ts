// Claiming and sending new work for one hot wallet: takes rows from the outbox
// (credits and settlements in batches, other kinds one at a time), checks them
// against the chain (a reference the vault already knows is done), simulates
// (rows that would revert fail, wait, or wait for the float), and sends.
//
// Write-ahead: a transaction is signed (chain/signer.ts) and recorded (raw bytes, hash,
// nonce, rows) in the store before it is broadcast, so a crash at any point
// leaves either rows still queued or claimed (taken again) or a recorded
// transaction (followed by txTracker.ts).
import { keccak256 } from "viem";

import { backoffDelay } from "../backoff.ts";
import type { Logger } from "../logger.ts";
import { operations, type Operation, type OperationContext, type Verdicts } from "../outbox/operations.ts";
import { claim, queuedSummary, requeue, type OutboxRow } from "../outbox/outbox.ts";
import type { OutboxKind } from "../store/schema.ts";
import type { Broadcaster } from "./broadcaster.ts";
import { capFees, estimateFees, feeCeilingOf } from "./fees.ts";
import type { NonceManager } from "./nonceManager.ts";
import { decodeRevert, formatRevert, isPermanentRevert } from "./revert.ts";
import { describeError } from "./sendErrors.ts";
import type { RowVerdicts } from "./rowVerdicts.ts";
import type { TxEngineDeps } from "./txEngine.ts";

const SINGLE_KINDS: readonly OutboxKind[] = ["ticket", "reverse", "tipBySig", "stablecoinTip", "ticketBySig"];
/** The "float cannot cover credits" alert is logged at most this often. */
const FLOAT_ALERT_INTERVAL_MS = 60_000;
/** Kinds paid out of the vault's float. */
const FLOAT_KINDS: ReadonlySet<OutboxKind> = new Set(["credit", "ticket"]);

export class TxSender {
  readonly #deps: TxEngineDeps;
  readonly #log: Logger;
  readonly #sender: string;
  readonly #nonces: NonceManager;
  readonly #context: OperationContext;
  readonly #broadcaster: Broadcaster;
  readonly #verdicts: RowVerdicts;
  #lastFloatAlert = Number.NEGATIVE_INFINITY;

  constructor(
    deps: TxEngineDeps,
    parts: {
      log: Logger;
      sender: string;
      nonces: NonceManager;
      context: OperationContext;
      broadcaster: Broadcaster;
      verdicts: RowVerdicts;
    },
  ) {
    this.#deps = deps;
    this.#log = parts.log;
    this.#sender = parts.sender;
    this.#nonces = parts.nonces;
    this.#context = parts.context;
    this.#broadcaster = parts.broadcaster;
    this.#verdicts = parts.verdicts;
  }

  async sendWork(): Promise<boolean> {
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
      await this.#verdicts.apply(
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
      return await this.#deps.chain.publicClient.estimateGas({ account: this.#deps.chain.signer.address, to, data });
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
    await this.#verdicts.apply(
      operation,
      { ready: [], done, failed, wait: [] },
      { requeueReady: false, why: "simulation" },
    );
    const now = this.#deps.clock.now();
    // Only rows this instance still holds go back: one an operator (or a lease expiry) changed meanwhile keeps its state.
    const onlyIfClaimedBy = this.#deps.config.instanceId;
    for (const entry of wait) {
      await requeue(this.#deps.store.db, [entry.row.id], {
        now,
        error: entry.reason,
        notBefore: now + entry.delayMs,
        onlyIfClaimedBy,
      });
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
        onlyIfClaimedBy: config.instanceId,
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
    const fees = capFees(await estimateFees(chain.publicClient), feeCeilingOf(this.#deps.config));
    const nonce = await this.#nonces.allocate();
    const raw = await chain.signer.signTransaction({
      chainId: chain.chain.id,
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
    await this.#broadcaster.broadcast(raw, nonce);
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
