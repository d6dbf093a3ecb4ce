// The auditor's API and CLI over a real index: filtered ledgers, totals,
// streamed CSV/JSON exports, fiat reconciliation both ways, and `verify`
// against the contracts' state (and catching a tampered index).
import { execFile } from "node:child_process";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import { promisify } from "node:util";

import Database from "better-sqlite3";
import { parseEther, type Abi } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { abis } from "@mesi/deployments";

import { exportLedger } from "../audit/export.ts";
import { ledgerTotals, parseLedgerFilter } from "../audit/ledger.ts";
import { reconcile } from "../audit/reconcile.ts";
import { sqliteAuditIndex } from "../audit/sqlite-index.ts";
import { verify } from "../audit/verify.ts";
import { startIndexer, type RunningIndexer } from "../indexer/index.ts";
import { decodeBigInt, encodeBigInt } from "../indexer/store/values.ts";
import { graphqlClient } from "./helpers/graphql.ts";
import type { DeployedMesi, LocalChain } from "./helpers/local-chain.ts";
import type { ScenarioResult } from "./helpers/scenario.ts";
import { startScenarioIndex, type ScenarioIndex } from "./helpers/scenario-index.ts";

const run = promisify(execFile);
const CLI = join(import.meta.dirname, "..", "audit", "cli.ts");

let chain: LocalChain;
let mesi: DeployedMesi;
let scenario: ScenarioResult;
let indexer: RunningIndexer;
let dir: string;
let dbPath: string;
const e = (n: string): string => parseEther(n).toString();

let index: ScenarioIndex | undefined;

beforeAll(async () => {
  index = await startScenarioIndex({ prefix: "mesi-audit-" });
  ({ chain, mesi, scenario, indexer, dir, dbPath } = index);
});

afterAll(() => index?.stop());

const creator = (): string => scenario.actors.creator.address.toLowerCase();

