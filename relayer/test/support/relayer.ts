// Relayers for tests: in-process (createRelayer with real clients, a real
// SQLite file or PostgreSQL) or as a child process (for SIGKILL tests).
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { Writable } from "node:stream";

import type { Hex } from "viem";
import { afterAll, beforeAll } from "vitest";
import type { PrivateKeyAccount } from "viem/accounts";
import { parseConfig, type RelayerConfig, type RelayerConfigInput } from "../../src/config.ts";
import type { CrashPoint } from "../../src/crashPoints.ts";
import { createLogger } from "../../src/logger.ts";
import { quoteTypedData, type SignedQuoteFields } from "../../src/quotes/quoteSignature.ts";
import { startRelayer, type Relayer } from "../../src/relayer.ts";
import { buildEvent, deliverEvent, type SimulatedOutcome } from "../../src/stripe/simulator.ts";
import { startAnvil, type AnvilNode } from "./anvil.ts";
import { deployFixture, type MesiFixture } from "./mesi.ts";

export const WEBHOOK_SECRET = "whsec_test_relayer_local_secret";

export function tempDir(prefix = "mesi-relayer-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function relayerConfigInput(
  node: AnvilNode,
  mesi: MesiFixture,
  overrides: { relayerIndex?: number; store?: RelayerConfigInput["store"]; instanceId?: string } & Partial<
    Omit<RelayerConfigInput, "store" | "chain">
  > & {
      chain?: Partial<RelayerConfigInput["chain"]>;
    } = {},
): RelayerConfigInput {
  const { relayerIndex = 0, store, instanceId, chain, ...rest } = overrides;
  return {
    instanceId: instanceId ?? `relayer-${relayerIndex + 1}`,
    logLevel: (process.env.RELAYER_TEST_LOG as "info" | undefined) ?? "silent",
    store: store ?? { kind: "sqlite", path: join(tempDir(), "relayer.sqlite") },
    chain: {
      rpcUrl: node.url,
      chainId: node.chainId,
      relayerPrivateKey: mesi.relayerKeys[relayerIndex]!,
      vault: mesi.addresses.vault,
      tickets: mesi.addresses.tickets,
      mesi: mesi.addresses.mesi,
      confirmations: 1,
      pollIntervalMs: 25,
      ...chain,
    },
    batching: { maxBatchSize: 100, maxWaitMs: 50, maxInFlight: 8 },
    stripe: { mode: "local", webhookSecret: WEBHOOK_SECRET },
    dev: { simulator: true },
    ...rest,
    // Tests drive hundreds of quotes from one address; the limits have their own test (quoteAbuse.test.ts).
    http: { quotesPerClientPerMinute: 1_000_000, ...rest.http },
    quotes: { maxOpenPerFan: 1_000, perFanPerMinute: 1_000, ...rest.quotes },
  } as RelayerConfigInput;
}

/** A quote request signed by its fan (EIP-712 QuoteRequest), ready to POST to /quotes. */
export async function signQuoteRequest(
  fan: PrivateKeyAccount,
  fields: Omit<SignedQuoteFields, "fan" | "issuedAt">,
  chainId: number,
  issuedAt = Math.floor(Date.now() / 1000),
): Promise<SignedQuoteFields & { signature: Hex }> {
  const full: SignedQuoteFields = { fan: fan.address, issuedAt: String(issuedAt), ...fields };
  return { ...full, signature: await fan.signTypedData(quoteTypedData(full, chainId)) };
}

export async function startTestRelayer(input: RelayerConfigInput): Promise<Relayer> {
  const config = parseConfig(input);
  const logger = createLogger({
    level: config.logLevel,
    destination: process.env.RELAYER_TEST_LOG ? process.stderr : new Writable({ write: (_c, _e, cb) => cb() }),
  });
  return await startRelayer(config, { logger });
}

/** One file's stack: an anvil node with Mesi deployed and an in-process relayer on a fresh SQLite file. */
export interface RelayerStack {
  readonly node: AnvilNode;
  readonly mesi: MesiFixture;
  readonly relayer: Relayer;
}

/**
 * Starts the stack before the file's tests (a fresh anvil node, Mesi deployed on it, a relayer with the default test
 * configuration) and stops it after them. Call at the top of a test file; the returned object's members are there
 * once the file's `beforeAll` hooks have run (reading one sooner throws).
 */
