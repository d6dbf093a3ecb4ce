// Prometheus metrics, one registry per relayer instance (tests run several).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

export interface RelayerMetrics {
  readonly registry: Registry;
  readonly outboxDepth: Gauge<"kind" | "state">;
  readonly creditsConfirmed: Counter<"kind">;
  readonly confirmationLatency: Histogram<"kind">;
  readonly webhookAck: Histogram<"outcome">;
  readonly webhooks: Counter<"type" | "outcome">;
  readonly transactionsSent: Counter<"kind">;
  readonly replacements: Counter;
  readonly maintenanceFailures: Counter;
  /** 1 while a stuck transaction of this wallet cannot be bumped because its fees are at the configured ceiling. */
  readonly feeCeilingReached: Gauge;
  readonly reverts: Counter<"kind">;
  readonly reorgs: Counter;
  readonly floatBalance: Gauge;
  /** 1 while credits are waiting because the float cannot cover them; 0 once a credit passes again. */
  readonly floatInsufficient: Gauge;
  readonly creditsWaitingForFloat: Counter;
  readonly hotWalletBalance: Gauge<"address">;
  /** 1 while the hot wallet's native balance is below float.lowHotWalletWarning. */
  readonly hotWalletLow: Gauge<"address">;
  readonly sponsoredGas: Counter;
}

export function createMetrics(
  options: {
    collectOutboxDepth?: () => Promise<Array<{ kind: string; state: string; count: number }>>;
    defaultMetrics?: boolean;
  } = {},
): RelayerMetrics {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: "relayer_" });
  const collect = options.collectOutboxDepth;
  const outboxDepth = new Gauge({
    name: "relayer_outbox_depth",
    help: "Outbox rows not yet confirmed, by kind and state (queued, claimed, sent)",
    labelNames: ["kind", "state"] as const,
    registers: [registry],
    async collect() {
      if (collect === undefined) return;
      this.reset();
      for (const row of await collect()) this.set({ kind: row.kind, state: row.state }, row.count);
    },
  });
  return {
    registry,
    outboxDepth,
    creditsConfirmed: new Counter({
      name: "relayer_credits_confirmed_total",
      help: "Outbox operations confirmed on-chain (credits, tickets, reversals, gasless tips)",
      labelNames: ["kind"] as const,
      registers: [registry],
    }),
    confirmationLatency: new Histogram({
      name: "relayer_confirmation_latency_seconds",
      help: "From the payment entering the outbox to its confirmation on-chain",
      labelNames: ["kind"] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
      registers: [registry],
    }),
    webhookAck: new Histogram({
      name: "relayer_webhook_ack_seconds",
      help: "Time to acknowledge a Stripe webhook",
      labelNames: ["outcome"] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    webhooks: new Counter({
      name: "relayer_webhooks_total",
      help: "Stripe webhooks received, by event type and outcome",
      labelNames: ["type", "outcome"] as const,
      registers: [registry],
    }),
    transactionsSent: new Counter({
      name: "relayer_transactions_sent_total",
      help: "Transactions signed and broadcast (replacements excluded)",
      labelNames: ["kind"] as const,
      registers: [registry],
    }),
    replacements: new Counter({
      name: "relayer_transaction_replacements_total",
      help: "Stuck transactions replaced with bumped fees",
      registers: [registry],
    }),
    reverts: new Counter({
      name: "relayer_transactions_reverted_total",
      help: "Transactions mined with a revert",
      labelNames: ["kind"] as const,
      registers: [registry],
    }),
    reorgs: new Counter({
      name: "relayer_reorged_transactions_total",
      help: "Mined transactions that a reorg removed (sent again)",
      registers: [registry],
    }),
    floatBalance: new Gauge({
      name: "relayer_float_balance_mesi",
      help: "The vault's $MESI float (whole MESI)",
      registers: [registry],
    }),
    maintenanceFailures: new Counter({
      name: "relayer_maintenance_failures_total",
      help: "Maintenance passes (claim release, orphans, settlements, refunds, balance checks) that failed",
      registers: [registry],
    }),
    feeCeilingReached: new Gauge({
      name: "relayer_fee_ceiling_reached",
      help: "1 while a stuck transaction cannot be replaced because its fees are at tx.maxFeePerGas / tx.maxPriorityFeePerGas",
      registers: [registry],
    }),
    floatInsufficient: new Gauge({
      name: "relayer_float_insufficient",
      help: "1 while fiat credits wait because the vault's float cannot cover them (fund MesiVault.fundFloat)",
      registers: [registry],
    }),
    creditsWaitingForFloat: new Counter({
      name: "relayer_credits_waiting_for_float_total",
      help: "Times a credit was put back to wait because the float could not cover it",
      registers: [registry],
    }),
    hotWalletBalance: new Gauge({
      name: "relayer_hot_wallet_balance_ether",
      help: "Native balance of this instance's hot wallet (whole ether)",
      labelNames: ["address"] as const,
      registers: [registry],
    }),
    hotWalletLow: new Gauge({
      name: "relayer_hot_wallet_low",
      help: "1 while this instance's hot wallet holds less native gas money than float.lowHotWalletWarning (fund it)",
      labelNames: ["address"] as const,
      registers: [registry],
    }),
    sponsoredGas: new Counter({
      name: "relayer_sponsored_gas_total",
      help: "Gas units the relayer paid for fans' gasless transactions",
      registers: [registry],
    }),
  };
}

/** A base-unit amount as a float of whole units, for a gauge (display only). */
export function toUnits(value: bigint, decimals = 18): number {
  const scale = 10n ** BigInt(decimals);
  return Number(value / scale) + Number(value % scale) / Number(scale);
}