describe("ledger API", () => {
  it("exports a creator's tips as CSV, JSON and NDJSON, the same rows GraphQL returns", async () => {
    const gql = graphqlClient(indexer.url);
    const { tips } = await gql.query(
      `query($c: String!) { tips(where: { creator: $c }, orderBy: timestamp) { id amount } }`,
      {
        c: creator(),
      },
    );
    const csv = await (await fetch(`${indexer.baseUrl}/audit/tips.csv?creator=${creator()}`)).text();
    const [header, ...lines] = csv.trim().split("\n");
    expect(header?.split(",").slice(0, 3)).toEqual(["id", "timestamp", "blockNumber"]);
    expect(new Set(lines.map((l) => l.split(",")[0]))).toEqual(new Set(tips.map((t: any) => t.id)));
    const json = (await (
      await fetch(`${indexer.baseUrl}/audit/tips?format=json&creator=${creator()}&source=fiat`)
    ).json()) as any[];
    expect(json.map((r) => r.amount).sort()).toEqual([e("2"), e("4"), e("7")].sort());
    expect(json.find((r) => r.amount === e("4")).creditStatus).toBe("REVERSED");
    const ndjson = await (await fetch(`${indexer.baseUrl}/audit/payments.ndjson?kind=TICKET`)).text();
    expect(
      ndjson
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l).kind),
    ).toEqual(["TICKET", "TICKET", "TICKET"]);
  });

  it("filters by fan and time range", async () => {
    const all = (await (
      await fetch(`${indexer.baseUrl}/audit/tips?fan=${scenario.actors.fan.address}`)
    ).json()) as any[];
    expect(all.length).toBe(4);
    const timestamps = all.map((r) => BigInt(r.timestamp)).sort((a, b) => (a < b ? -1 : 1));
    const from = timestamps[1]!;
    const to = timestamps[3]!;
    const window = (await (
      await fetch(`${indexer.baseUrl}/audit/tips?fan=${scenario.actors.fan.address}&from=${from}&to=${to}`)
    ).json()) as any[];
    expect(window.every((r) => BigInt(r.timestamp) >= from && BigInt(r.timestamp) < to)).toBe(true);
    expect(window.length).toBe(all.filter((r) => BigInt(r.timestamp) >= from && BigInt(r.timestamp) < to).length);
    const bad = await fetch(`${indexer.baseUrl}/audit/tips?creator=nope`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).error).toMatch(/creator must be/);
  });

  it("filters by a list of sources, and downloads JSON when asked", async () => {
    const base = `${indexer.baseUrl}/audit/tips?creator=${creator()}`;
    const rows = async (query: string) => (await (await fetch(`${base}${query}`)).json()) as any[];
    const all = await rows("");
    const mesiOrFiat = await rows("&source=mesi,FIAT");
    expect(new Set(mesiOrFiat.map((r) => r.source))).toEqual(new Set(["MESI", "FIAT"]));
    expect(mesiOrFiat).toHaveLength(all.filter((r) => r.source === "MESI" || r.source === "FIAT").length);
    const bad = await fetch(`${base}&source=MESI,gold`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).error).toMatch(/source must be one of/);
    const download = await fetch(`${indexer.baseUrl}/audit/tips.json?download=1&creator=${creator()}`);
    expect(download.headers.get("content-disposition")).toBe('attachment; filename="tips.json"');
    expect(((await download.json()) as any[]).length).toBe(all.length);
    const inline = await fetch(`${indexer.baseUrl}/audit/tips.json?creator=${creator()}`);
    expect(inline.headers.get("content-disposition")).toBeNull();
    await inline.body?.cancel();
  });

  it("totals tips and payments per source and kind with exact sums", async () => {
    const totals = (await (await fetch(`${indexer.baseUrl}/audit/tips/totals?creator=${creator()}`)).json()) as any;
    expect(totals.count).toBe(7);
    expect(totals.amount).toBe(e("232")); // gross, the reversed fiat tip included
    const fiat = totals.bySource.find((r: any) => r.group === "FIAT");
    expect(fiat).toMatchObject({ count: 3, amount: e("13") });
    const payments = ledgerTotals(indexer.core.store.db, "payments", parseLedgerFilter({ creator: creator() }));
    expect(payments.byKind?.find((r) => r.group === "SUBSCRIPTION")).toMatchObject({ count: 1, amount: e("200") });
  });

  it("streams in chunks without skipping or repeating rows, honouring backpressure", async () => {
    // A consumer far slower than SQLite: a writer that did not wait for 'drain' would queue every row in
    // the stream's buffer. Waiting keeps what is buffered under the high-water mark plus one chunk.
    let buffered = "";
    let largestWrite = 0;
    let mostQueued = 0;
    let drains = 0;
    const highWaterMark = 64;
    const slow = new Writable({
      highWaterMark,
      write(chunk: Buffer, _encoding, done) {
        buffered += chunk.toString();
        largestWrite = Math.max(largestWrite, chunk.length);
        setTimeout(done, 2);
      },
    });
    slow.on("drain", () => drains++);
    const write = slow.write.bind(slow);
    slow.write = ((chunk: string, ...rest: never[]) => {
      const accepted = write(chunk, ...rest);
      mostQueued = Math.max(mostQueued, slow.writableLength);
      return accepted;
    }) as typeof slow.write;
    const count = await exportLedger(sqliteAuditIndex(indexer.core.store.db), "payments", {}, slow, {
      format: "ndjson",
      chunk: 2,
    });
    const ids = buffered
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line).id as string);
    const all = indexer.core.store.db.prepare(`SELECT count(*) AS n FROM "Payment"`).get() as { n: number };
    expect(all.n).toBeGreaterThan(6);
    expect(count).toBe(all.n);
    expect(ids).toHaveLength(all.n);
    expect(new Set(ids).size).toBe(all.n);
    // The writer waited: at most one chunk beyond the high-water mark was ever queued, and it saw drains.
    expect(drains).toBeGreaterThanOrEqual(Math.floor(all.n / 2) - 1);
    expect(mostQueued).toBeLessThanOrEqual(highWaterMark + largestWrite);
    expect(mostQueued).toBeLessThan(buffered.length / 2);
  });
});

