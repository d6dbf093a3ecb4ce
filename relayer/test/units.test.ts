// Small pure pieces: fiat pricing, fee bumps, how node answers are read, config.
import { Writable } from "node:stream";

import { describe, expect, test } from "vitest";

import { bumpFees } from "../src/chain/fees.ts";
import { isAlreadySentError } from "../src/chain/sendErrors.ts";
import { ConfigError, parseConfig } from "../src/config.ts";
import { createLogger } from "../src/logger.ts";
import { formatMinor, minorUnitsOf } from "../src/quotes/currencies.ts";
import { fiatMinorFor } from "../src/quotes/pricing.ts";

const configBase = {
  store: { kind: "sqlite", path: "/tmp/x.sqlite" },
  chain: {
    rpcUrl: "http://127.0.0.1:8545",
    chainId: 31337,
    relayerPrivateKey: `0x${"11".repeat(32)}`,
    vault: `0x${"22".repeat(20)}`,
    tickets: `0x${"33".repeat(20)}`,
    mesi: `0x${"44".repeat(20)}`,
  },
};

describe("pricing", () => {
  const cent = { numerator: 1n, denominator: 100n }; // $0.01 per MESI
  test.each([
    [10n ** 18n, 1n],
    [10n ** 18n + 1n, 2n],
    [1n, 1n],
    [50n * 10n ** 18n, 50n],
    [123_456_789n * 10n ** 18n, 123_456_789n],
  ])("%s base units cost %s cents (rounded up)", (mesi, cents) => {
    expect(fiatMinorFor(mesi, cent, 2)).toBe(cents);
  });

  test("each currency is priced in its own minor unit (ISO 4217): JPY has none, KWD has three", () => {
    const yenPerMesi = { numerator: 3n, denominator: 2n }; // ¥1.5 per MESI
    const usd = parseConfig({ ...configBase, stripe: { webhookSecret: "whsec_x", currency: "USD" } });
    const jpy = parseConfig({ ...configBase, stripe: { webhookSecret: "whsec_x", currency: "jpy" } });
    const kwd = parseConfig({ ...configBase, stripe: { webhookSecret: "whsec_x", currency: "kwd" } });
    expect(usd.stripe.currency).toBe("usd");
    // 100 MESI at ¥1.5 is ¥150 — 150 minor units, not 15,000.
    expect(fiatMinorFor(100n * 10n ** 18n, yenPerMesi, minorUnitsOf(jpy.stripe.currency))).toBe(150n);
    expect(fiatMinorFor(100n * 10n ** 18n, yenPerMesi, minorUnitsOf(kwd.stripe.currency))).toBe(150_000n);
    expect(formatMinor(150n, jpy.stripe.currency)).toBe("150 JPY");
    expect(formatMinor(1_250n, kwd.stripe.currency)).toBe("1.250 KWD");
    expect(formatMinor(123_456n, usd.stripe.currency)).toBe("1,234.56 USD");
  });

  test("an unknown currency is refused when the configuration is parsed", () => {
    for (const currency of ["xyz", "us", "dollars"]) {
      expect(() => parseConfig({ ...configBase, stripe: { webhookSecret: "whsec_x", currency } })).toThrow(
        /stripe.currency: .* is not a supported card currency/,
      );
    }
  });
});

describe("replacement fees", () => {
  test("both fees rise by at least the bump, and never below the current estimate", () => {
    const bumped = bumpFees(
      { maxFeePerGas: 100n, maxPriorityFeePerGas: 10n },
      { maxFeePerGas: 50n, maxPriorityFeePerGas: 5n },
      10,
    );
    expect(bumped).toEqual({ maxFeePerGas: 110n, maxPriorityFeePerGas: 11n });
    const market = bumpFees(
      { maxFeePerGas: 100n, maxPriorityFeePerGas: 10n },
      { maxFeePerGas: 500n, maxPriorityFeePerGas: 50n },
      10,
    );
    expect(market).toEqual({ maxFeePerGas: 500n, maxPriorityFeePerGas: 50n });
    // A bump below 10 % is raised to 10 %: nodes refuse less.
    expect(
      bumpFees({ maxFeePerGas: 1000n, maxPriorityFeePerGas: 100n }, { maxFeePerGas: 1n, maxPriorityFeePerGas: 1n }, 1),
    ).toEqual({
      maxFeePerGas: 1100n,
      maxPriorityFeePerGas: 110n,
    });
  });
});

describe("node answers to a send", () => {
  test.each([
    ["nonce too low", true],
    ["already known", true],
    ["replacement transaction underpriced", true],
    ["insufficient funds for gas * price + value", false],
    ["execution reverted", false],
  ])("%s → treated as sent: %s", (message, sent) => {
    expect(isAlreadySentError(new Error(`RPC error: ${message}`))).toBe(sent);
  });
});

describe("config", () => {
  const base = {
    store: { kind: "sqlite", path: "/tmp/x.sqlite" },
    chain: {
      rpcUrl: "http://127.0.0.1:8545",
      chainId: 31337,
      relayerPrivateKey: `0x${"11".repeat(32)}`,
      vault: `0x${"22".repeat(20)}`,
      tickets: `0x${"33".repeat(20)}`,
      mesi: `0x${"44".repeat(20)}`,
    },
    stripe: { webhookSecret: "whsec_x" },
  };
  test("defaults: loopback only, local Stripe, $0.01 per MESI", () => {
    const config = parseConfig(base);
    expect(config.http.host).toBe("127.0.0.1");
    expect(config.stripe.mode).toBe("local");
    expect(config.pricing.fiatPerMesi).toMatchObject({ numerator: 1n, denominator: 100n });
    expect(Object.isFrozen(config.chain)).toBe(true);
  });
  test("the listen host is configurable (behind a proxy in a container); loopback stays the default", () => {
    expect(parseConfig({ ...base, http: { host: "0.0.0.0" } }).http.host).toBe("0.0.0.0");
    expect(parseConfig(base).http.host).toBe("127.0.0.1");
  });
  test("secret fields never reach a log line", () => {
    const lines: string[] = [];
    const logger = createLogger({
      level: "info",
      destination: new Writable({ write: (chunk, _e, cb) => (lines.push(String(chunk)), cb()) }),
    });
    const config = parseConfig({
      ...base,
      store: { kind: "postgres", url: "postgres://relayer:hunter2@db.internal/mesi" },
      stripe: { mode: "live", secretKey: "sk_live_supersecret", webhookSecret: "whsec_supersecret" },
    });
    logger.info({ config }, "starting");
    logger.child({ component: "x" }).info({ chain: config.chain, stripe: config.stripe }, "again");
    const text = lines.join("");
    expect(text).toContain("starting");
    for (const secret of ["1111111111", "sk_live_supersecret", "whsec_supersecret", "hunter2"]) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain("[redacted]");
  });
  test.each([
    ["a bind address that is not an IP", { http: { host: "example.com" } }, /http.host/],
    ["live Stripe without a key", { stripe: { mode: "live", webhookSecret: "whsec_x" } }, /secretKey/],
    [
      "the simulator with live Stripe",
      { stripe: { mode: "live", secretKey: "sk_live_x", webhookSecret: "whsec_x" }, dev: { simulator: true } },
      /simulator/,
    ],
    ["a bump below 10 %", { tx: { bumpPercent: 5 } }, /bumpPercent/],
  ])("rejects %s", (_name, override, message) => {
    expect(() => parseConfig({ ...base, ...override })).toThrow(ConfigError);
    expect(() => parseConfig({ ...base, ...override })).toThrow(message);
  });
});
