// Assembles one relayer instance from its dependencies (config, logger, clock,
// store, chain clients, Stripe gateway) — tests pass a real local node and a
// temporary database — and runs it until stopped. Shutdown goes through one
// AbortController: the HTTP server stops taking requests, the engine finishes
// the tick in progress (its work is recorded write-ahead, so anything
// unfinished is picked up at the next start), then the store closes.
import type { FastifyInstance } from "fastify";

import { createChainClients, type ChainClients } from "./chain/clients.ts";
import { vaultAbi } from "./chain/contracts.ts";
import { checkBalances } from "./chain/floatMonitor.ts";
import { TxEngine } from "./chain/txEngine.ts";
import { systemClock, type Clock } from "./clock.ts";
import type { RelayerConfig } from "./config.ts";
import type { CrashHook } from "./crashPoints.ts";
import { buildServer } from "./http/server.ts";
import { createLogger, type Logger } from "./logger.ts";
import { createMetrics, type RelayerMetrics } from "./metrics.ts";
import { depthByState, enqueue } from "./outbox/outbox.ts";
import { QuoteService } from "./quotes/service.ts";
import { GaslessService } from "./sponsorship/gasless.ts";
import { openStore } from "./store/open.ts";
import type { Store } from "./store/store.ts";
import { StripeApiGateway } from "./stripe/adapter.ts";
import type { StripeGateway } from "./stripe/gateway.ts";
import { LocalStripeGateway } from "./stripe/local.ts";
import { refundUncreditable } from "./stripe/refunds.ts";
import { StripeWebhookHandler } from "./stripe/webhook.ts";

export interface RelayerDeps {
  readonly config: RelayerConfig;
  readonly logger: Logger;
  readonly store: Store;
  readonly chain: ChainClients;
  readonly gateway: StripeGateway;
  readonly clock?: Clock;
  readonly metrics?: RelayerMetrics;
  /** Fault injection for crash tests only (crashPoints.ts); installed by test/support/crashing-main.ts. */
  readonly crashPoint?: CrashHook;
}

export interface Relayer {
  readonly config: RelayerConfig;
  readonly store: Store;
  readonly chain: ChainClients;
  readonly gateway: StripeGateway;
  readonly metrics: RelayerMetrics;
  readonly engine: TxEngine;
  readonly app: FastifyInstance;
  /** http://127.0.0.1:<port>, once started. */
  readonly url: string;
  start(): Promise<string>;
  /** Stops taking requests, lets the engine finish its tick, closes the store. Idempotent. */
  stop(): Promise<void>;
}

const MAINTENANCE_INTERVAL_MS = 5_000;