describe("fiat reconciliation", () => {
  it("matches recorded payments to credits and reversals and lists every mismatch both ways", async () => {
    const report = reconcile(await sqliteAuditIndex(indexer.core.store.db).credits(), [
      { paymentRef: "pi_settled", amount: e("7"), status: "succeeded" },
      { paymentRef: "pi_reversed", amount: e("4"), status: "credited" }, // the chain reversed it
      { paymentRef: "pi_held", amount: e("3"), status: "credited" }, // the chain credited 2
      { paymentRef: "pi_never_credited", amount: e("1"), status: "credited" },
      { paymentRef: "pi_pending", amount: e("1"), status: "pending" },
      { paymentRef: "pi_settled", amount: e("7"), status: "succeeded" },
    ]);
    const kinds = report.mismatches.map((m) => `${m.kind}:${m.relayer?.paymentRef ?? m.chain?.paymentRef}`);
    expect(kinds).toEqual(
      expect.arrayContaining([
        "status_mismatch:pi_reversed",
        "amount_mismatch:pi_held",
        "missing_on_chain:pi_never_credited",
        "duplicate_record:pi_settled",
        `unknown_on_chain:${scenario.refs.ticketFiat}`,
      ]),
    );
    expect(report.mismatches).toHaveLength(5);
    expect(report.matched).toBe(2);
    // The matches are listed too: the settled credit with its on-chain row, the pending one without.
    expect(report.matches.map((m) => [m.relayer.paymentRef, m.chain?.status ?? null])).toEqual([
      ["pi_settled", "CLEARED"],
      ["pi_pending", null],
    ]);
    expect(report.summary.unknown_on_chain).toBe(1);
  });

  it("runs from the CLI on a CSV of the relayer's records and exits 1 on mismatches", async () => {
    const records = join(dir, "payments.csv");
    writeFileSync(
      records,
      [
        "payment_ref,amount,status",
        `pi_settled,${e("7")},succeeded`,
        `pi_reversed,${e("4")},refunded`,
        `pi_held,${e("2")},succeeded`,
        `pi_ticket,${e("30")},succeeded`,
      ].join("\n"),
    );
    const ok = await run(process.execPath, [CLI, "reconcile", "--db", dbPath, "--records", records]);
    expect(JSON.parse(ok.stdout).mismatches).toEqual([]);
    writeFileSync(records, `paymentRef,amount,status\npi_settled,${e("8")},succeeded\n`, { flag: "w" });
    const failed = await run(process.execPath, [
      "--import",
      "tsx",
      CLI,
      "reconcile",
      "--db",
      dbPath,
      "--records",
      records,
    ]).catch((error: { code: number; stdout: string }) => error);
    expect((failed as { code: number }).code).toBe(1);
    const report = JSON.parse((failed as { stdout: string }).stdout);
    expect(report.summary.amount_mismatch).toBe(1);
    expect(report.summary.unknown_on_chain).toBe(3);
  });
});

describe("reconcile against the relayer's own store", () => {
  it("reads the relayer's SQLite store (its payments table), with a path relative to where the command runs", async () => {
    const { openSqliteStore } = await import("../../relayer/src/store/sqlite.ts");
    const storePath = join(dir, "relayer", "relayer.sqlite");
    const store = await openSqliteStore(storePath);
    const payment = (ref: string, amount: string, status: string) => ({
      payment_ref: ref,
      payment_intent_id: `pi_${ref.slice(2, 10)}`,
      quote_id: null,
      fan: null,
      creator: null,
      purpose: null,
      mesi_amount: amount,
      amount_minor: 100,
      currency: "usd",
      stream_id: null,
      quantity: null,
      status,
      reason: null,
      created_at: 1,
      updated_at: 1,
    });
    const { chainPaymentRef } = await import("../audit/reconcile.ts");
    await store.db
      .insertInto("payments")
      .values([
        payment(chainPaymentRef("pi_settled"), e("7"), "credited"),
        payment(chainPaymentRef("pi_reversed"), e("4"), "reversed"),
        payment(chainPaymentRef("pi_held"), e("2"), "credited"),
        payment(chainPaymentRef("pi_ticket"), e("30"), "credited"),
        payment(chainPaymentRef("pi_refused"), e("9"), "rejected"),
      ] as never)
      .execute();
    await store.close();
    // Run from the store's folder with a relative path, as an operator would (npm run changes the directory).
    const ok = await run(process.execPath, [CLI, "reconcile", "--db", dbPath, "--records", "relayer.sqlite"], {
      env: { ...process.env, INIT_CWD: join(dir, "relayer") },
    });
    const report = JSON.parse(ok.stdout);
    expect(report.mismatches).toEqual([]);
    expect(report.relayerRecords).toBe(5);
    expect(report.matched).toBe(5);

    // The same store, read by the API's GET /audit/reconcile when the indexer is given it.
    expect((await fetch(`${indexer.baseUrl}/audit/reconcile`)).status).toBe(503);
    const withRecords = await startIndexer({
      client: chain.publicClient as never,
      deployment: mesi.targets as never,
      databasePath: join(dir, "index-with-records.sqlite"),
      relayerRecords: storePath,
      build: false,
    });
    try {
      await withRecords.ready;
      const fromApi = (await (await fetch(`${withRecords.baseUrl}/audit/reconcile`)).json()) as any;
      expect(fromApi.mismatches).toEqual([]);
      expect(fromApi.matched).toBe(5);
      expect(fromApi.matches.find((m: any) => m.paymentRef === chainPaymentRef("pi_reversed")).chain.status).toBe(
        "REVERSED",
      );
    } finally {
      await withRecords.stop();
    }
  });
});

