// The chain misbehaves: the node stops for a while and comes back (its state
// kept with anvil --state), and a reorg removes a mined credit. Payments keep
// being acknowledged, and every one is credited exactly once in the end.
import { join } from "node:path";

import { afterEach, describe, expect, test } from "vitest";
import { parseEther, type Hex } from "viem";

import { abis } from "@mesi/deployments";

import type { Relayer } from "../src/relayer.ts";
import { rpc, startAnvil, type AnvilNode } from "./support/anvil.ts";
import { deployFixture, type MesiFixture } from "./support/mesi.ts";
import { createQuote, payQuote, relayerConfigInput, startTestRelayer, tempDir, waitFor } from "./support/relayer.ts";

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step().catch(() => undefined);
});

async function creditedOnce(mesi: MesiFixture, refs: Hex[]): Promise<void> {
  const logs = await mesi.publicClient.getContractEvents({
    address: mesi.addresses.vault,
    abi: abis.MesiVault,
    eventName: "Credited",
    fromBlock: 0n,
  });
  for (const ref of refs) expect(logs.filter((log) => log.args.paymentRef === ref)).toHaveLength(1);
}

async function allHeld(mesi: MesiFixture, refs: Hex[]): Promise<boolean> {
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
  return records.every((record) => record[0] === 1);
}

