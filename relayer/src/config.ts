// The relayer's configuration, parsed once at the edge (from the environment
// or an object) into a readonly, typed value. Nothing else reads process.env.
import { isAddress, isHex, type Address, type Hex } from "viem";
import { z } from "zod";

import { isCurrency, type Currency } from "./quotes/currencies.ts";

const address = z
  .string()
  .refine((value) => isAddress(value, { strict: false }), "must be a 0x-prefixed 20-byte address")
  .transform((value) => value.toLowerCase() as Address);

const privateKey = z
  .string()
  .refine((value) => isHex(value) && value.length === 66, "must be a 0x-prefixed 32-byte hex private key")
  .transform((value) => value as Hex);

const bigintString = z.union([z.string(), z.bigint(), z.number().int()]).transform((value, ctx) => {
  try {
    const parsed = BigInt(value);
    if (parsed < 0n) throw new Error("negative");
    return parsed;
  } catch {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: "must be a non-negative integer" });
    return z.NEVER;
  }
});

const boolString = z.union([
  z.boolean(),
  z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1"),
]);

/** A positive decimal such as "0.01": the fiat price of one whole $MESI (10^18 base units). */
const decimalPrice = z
  .string()
  .regex(/^\d+(\.\d+)?$/, "must be a positive decimal such as 0.01")
  .transform((value, ctx) => {
    const [whole = "0", fraction = ""] = value.split(".");
    const numerator = BigInt(whole + fraction);
    const denominator = 10n ** BigInt(fraction.length);
    if (numerator === 0n) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: "must be greater than zero" });
      return z.NEVER;
    }
    return { numerator, denominator, text: value } as const;
  });

/**
 * Who signs the hot wallet's transactions. `local`: the raw key in chain.relayerPrivateKey (the default).
 * `web3signer`: a Web3Signer service's Ethereum JSON-RPC at `url` holding the key of `address`; the relayer never
 * sees the key.
 */
const signerSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("local") }).strict(),
  z
    .object({
      kind: z.literal("web3signer"),
      url: z.string().url(),
      address,
      timeoutMs: z.coerce.number().int().min(100).default(10_000),
    })
    .strict(),
]);

const storeSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("sqlite"), path: z.string().min(1) }),
  z.object({
    kind: z.literal("postgres"),
    url: z.string().url(),
    poolSize: z.coerce.number().int().min(1).default(10),
  }),
]);