export function createRelayer(deps: RelayerDeps): Relayer {
  const { config, logger, store, chain, gateway } = deps;
  const clock = deps.clock ?? systemClock;
  const metrics = deps.metrics ?? createMetrics({ collectOutboxDepth: () => depthByState(store.db) });
  const log = logger.child({ component: "relayer", instanceId: config.instanceId });
  const crashPoint = deps.crashPoint;
  const webhook = new StripeWebhookHandler({
    config,
    logger,
    clock,
    store,
    gateway,
    metrics,
    ...(crashPoint ? { crashPoint } : {}),
  });
  const quotes = new QuoteService({ config, logger, clock, store, chain, gateway });
  const gasless = new GaslessService({ config, logger, clock, store, chain });
  const engine = new TxEngine({ config, logger, clock, store, chain, metrics, ...(crashPoint ? { crashPoint } : {}) });
  const controller = new AbortController();
  let chainReachable = false;

  const health = async (): Promise<Record<string, unknown>> => {
    const [storeOk, block] = await Promise.all([
      store.db
        .selectFrom("outbox")
        .select("id")
        .limit(1)
        .execute()
        .then(
          () => true,
          () => false,
        ),
      chain.publicClient.getBlockNumber({ cacheTime: 0 }).then(
        (n) => n.toString(),
        () => null,
      ),
    ]);
    chainReachable = block !== null;
    return {
      ok: storeOk && chainReachable && !controller.signal.aborted,
      instanceId: config.instanceId,
      hotWallet: chain.signer.address,
      store: storeOk ? store.dialect : "unreachable",
      chain: { chainId: config.chain.chainId, block },
      stripe: gateway.mode,
      simulator: config.dev.simulator,
    };
  };

  const app = buildServer({ config, logger, clock, store, metrics, webhook, quotes, gasless, health });
  let url = "";
  let engineDone: Promise<void> = Promise.resolve();
  let maintenanceDone: Promise<void> = Promise.resolve();
  let stopping: Promise<void> | undefined;

  async function maintenance(signal: AbortSignal): Promise<void> {
    let holdPeriodMs: number | undefined;
    let lastBalances = 0;
    while (!signal.aborted) {
      try {
        await quotes.expireStale();
        await engine.releaseExpiredClaims();
        await engine.adoptOrphans();
        holdPeriodMs ??=
          Number(
            await chain.publicClient.readContract({
              address: chain.addresses.vault,
              abi: vaultAbi,
              functionName: "holdPeriod",
            }),
          ) * 1000;
        await enqueueSettlements(holdPeriodMs);
        await refundUncreditable({ store, gateway, logger, now: () => clock.now() });
        if (clock.now() - lastBalances >= config.float.checkIntervalMs) {
          lastBalances = clock.now();
          await checkBalances(chain, metrics, log, config.float);
        }
      } catch (error) {
        metrics.maintenanceFailures.inc();
        log.warn({ err: error }, "maintenance pass failed; will retry");
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, MAINTENANCE_INTERVAL_MS);
        signal.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
      });
    }
  }

  /** Held fiat credits whose hold is over are cleared with settleCredits (anyone may call it; the relayer does). */
  async function enqueueSettlements(holdPeriodMs: number): Promise<void> {
    const now = clock.now();
    // Holds end by the chain's clock, as the vault sees it.
    const chainNow = Number((await chain.publicClient.getBlock({ blockTag: "latest" })).timestamp) * 1000;
    const due = await store.db
      .selectFrom("payments")
      .select(["payment_ref"])
      .where("status", "=", "credited")
      .where("updated_at", "<", chainNow - holdPeriodMs)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom("outbox")
              .select("id")
              .whereRef("outbox.dedupe_key", "=", "payments.payment_ref")
              .where("outbox.kind", "=", "settle"),
          ),
        ),
      )
      .limit(500)
      .execute();
    for (const row of due) {
      await enqueue(store.db, {
        kind: "settle",
        dedupeKey: row.payment_ref,
        paymentRef: row.payment_ref,
        payload: { paymentRef: row.payment_ref },
        now,
      });
    }
  }

  return {
    config,
    store,
    chain,
    gateway,
    metrics,
    engine,
    app,
    get url() {
      return url;
    },
    async start() {
      // A remote signer that is unreachable or does not hold the hot wallet is a configuration error: say so now.
      await chain.signer.check();
      await app.listen({ host: config.http.host, port: config.http.port });
      const address = app.server.address();
      if (address === null || typeof address === "string") throw new Error("the HTTP server has no TCP address");
      url = `http://127.0.0.1:${address.port}`;
      engineDone = engine
        .run(controller.signal)
        .catch((error: unknown) => log.error({ err: error }, "transaction engine stopped"));
      maintenanceDone = maintenance(controller.signal);
      log.info(
        {
          url,
          hotWallet: chain.signer.address,
          signer: chain.signer.kind,
          store: store.dialect,
          stripe: gateway.mode,
          simulator: config.dev.simulator,
        },
        "relayer started",
      );
      return url;
    },
    stop() {
      stopping ??= (async () => {
        log.info("stopping");
        controller.abort();
        await app.close();
        await Promise.all([engineDone, maintenanceDone]);
        await store.close();
        log.info("stopped");
      })();
      return stopping;
    },
  };
}

/** The Stripe gateway the configuration names: the real API, or the local stand-in. */
export function createGateway(config: RelayerConfig): StripeGateway {
  return config.stripe.mode === "live"
    ? new StripeApiGateway(config.stripe.secretKey!, config.stripe.webhookSecret, config.stripe.toleranceSeconds)
    : new LocalStripeGateway(config.stripe.webhookSecret, config.stripe.toleranceSeconds);
}

/** Opens the store and clients the configuration names, and starts a relayer. For `npm start` and main.ts. */
export async function startRelayer(
  config: RelayerConfig,
  options: { logger?: Logger; clock?: Clock; crashPoint?: CrashHook } = {},
): Promise<Relayer> {
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const store = await openStore(config.store);
  const relayer = createRelayer({
    config,
    logger,
    store,
    chain: createChainClients(config.chain),
    gateway: createGateway(config),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.crashPoint === undefined ? {} : { crashPoint: options.crashPoint }),
  });
  try {
    await relayer.start();
  } catch (error) {
    await store.close();
    throw error;
  }
  return relayer;
}