describe("chain faults", () => {
  test("the node stops for a while and comes back: webhooks are still acknowledged, credits resume, none doubled", async () => {
    const statePath = join(tempDir("mesi-anvil-"), "state.json");
    let node: AnvilNode = await startAnvil({ args: ["--state", statePath] });
    cleanup.push(() => node.stop());
    const mesi = await deployFixture(node);
    const relayer: Relayer = await startTestRelayer(relayerConfigInput(node, mesi));
    cleanup.push(() => relayer.stop());
    const creator = await mesi.newFundedAccount();
    const quotes = [];
    for (let i = 0; i < 40; i++) {
      quotes.push(
        await createQuote(relayer.url, {
          fan: `0x${(5000 + i).toString(16).padStart(40, "0")}`,
          creator: creator.address,
          purpose: "tip",
          mesiAmount: parseEther("75").toString(),
        }),
      );
    }
    const refs = quotes.map((quote) => quote.paymentRef as Hex);
    for (const quote of quotes.slice(0, 20)) await payQuote(relayer.url, quote);
    await waitFor("first half credited", () => allHeld(mesi, refs.slice(0, 20)));

    // The node goes away (SIGTERM: anvil writes its state). Payments keep arriving.
    const port = node.port;
    await node.stop();
    for (const quote of quotes.slice(20)) {
      const { response } = await payQuote(relayer.url, quote);
      expect(response.status).toBe(200);
    }
    const health = await fetch(`${relayer.url}/healthz`);
    expect(health.status).toBe(503);
    await new Promise((resolve) => setTimeout(resolve, 1_500));

    node = await startAnvil({ port, args: ["--state", statePath] });
    await waitFor("second half credited after the node came back", () => allHeld(mesi, refs), 60_000, 200);
    await creditedOnce(mesi, refs);
  });

  test("a reorg removes a mined credit: it is sent again and lands exactly once", async () => {
    const node = await startAnvil();
    cleanup.push(() => node.stop());
    const mesi = await deployFixture(node);
    const relayer: Relayer = await startTestRelayer(relayerConfigInput(node, mesi, { chain: { confirmations: 3 } }));
    cleanup.push(() => relayer.stop());
    const creator = await mesi.newFundedAccount();
    const quote = await createQuote(relayer.url, {
      fan: `0x${"77".repeat(20)}`,
      creator: creator.address,
      purpose: "tip",
      mesiAmount: parseEther("90").toString(),
    });
    const snapshot = await rpc<string>(node.url, "evm_snapshot");
    await payQuote(relayer.url, quote);
    const db = relayer.store.db;
    await waitFor("credit mined", async () => {
      const tx = await db.selectFrom("transactions").select("state").where("kind", "=", "credit").executeTakeFirst();
      return tx?.state === "mined";
    });
    expect(await allHeld(mesi, [quote.paymentRef])).toBe(true);

    // Reorg: the block with the credit disappears and its transaction with it.
    await rpc(node.url, "evm_revert", [snapshot]);
    expect(await allHeld(mesi, [quote.paymentRef])).toBe(false);

    const miner = setInterval(() => void rpc(node.url, "evm_mine").catch(() => undefined), 150);
    cleanup.push(async () => clearInterval(miner));
    await waitFor("credit confirmed after the reorg", async () => {
      const payment = await db
        .selectFrom("payments")
        .select("status")
        .where("payment_ref", "=", quote.paymentRef)
        .executeTakeFirst();
      return payment?.status === "credited";
    });
    expect(await allHeld(mesi, [quote.paymentRef])).toBe(true);
    await creditedOnce(mesi, [quote.paymentRef]);
    const metrics = await (await fetch(`${relayer.url}/metrics`)).text();
    expect(metrics).toMatch(/relayer_reorged_transactions_total 1/);
  });

  test("a stuck transaction is replaced with ≥ 10 % higher fees and lands once", async () => {
    const node = await startAnvil();
    cleanup.push(() => node.stop());
    const mesi = await deployFixture(node);
    const relayer: Relayer = await startTestRelayer(
      relayerConfigInput(node, mesi, { tx: { replaceAfterMs: 300, bumpPercent: 12 } }),
    );
    cleanup.push(() => relayer.stop());
    const creator = await mesi.newFundedAccount();
    const quote = await createQuote(relayer.url, {
      fan: `0x${"88".repeat(20)}`,
      creator: creator.address,
      purpose: "tip",
      mesiAmount: parseEther("80").toString(),
    });
    await rpc(node.url, "evm_setAutomine", [false]);
    await payQuote(relayer.url, quote);
    const db = relayer.store.db;
    // The engine records a hash before it broadcasts (so a crash never loses one): wait until the node holds the
    // newest replacement in its pool, which it refuses when the bump is below 10 %.
    // The original as the node holds it, before any replacement.
    const original = await waitFor("the original in the node's pool", async () => {
      const tx = await db.selectFrom("transactions").selectAll().where("kind", "=", "credit").executeTakeFirst();
      if (tx === undefined) return undefined;
      const first = (JSON.parse(tx.hashes) as Hex[])[0]!;
      return (await mesi.publicClient.getTransaction({ hash: first }).catch(() => undefined)) ?? undefined;
    });
    let pooledReplacement: Awaited<ReturnType<typeof mesi.publicClient.getTransaction>> | undefined;
    const stuck = await waitFor("a replacement in the node's pool", async () => {
      const tx = await db.selectFrom("transactions").selectAll().where("kind", "=", "credit").executeTakeFirst();
      if (tx === undefined) return undefined;
      const sent = JSON.parse(tx.hashes) as Hex[];
      if (sent.length < 3) return undefined;
      const pooled = await mesi.publicClient.getTransaction({ hash: sent[sent.length - 1]! }).catch(() => undefined);
      if (pooled === undefined) return undefined;
      pooledReplacement = pooled;
      return tx;
    });
    // Both fees read from the node: the replacement at the same nonce pays ≥ 10 % more, in both fee fields.
    const replacement = pooledReplacement!;
    expect(replacement.hash).not.toBe(original.hash);
    expect(replacement.nonce).toBe(original.nonce);
    expect(replacement.maxFeePerGas! * 100n).toBeGreaterThanOrEqual(original.maxFeePerGas! * 110n);
    expect(replacement.maxPriorityFeePerGas! * 100n).toBeGreaterThanOrEqual(original.maxPriorityFeePerGas! * 110n);
    await rpc(node.url, "evm_mine");
    await waitFor("credited", async () => {
      const payment = await db
        .selectFrom("payments")
        .select("status")
        .where("payment_ref", "=", quote.paymentRef)
        .executeTakeFirst();
      return payment?.status === "credited";
    });
    await creditedOnce(mesi, [quote.paymentRef]);
    const mined = await db.selectFrom("transactions").selectAll().where("id", "=", stuck.id).executeTakeFirstOrThrow();
    // One of its own hashes was mined (more replacements may have been signed before the block).
    expect(JSON.parse(mined.hashes) as Hex[]).toContain(mined.mined_hash);
    const metrics = await (await fetch(`${relayer.url}/metrics`)).text();
    expect(metrics).toMatch(/relayer_transaction_replacements_total [1-9]/);
  });

  test("a hot wallet that is gone for good: another instance takes over its unfinished credit, credited once", async () => {
    const node = await startAnvil();
    cleanup.push(() => node.stop());
    const mesi = await deployFixture(node, { relayers: 2 });
    const store = { kind: "sqlite" as const, path: join(tempDir(), "shared.sqlite") };
    const first: Relayer = await startTestRelayer(relayerConfigInput(node, mesi, { relayerIndex: 0, store }));
    const creator = await mesi.newFundedAccount();
    const quote = await createQuote(first.url, {
      fan: `0x${"66".repeat(20)}`,
      creator: creator.address,
      purpose: "tip",
      mesiAmount: parseEther("70").toString(),
    });
    await rpc(node.url, "evm_setAutomine", [false]);
    await payQuote(first.url, quote);
    const sent = await waitFor("credit sent", async () => {
      const tx = await first.store.db
        .selectFrom("transactions")
        .selectAll()
        .where("kind", "=", "credit")
        .executeTakeFirst();
      return tx;
    });
    await first.stop();
    // The first wallet's transaction never lands (dropped from the pool) and its instance never returns.
    for (const hash of JSON.parse(sent.hashes) as Hex[]) await rpc(node.url, "anvil_dropTransaction", [hash]);
    await rpc(node.url, "evm_setAutomine", [true]);

    const second: Relayer = await startTestRelayer(
      relayerConfigInput(node, mesi, { relayerIndex: 1, instanceId: "relayer-2", store, tx: { orphanAfterMs: 200 } }),
    );
    cleanup.push(() => second.stop());
    await waitFor(
      "credited by the second wallet",
      async () => {
        const payment = await second.store.db
          .selectFrom("payments")
          .select("status")
          .where("payment_ref", "=", quote.paymentRef)
          .executeTakeFirst();
        return payment?.status === "credited";
      },
      20_000,
    );
    await creditedOnce(mesi, [quote.paymentRef]);
    const txs = await second.store.db
      .selectFrom("transactions")
      .select(["sender", "state"])
      .where("state", "=", "confirmed")
      .execute();
    expect(txs.map((tx) => tx.sender)).toContain(second.chain.signer.address.toLowerCase());
  });
});
