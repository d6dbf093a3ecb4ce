// An empty float (issue 9, item 5). The vault pays fiat credits out of its
// $MESI float; when the float cannot cover them (Vault_FloatInsufficient) the
// credits must wait without spending attempts — past the point where the old
// code gave up for good — raise an alert and a metric, and go out by
// themselves once the float is topped up, each exactly once. Rows that did
// fail for good can be queued again by the operator command (`requeue`),
// idempotently.
import { execFile } from "node:child_process";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { parseEther, type Hex } from "viem";

import { abis } from "@mesi/deployments";

import type { Relayer } from "../src/relayer.ts";
import { startAnvil, type AnvilNode } from "./support/anvil.ts";
import { deployFixture, type MesiFixture } from "./support/mesi.ts";
import { createQuote, payQuote, relayerConfigInput, startTestRelayer, tempDir, waitFor } from "./support/relayer.ts";

let node: AnvilNode;
let mesi: MesiFixture;
let relayer: Relayer;
const storePath = join(tempDir(), "relayer.sqlite");
const MAX_ATTEMPTS = 3;

beforeAll(async () => {
  node = await startAnvil();
  // A float of 1 $MESI: every 60 $MESI credit below is short.
  mesi = await deployFixture(node, { float: parseEther("1") });
  relayer = await startTestRelayer(
    relayerConfigInput(node, mesi, {
      store: { kind: "sqlite", path: storePath },
      // With 3 attempts the old code failed a short credit for good after about 2 s (500 ms + 1 s of backoff).
      tx: { maxAttempts: MAX_ATTEMPTS },
      float: { retryMs: 500 },
    }),
  );
});

afterAll(async () => {
  await relayer?.stop();
  await node?.stop();
});

async function creditedOnChain(refs: Hex[]): Promise<number> {
  const records = await Promise.all(
    refs.map((ref) =>
      mesi.publicClient.readContract({
        address: mesi.addresses.vault,
        abi: abis.MesiVault,
        functionName: "creditOf",
        args: [ref],
      }),
    ),
  );
  return records.filter((record) => record[0] !== 0).length;
}

// Asynchronous on purpose: the relayer under test shares this event loop, and a transaction it has open on the
// SQLite worker must be able to finish while the command waits for the write lock.
function requeueCommand(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", join(import.meta.dirname, "..", "src", "cli", "requeue.ts"), "--store", storePath, ...args],
      { encoding: "utf8" },
      (error, stdout, stderr) =>
        resolve({ status: error === null ? 0 : ((error as { code?: number }).code ?? 1), stdout, stderr }),
    );
  });
}

describe("an empty float", () => {
  test("50 card tips wait past the old give-up time without spending attempts, then all go out once the float is topped up", async () => {
    const creator = await mesi.newFundedAccount();
    const quotes = [];
    for (let i = 0; i < 50; i++) {
      quotes.push(
        await createQuote(relayer.url, {
          fan: `0x${(0xf000 + i).toString(16).padStart(40, "0")}`,
          creator: creator.address,
          purpose: "tip",
          mesiAmount: parseEther("60").toString(),
        }),
      );
    }
    for (const quote of quotes) expect((await payQuote(relayer.url, quote)).response.status).toBe(200);
    const refs = quotes.map((quote) => quote.paymentRef as Hex);
    const db = relayer.store.db;

    // Every credit was tried against the empty float …
    await waitFor("credits tried against the empty float", async () => {
      const tried = await db
        .selectFrom("outbox")
        .select("id")
        .where("kind", "=", "credit")
        .where("last_error", "like", "%Vault_FloatInsufficient%")
        .execute();
      return tried.length === 50;
    });
    // … and they keep waiting well past the old give-up time.
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    const rows = await db.selectFrom("outbox").selectAll().where("kind", "=", "credit").execute();
    expect(rows).toHaveLength(50);
    for (const row of rows) {
      expect(row.state, row.last_error ?? "").not.toBe("failed");
      expect(row.attempts).toBe(0);
    }
    const flagged = await db.selectFrom("payments").select("payment_ref").where("status", "=", "flagged").execute();
    expect(flagged).toHaveLength(0);
    expect(await creditedOnChain(refs)).toBe(0);
    const metrics = await relayer.metrics.registry.metrics();
    expect(metrics).toMatch(/^relayer_float_insufficient 1$/m);
    expect(metrics).toMatch(/^relayer_credits_waiting_for_float_total [1-9]\d*$/m);

    // Two rows failed for good by an earlier give-up (as the old code left them): the operator requeues them.
    const [a, b] = rows;
    await db
      .updateTable("outbox")
      .set({ state: "failed", last_error: "gave up after 3 attempts" })
      .where("id", "in", [a!.id, b!.id])
      .execute();
    await db
      .updateTable("payments")
      .set({ status: "flagged", reason: "credit failed: gave up" })
      .where("payment_ref", "in", [a!.payment_ref!, b!.payment_ref!])
      .execute();
    const dryRun = await requeueCommand(["--all-failed", "--dry-run"]);
    expect(dryRun.status, dryRun.stderr).toBe(0);
    expect(dryRun.stdout).toContain("2 row(s) would be requeued");
    expect((await db.selectFrom("outbox").select("id").where("state", "=", "failed").execute()).length).toBe(2);
    const first = await requeueCommand(["--all-failed", "--operator", "test-operator"]);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toContain("2 row(s) requeued");
    expect(first.stdout).toContain('"operator":"test-operator"');
    const second = await requeueCommand(["--all-failed"]);
    expect(second.status, second.stderr).toBe(0);
    expect(second.stdout).toContain("0 row(s) requeued");

    // Top up the float: every credit goes out, once.
    await mesi.adminWrite(mesi.addresses.mesi, abis.MesiToken, "approve", [mesi.addresses.vault, parseEther("5000")]);
    await mesi.adminWrite(mesi.addresses.vault, abis.MesiVault, "fundFloat", [parseEther("5000")]);
    await waitFor("all 50 credited", async () => (await creditedOnChain(refs)) === 50, 60_000, 250);
    const logs = await mesi.publicClient.getContractEvents({
      address: mesi.addresses.vault,
      abi: abis.MesiVault,
      eventName: "Credited",
      fromBlock: 0n,
    });
    const mine = logs.filter((log) => refs.includes(log.args.paymentRef!));
    expect(mine).toHaveLength(50);
    await waitFor("payments credited in the store", async () => {
      const credited = await db.selectFrom("payments").select("payment_ref").where("status", "=", "credited").execute();
      return credited.length === 50;
    });
    await waitFor("float alert cleared", async () =>
      /^relayer_float_insufficient 0$/m.test(await relayer.metrics.registry.metrics()),
    );
  });
});