describe("verify", () => {
  const targets = () => ({
    vault: { address: mesi.contracts.MesiVault.address, abi: abis.MesiVault as Abi },
    token: { address: mesi.contracts.MesiToken.address, abi: abis.MesiToken as Abi },
  });

  it("agrees with the contracts at the indexed block", async () => {
    const report = await verify(sqliteAuditIndex(indexer.core.store.db), chain.publicClient as never, targets());
    expect(report.ok).toBe(true);
    expect(report.vault.fromEvents.owed).toBe(report.vault.onChain.balanceOfVault);
    // Every creator is listed with both sides, equal.
    expect(report.creators).toHaveLength(report.creatorsChecked);
    const mine = report.creators.find((c) => c.creator === creator());
    expect(mine?.ok).toBe(true);
    expect(mine?.fromEvents).toEqual(mine?.onChain);
    // Not a comparison of zeros: some account holds earnings or fees on-chain.
    expect(
      report.creators.some(
        (c) => BigInt(c.onChain.cleared) + BigInt(c.onChain.pending) + BigInt(c.onChain.feesOwed) > 0n,
      ),
    ).toBe(true);
  });

  it("reports a difference, with the events that explain it, when the index is wrong", async () => {
    const copy = join(dir, "tampered.sqlite");
    indexer.core.store.db.pragma("wal_checkpoint(TRUNCATE)");
    copyFileSync(dbPath, copy);
    const db = new Database(copy);
    // Pretend one tip was 1 MESI larger than it was.
    const tip = db
      .prepare(`SELECT "id", "amount" FROM "Tip" WHERE "source" = 'MESI' AND "creator" = ?`)
      .get(Buffer.from(creator().slice(2), "hex")) as { id: Buffer; amount: Buffer };
    const inflated = decodeBigInt(tip.amount) + parseEther("1");
    db.prepare(`UPDATE "Tip" SET "amount" = ? WHERE "id" = ?`).run(encodeBigInt(inflated), tip.id);
    const report = await verify(sqliteAuditIndex(db), chain.publicClient as never, targets());
    db.close();
    expect(report.ok).toBe(false);
    expect(report.creators.filter((c) => !c.ok).map((c) => c.creator)).toEqual([creator()]);
    const cleared = report.differences.find((d) => d.subject === creator() && d.quantity === "cleared");
    expect(cleared).toBeDefined();
    expect(BigInt(cleared!.fromEvents) - BigInt(cleared!.onChain!)).toBe(parseEther("1"));
    expect(
      cleared!.events?.some((event) => event.entity === "Tip" && event.description.includes(inflated.toString())),
    ).toBe(true);
    expect(report.differences.some((d) => d.quantity.startsWith("MESI.balanceOf(vault)"))).toBe(true);
  });

  it("reads the head, the recomputation and the aggregates from one snapshot while the index moves", async () => {
    const copy = join(dir, "moving.sqlite");
    indexer.core.store.db.pragma("wal_checkpoint(TRUNCATE)");
    copyFileSync(dbPath, copy);
    const reader = new Database(copy);
    const writer = new Database(copy);
    // Another process (the indexer) flushes a new block — a larger aggregate and a new head —
    // between verify's reads: the moment its first read of the creator aggregates begins.
    let flushed = false;
    const flushNextBlock = (): void => {
      flushed = true;
      writer.transaction(() => {
        const row = writer
          .prepare(`SELECT "cleared" FROM "Creator" WHERE "id" = ?`)
          .get(Buffer.from(creator().slice(2), "hex")) as { cleared: Buffer };
        writer
          .prepare(`UPDATE "Creator" SET "cleared" = ? WHERE "id" = ?`)
          .run(encodeBigInt(decodeBigInt(row.cleared) + parseEther("1")), Buffer.from(creator().slice(2), "hex"));
        writer.prepare(`UPDATE _meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'head_number'`).run();
      })();
    };
    const moving = new Proxy(reader, {
      get(target, property) {
        if (property === "prepare") {
          return (sql: string) => {
            if (!flushed && /FROM "Creator"/.test(sql)) flushNextBlock();
            return target.prepare(sql);
          };
        }
        const value = Reflect.get(target, property) as unknown;
        return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    const report = await verify(sqliteAuditIndex(moving), chain.publicClient as never, targets());
    writer.close();
    reader.close();
    expect(flushed).toBe(true);
    expect(report.differences).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it("runs from the CLI against the chain and exports from the CLI", async () => {
    const out = join(dir, "tips.csv");
    const exported = await run(process.execPath, [
      "--import",
      "tsx",
      CLI,
      "tips",
      "--db",
      dbPath,
      "--creator",
      creator(),
      "--out",
      out,
    ]);
    expect(exported.stderr).toMatch(/7 tips exported/);
    expect(readFileSync(out, "utf8").trim().split("\n")).toHaveLength(8);
    const totals = await run(process.execPath, [CLI, "totals", "payments", "--db", dbPath]);
    expect(JSON.parse(totals.stdout).count).toBeGreaterThan(0);
    const bad = await run(process.execPath, [CLI, "tips", "--db", dbPath, "--source", "gold"]).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect((bad as { code: number }).code).toBe(2);
    expect((bad as { stderr: string }).stderr).toMatch(/source must be one of/);
  });
});
