// The transaction engine of one instance: one hot wallet, its own nonce.
//
// Each tick it (1) follows its transactions in flight (txTracker.ts) and (2)
// takes new work from the outbox and sends it (txSender.ts). Both write what
// the chain decided about outbox rows through one place (rowVerdicts.ts) and
// broadcast through one place (broadcaster.ts).
//
// Write-ahead: a transaction is signed (chain/signer.ts) and recorded (raw bytes, hash,
// nonce, rows) in the store before it is broadcast. A crash at any point leaves
// either rows still queued/claimed (taken again) or a recorded transaction
// (rebroadcast, or reconciled against the vault if its nonce went elsewhere).
import type { Clock } from "../clock.ts";
import type { RelayerConfig } from "../config.ts";
import type { CrashHook } from "../crashPoints.ts";
import type { Logger } from "../logger.ts";
import type { RelayerMetrics } from "../metrics.ts";
import type { OperationContext } from "../outbox/operations.ts";
import { releaseAbandonedClaims } from "../outbox/outbox.ts";
import type { Store } from "../store/store.ts";
import { Broadcaster } from "./broadcaster.ts";
import type { ChainClients } from "./clients.ts";
import { NonceManager } from "./nonceManager.ts";
import { RowVerdicts } from "./rowVerdicts.ts";
import { describeError } from "./sendErrors.ts";
import { TxSender } from "./txSender.ts";
import { TxTracker } from "./txTracker.ts";

export { ClaimLostError } from "./txSender.ts";

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

export class TxEngine {
  readonly #deps: TxEngineDeps;
  readonly #log: Logger;
  readonly #nonces: NonceManager;
  readonly #sender: string;
  readonly #tracker: TxTracker;
  readonly #sending: TxSender;
  #lastNodeError = 0;

  constructor(deps: TxEngineDeps) {
    this.#deps = deps;
    this.#log = deps.logger.child({ component: "txEngine" });
    this.#sender = deps.chain.signer.address.toLowerCase();
    this.#nonces = new NonceManager(deps.chain.publicClient, deps.store, deps.chain.signer.address);
    const context: OperationContext = {
      chain: deps.chain,
      nowSeconds: async () => (await deps.chain.publicClient.getBlock({ blockTag: "latest" })).timestamp,
    };
    const parts = {
      log: this.#log,
      sender: this.#sender,
      broadcaster: new Broadcaster(deps.chain, this.#log),
      verdicts: new RowVerdicts(deps, this.#log, context),
    };
    this.#tracker = new TxTracker(deps, parts);
    this.#sending = new TxSender(deps, { ...parts, nonces: this.#nonces, context });
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
    const inFlight = await this.#tracker.inFlight();
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
    await this.#tracker.track();
    return await this.#sending.sendWork();
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
   * key changed): see TxTracker.adoptOrphans.
   */
  adoptOrphans(): Promise<number> {
    return this.#tracker.adoptOrphans();
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