export function useRelayerStack(): RelayerStack {
  let started: { node: AnvilNode; mesi?: MesiFixture; relayer?: Relayer } | undefined;
  beforeAll(async () => {
    started = { node: await startAnvil() };
    started.mesi = await deployFixture(started.node);
    started.relayer = await startTestRelayer(relayerConfigInput(started.node, started.mesi));
  });
  afterAll(async () => {
    await started?.relayer?.stop();
    await started?.node.stop();
  });
  const part = <K extends keyof RelayerStack>(key: K): RelayerStack[K] => {
    const value = started?.[key];
    if (value === undefined)
      throw new Error(`useRelayerStack: ${key} is not started yet (read it inside a test or hook)`);
    return value as RelayerStack[K];
  };
  return {
    get node() {
      return part("node");
    },
    get mesi() {
      return part("mesi");
    },
    get relayer() {
      return part("relayer");
    },
  };
}

export async function postJson(url: string, body: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text === "" ? undefined : JSON.parse(text) };
}

export async function getJson(url: string): Promise<{ status: number; body: any }> {
  const response = await fetch(url);
  const text = await response.text();
  return { status: response.status, body: text === "" ? undefined : JSON.parse(text) };
}

/** Creates a quote through the API. */
export async function createQuote(url: string, body: Record<string, unknown>): Promise<any> {
  const response = await postJson(`${url}/quotes`, body);
  if (response.status !== 201) throw new Error(`quote failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

/** Sends a signed Stripe event for a quote to the relayer's webhook. */
export async function payQuote(
  url: string,
  quote: { quoteId: string; paymentIntentId: string; amountMinor: number; currency: string },
  outcome: SimulatedOutcome = "succeeded",
  options: {
    eventId?: string;
    amountMinor?: number;
    currency?: string;
    timestampSeconds?: number;
    createdSeconds?: number;
  } = {},
) {
  const event = buildEvent(
    {
      paymentIntentId: quote.paymentIntentId,
      quoteId: quote.quoteId,
      amountMinor: options.amountMinor ?? quote.amountMinor,
      currency: options.currency ?? quote.currency,
    },
    outcome,
    {
      ...(options.eventId === undefined ? {} : { eventId: options.eventId }),
      ...(options.createdSeconds === undefined ? {} : { createdSeconds: options.createdSeconds }),
    },
  );
  return { event, response: await deliverEvent(`${url}/webhooks/stripe`, event, WEBHOOK_SECRET, options) };
}

export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs = 30_000,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export const relayerMain = join(import.meta.dirname, "..", "..", "src", "main.ts");
/** The test-only entry that arms one crash point (see crashing-main.ts). */
export const crashingMain = join(import.meta.dirname, "crashing-main.ts");

/** Kill the process (SIGKILL) on the `hit`th pass of `point`; `marker` receives a JSON line when it fires. */
export interface CrashSpec {
  readonly point: CrashPoint;
  readonly hit: number;
  /** Count only passes with at least this many outbox rows (2: a claim inside a batch). */
  readonly minRows?: number;
  readonly marker?: string;
}

export interface RelayerProcess {
  readonly child: ChildProcess;
  readonly url: Promise<string>;
  readonly exited: Promise<number | null>;
}

/**
 * The relayer as its own process (node --import tsx src/main.ts), configured by MESI_RELAYER_CONFIG; with
 * `crash`, the test entry crashing-main.ts instead, which kills it at that crash point.
 */
export function spawnRelayer(
  config: RelayerConfigInput,
  options: { logFile?: NodeJS.WritableStream; env?: Record<string, string>; crash?: CrashSpec } = {},
): RelayerProcess {
  const entry = options.crash === undefined ? relayerMain : crashingMain;
  const child = spawn(process.execPath, ["--import", "tsx", entry], {
    env: {
      ...process.env,
      ...options.env,
      ...(options.crash === undefined ? {} : { MESI_TEST_CRASH: JSON.stringify(options.crash) }),
      MESI_RELAYER_CONFIG: JSON.stringify(config, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const url = new Promise<string>((resolve, reject) => {
    let buffer = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      options.logFile?.write(chunk);
      buffer += chunk.toString();
      const match = /"msg":"relayer listening","url":"([^"]+)"/.exec(buffer);
      if (match) resolve(match[1]!);
      if (buffer.length > 1_000_000) buffer = buffer.slice(-10_000);
    });
    child.stderr!.on("data", (chunk: Buffer) => options.logFile?.write(chunk));
    child.once("exit", (code) => reject(new Error(`relayer exited (${code}) before listening`)));
  });
  url.catch(() => undefined);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, url, exited };
}

export type { RelayerConfig };