export const configSchema = z.object({
  /** Names this instance in the store (claims) and logs; one hot wallet per instance. */
  instanceId: z.string().min(1).max(64).default("relayer-1"),
  http: z
    .object({
      /**
       * Listen address: loopback by default; set "0.0.0.0" (or an interface's IP) to sit behind a reverse proxy
       * in a container.
       */
      host: z.string().ip().default("127.0.0.1"),
      port: z.coerce.number().int().min(0).max(65535).default(0),
      /** Browser origins allowed to call the API (the webapp's); none by default, never `*`. */
      corsOrigins: z.array(z.string().url()).default([]),
      /** POST /quotes per client address per minute (429 beyond). */
      quotesPerClientPerMinute: z.coerce.number().int().min(1).default(30),
    })
    .default({}),
  logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  store: storeSchema,
  chain: z.object({
    rpcUrl: z.string().url(),
    chainId: z.coerce.number().int().positive(),
    /** The hot wallet's key, for the `local` signer; absent with a remote signer. */
    relayerPrivateKey: privateKey.optional(),
    signer: signerSchema.default({ kind: "local" }),
    vault: address,
    tickets: address,
    mesi: address,
    /**
     * Blocks on top of the receipt's block before a credit counts as confirmed (the payment shows `credited`).
     * Confirmed is not final: confirmed transactions are checked again until `finality` says they are final.
     */
    confirmations: z.coerce.number().int().min(0).default(3),
    /**
     * When a mined transaction is final: `"finalized"` — at or below the node's `finalized` block (Ethereum and
     * the OP Stack, Arbitrum and other L2s that serve the tag); `{ depth }` — that many blocks deep, for a chain
     * without the tag. A confirmed credit that disappears before it is final is sent again, never counted done.
     */
    finality: z
      .union([z.literal("finalized"), z.object({ depth: z.coerce.number().int().min(1) }).strict()])
      .default("finalized"),
    pollIntervalMs: z.coerce.number().int().min(10).default(250),
  }),
  batching: z
    .object({
      maxBatchSize: z.coerce.number().int().min(1).max(500).default(100),
      maxWaitMs: z.coerce.number().int().min(0).default(200),
      /** Transactions of this wallet awaiting confirmation before the engine stops sending more. */
      maxInFlight: z.coerce.number().int().min(1).max(64).default(8),
    })
    .default({}),
  tx: z
    .object({
      /** A transaction with no receipt after this long is replaced with higher fees. */
      replaceAfterMs: z.coerce.number().int().min(100).default(20_000),
      /** Fee increase of a replacement; nodes refuse less than 10 %. */
      bumpPercent: z.coerce.number().int().min(10).max(300).default(15),
      /**
       * The most this wallet ever offers per gas (wei), for a first send or any replacement: bumps stop here and
       * an alert is logged (relayer_fee_ceiling_reached). Default 200 gwei.
       */
      maxFeePerGas: bigintString.default(200_000_000_000n),
      /** The most this wallet ever tips per gas (wei). Default 10 gwei. */
      maxPriorityFeePerGas: bigintString.default(10_000_000_000n),
      /** Multiplier (percent) applied to the node's gas estimate. */
      gasLimitPercent: z.coerce.number().int().min(100).max(300).default(130),
      /** A credit that keeps failing for a retryable reason is retried at most this many times. */
      maxAttempts: z.coerce.number().int().min(1).default(20),
      /**
       * Rows another hot wallet sent that have seen no progress for this long (its instance is gone, or its
       * key was replaced) are reconciled against the vault and taken over.
       */
      orphanAfterMs: z.coerce.number().int().min(100).default(300_000),
      /**
       * Rows claimed longer ago than this by an instance that never sent them (it died) go back to the queue at
       * the next maintenance pass. A live instance that outlives its lease loses the rows: marking them sent
       * checks the claim is still its own.
       */
      claimLeaseMs: z.coerce.number().int().min(500).default(60_000),
    })
    .default({}),
  stripe: z.object({
    /** `local`: no network, PaymentIntents kept in this process (npm start). `live`: the Stripe API. */
    mode: z.enum(["local", "live"]).default("local"),
    secretKey: z.string().optional(),
    webhookSecret: z.string().min(1),
    /** Stripe's signature tolerance in seconds. */
    toleranceSeconds: z.coerce.number().int().min(1).default(300),
    /** An ISO 4217 code from quotes/currencies.ts (its minor unit prices the quote); others are refused. */
    currency: z
      .string()
      .toLowerCase()
      .refine(isCurrency, (value) => ({
        message: `${value} is not a supported card currency (ISO 4217 codes with known minor units: see quotes/currencies.ts)`,
      }))
      .default("usd")
      .transform((value) => value as Currency),
    /** Stripe's largest single charge in the currency's minor unit ($999,999.99 for USD). */
    maxChargeMinor: z.coerce.number().int().positive().default(99_999_999),
    /** Stripe's smallest charge ($0.50 for USD). */
    minChargeMinor: z.coerce.number().int().positive().default(50),
  }),
  pricing: z
    .object({
      /** Fiat price of one whole $MESI (1e18 base units), in the currency's major unit. */
      fiatPerMesi: decimalPrice.default("0.01"),
      quoteTtlSeconds: z.coerce.number().int().min(10).default(900),
    })
    .default({}),
  quotes: z
    .object({
      /** Open (unpaid, unexpired) quotes one fan may hold at once. */
      maxOpenPerFan: z.coerce.number().int().min(1).default(5),
      /** Quotes one fan may ask for per minute. */
      perFanPerMinute: z.coerce.number().int().min(1).default(10),
    })
    .default({}),
  sponsorship: z
    .object({
      /** Gas units the relayer pays for one fan per calendar month (UTC); 0 = none. */
      monthlyGasPerFan: bigintString.default(2_000_000n),
      /** Wei the relayer pays for one fan per calendar month; 0 = no wei cap. */
      monthlyWeiPerFan: bigintString.default(0n),
    })
    .default({}),
  float: z
    .object({
      /** Below this $MESI float (base units) the relayer logs a warning. */
      lowFloatWarning: bigintString.default(10n ** 21n),
      /** Below this native balance (wei) of the hot wallet the relayer logs an error: it pays every credit's gas. */
      lowHotWalletWarning: bigintString.default(5n * 10n ** 16n),
      checkIntervalMs: z.coerce.number().int().min(100).default(15_000),
      /**
       * A credit the float cannot cover (Vault_FloatInsufficient) waits this long before it is tried again; waiting
       * spends none of its attempts, so credits resume by themselves once the float is topped up.
       */
      retryMs: z.coerce.number().int().min(100).default(10_000),
    })
    .default({}),
  dev: z
    .object({
      /** Enables POST /dev/simulate-payment. Local development only. */
      simulator: boolString.default(false),
    })
    .default({}),
});

export type RelayerConfig = Readonly<z.output<typeof configSchema>>;
export type RelayerConfigInput = z.input<typeof configSchema>;

export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(readonly issues: readonly string[]) {
    super(`invalid relayer configuration:\n  ${issues.join("\n  ")}`);
  }
}

