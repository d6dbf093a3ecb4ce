// The relayer as `npm start` runs it: against the local chain, a SQLite file
// under the data directory, the local Stripe stand-in and the (clearly
// dev-only) payment simulator. scripts/start.ts adds it as one service.
import { createWriteStream, mkdirSync } from "node:fs";
import { join } from "node:path";

import { formatUnits, type Address, type Hex } from "viem";

import { parseConfig, type RelayerConfig } from "./config.ts";
import { createLogger } from "./logger.ts";
import { formatMinor } from "./quotes/currencies.ts";
import { MESI_DECIMALS } from "./quotes/pricing.ts";
import { startRelayer, type Relayer } from "./relayer.ts";

/** The webhook secret of local development. Never a real Stripe secret. */
export const LOCAL_WEBHOOK_SECRET = "whsec_mesi_local_development_only";

export interface LocalRelayerOptions {
  readonly rpcUrl: string;
  readonly chainId: number;
  /** The hot wallet holding RELAYER_ROLE on the vault and the tickets. */
  readonly relayerPrivateKey: Hex;
  readonly addresses: { readonly vault: Address; readonly tickets: Address; readonly mesi: Address };
  /** Where the SQLite file and the log go (e.g. `.mesi/`). */
  readonly dataDir: string;
  /** 0 (default) picks a free port. */
  readonly port?: number;
  /** Browser origins (the local webapp) allowed to call the API. */
  readonly corsOrigins?: readonly string[];
}

export interface LocalRelayer {
  readonly url: string;
  readonly relayer: Relayer;
  /** Lines for a banner: URL, simulator, log file. */
  readonly details: readonly string[];
  stop(): Promise<void>;
}

/** The exchange rate and card limits in force, as banner lines. */
export function cardTerms(config: RelayerConfig): string[] {
  const { currency, minChargeMinor, maxChargeMinor } = config.stripe;
  const { fiatPerMesi, quoteTtlSeconds } = config.pricing;
  const code = currency.toUpperCase();
  const mesiPerUnit = (fiatPerMesi.denominator * 10n ** MESI_DECIMALS) / fiatPerMesi.numerator;
  return [
    `card rate: 1 MESI = ${fiatPerMesi.text} ${code} (1 ${code} = ${formatUnits(mesiPerUnit, Number(MESI_DECIMALS))} MESI)`,
    `card limits: ${formatMinor(BigInt(minChargeMinor), currency)} to ${formatMinor(BigInt(maxChargeMinor), currency)}` +
      ` a charge; a quote holds ${quoteTtlSeconds} s; per fan ${config.quotes.maxOpenPerFan} open quotes and` +
      ` ${config.quotes.perFanPerMinute} a minute; ${config.http.quotesPerClientPerMinute} quotes a minute per client`,
  ];
}

export async function startLocalRelayer(options: LocalRelayerOptions): Promise<LocalRelayer> {
  mkdirSync(options.dataDir, { recursive: true });
  const logPath = join(options.dataDir, "relayer.log");
  const config = parseConfig({
    instanceId: "local",
    http: { port: options.port ?? 0, corsOrigins: [...(options.corsOrigins ?? [])] },
    logLevel: "info",
    store: { kind: "sqlite", path: join(options.dataDir, "relayer.sqlite") },
    chain: {
      rpcUrl: options.rpcUrl,
      chainId: options.chainId,
      relayerPrivateKey: options.relayerPrivateKey,
      ...options.addresses,
      // The embedded local chain has no reorgs: a mined block is final.
      confirmations: 1,
      finality: { depth: 1 },
      pollIntervalMs: 100,
    },
    stripe: { mode: "local", webhookSecret: LOCAL_WEBHOOK_SECRET },
    dev: { simulator: true },
  });
  const logger = createLogger({ level: config.logLevel, destination: createWriteStream(logPath, { flags: "a" }) });
  const relayer = await startRelayer(config, { logger });
  return {
    url: relayer.url,
    relayer,
    details: [
      `hot wallet ${relayer.chain.signer.address}, store ${config.store.kind === "sqlite" ? config.store.path : "postgres"}`,
      "Stripe: LOCAL stand-in (no network, nothing is charged)",
      ...cardTerms(config),
      `DEV ONLY payment simulator: POST ${relayer.url}/dev/simulate-payment {"quoteId": "…"}` +
        ` or npm run simulate-payment -w @mesi/relayer -- --url ${relayer.url} --quote <id>`,
      `log: ${logPath}`,
    ],
    stop: () => relayer.stop(),
  };
}