export function parseConfig(input: unknown): RelayerConfig {
  const result = configSchema.safeParse(input);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`));
  }
  const config = result.data;
  if (config.chain.signer.kind === "local" && config.chain.relayerPrivateKey === undefined) {
    throw new ConfigError(["chain.relayerPrivateKey: required with the local signer (or set chain.signer)"]);
  }
  if (config.chain.signer.kind !== "local" && config.chain.relayerPrivateKey !== undefined) {
    throw new ConfigError([
      `chain.relayerPrivateKey: not used with the ${config.chain.signer.kind} signer, which holds the key; remove it`,
    ]);
  }
  if (config.stripe.mode === "live" && (config.stripe.secretKey === undefined || config.stripe.secretKey === "")) {
    throw new ConfigError(["stripe.secretKey: required when stripe.mode is live"]);
  }
  if (config.stripe.mode === "live" && config.dev.simulator) {
    throw new ConfigError(["dev.simulator: the payment simulator cannot be enabled with stripe.mode live"]);
  }
  return deepFreeze(config);
}

/**
 * Reads MESI_RELAYER_* variables. Names map to config paths, e.g.
 * MESI_RELAYER_CHAIN_RPC_URL → chain.rpcUrl, MESI_RELAYER_STORE=sqlite:/path or postgres://…
 */
export function configFromEnv(env: NodeJS.ProcessEnv): RelayerConfig {
  const get = (name: string): string | undefined => {
    const value = env[`MESI_RELAYER_${name}`];
    return value === undefined || value === "" ? undefined : value;
  };
  const storeText = get("STORE") ?? "sqlite:.mesi/relayer.sqlite";
  const store = storeText.startsWith("postgres")
    ? { kind: "postgres", url: storeText, poolSize: get("STORE_POOL_SIZE") }
    : { kind: "sqlite", path: storeText.replace(/^sqlite:/, "") };
  const prune = (value: unknown): unknown => {
    if (value === null || typeof value !== "object") return value;
    const entries = Object.entries(value as Record<string, unknown>)
      .map(([key, inner]) => [key, prune(inner)] as const)
      .filter(([, inner]) => inner !== undefined);
    return Object.fromEntries(entries);
  };
  return parseConfig(
    prune({
      instanceId: get("INSTANCE_ID"),
      http: {
        host: get("HOST"),
        port: get("PORT"),
        corsOrigins: get("CORS_ORIGINS")
          ?.split(",")
          .map((o) => o.trim()),
      },
      logLevel: get("LOG_LEVEL"),
      store,
      chain: {
        rpcUrl: get("CHAIN_RPC_URL"),
        chainId: get("CHAIN_ID"),
        relayerPrivateKey: get("PRIVATE_KEY"),
        // MESI_RELAYER_SIGNER=web3signer with MESI_RELAYER_SIGNER_URL and MESI_RELAYER_SIGNER_ADDRESS; local by default.
        signer:
          get("SIGNER") === undefined
            ? undefined
            : {
                kind: get("SIGNER"),
                url: get("SIGNER_URL"),
                address: get("SIGNER_ADDRESS"),
                timeoutMs: get("SIGNER_TIMEOUT_MS"),
              },
        vault: get("VAULT"),
        tickets: get("TICKETS"),
        mesi: get("MESI"),
        confirmations: get("CONFIRMATIONS"),
        // MESI_RELAYER_FINALITY=finalized, or a depth in blocks for a chain without the tag.
        finality: ((value) => (value === undefined || value === "finalized" ? value : { depth: value }))(
          get("FINALITY"),
        ),
        pollIntervalMs: get("POLL_INTERVAL_MS"),
      },
      batching: {
        maxBatchSize: get("MAX_BATCH_SIZE"),
        maxWaitMs: get("MAX_BATCH_WAIT_MS"),
        maxInFlight: get("MAX_IN_FLIGHT"),
      },
      tx: {
        replaceAfterMs: get("REPLACE_AFTER_MS"),
        bumpPercent: get("BUMP_PERCENT"),
        maxFeePerGas: get("MAX_FEE_PER_GAS"),
        maxPriorityFeePerGas: get("MAX_PRIORITY_FEE_PER_GAS"),
      },
      stripe: {
        mode: get("STRIPE_MODE"),
        secretKey: get("STRIPE_SECRET_KEY"),
        webhookSecret: get("STRIPE_WEBHOOK_SECRET"),
        currency: get("CURRENCY"),
      },
      pricing: { fiatPerMesi: get("FIAT_PER_MESI"), quoteTtlSeconds: get("QUOTE_TTL_SECONDS") },
      sponsorship: { monthlyGasPerFan: get("SPONSOR_GAS_PER_MONTH"), monthlyWeiPerFan: get("SPONSOR_WEI_PER_MONTH") },
      float: { lowFloatWarning: get("LOW_FLOAT_WARNING"), lowHotWalletWarning: get("LOW_HOT_WALLET_WARNING") },
      dev: { simulator: get("DEV_SIMULATOR") },
    }),
  );
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
