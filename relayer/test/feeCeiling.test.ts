// Fee bumps have a ceiling (issue 9, item 4). A stuck transaction under a
// rising base fee is replaced with higher fees only up to the configured
// tx.maxFeePerGas / tx.maxPriorityFeePerGas, then waits with an alert; and a
// transaction the node never accepted (the hot wallet has no gas money) is
// broadcast again as it is, never bumped, so refilling the wallet does not pay
// an inflated fee.
import { afterAll, afterEach, beforeAll, expect, test } from "vitest";
import { parseEther, parseGwei, toHex, type Hex } from "viem";

import { abis } from "@mesi/deployments";

import type { Relayer } from "../src/relayer.ts";
import { rpc, startAnvil, type AnvilNode } from "./support/anvil.ts";
import { deployFixture, type MesiFixture } from "./support/mesi.ts";
import { createQuote, payQuote, relayerConfigInput, startTestRelayer, waitFor } from "./support/relayer.ts";

let node: AnvilNode;
let mesi: MesiFixture;
const relayers: Relayer[] = [];

beforeAll(async () => {
  node = await startAnvil();
  mesi = await deployFixture(node, { relayers: 2 });
});

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

afterAll(async () => {
  for (const relayer of relayers) await relayer.stop();
  await node?.stop();
});

const CEILING = { maxFeePerGas: parseGwei("6"), maxPriorityFeePerGas: parseGwei("5") };

async function creditedOnce(ref: Hex): Promise<void> {
  const logs = await mesi.publicClient.getContractEvents({
    address: mesi.addresses.vault,
    abi: abis.MesiVault,
    eventName: "Credited",
    fromBlock: 0n,
  });
  expect(logs.filter((log) => log.args.paymentRef === ref)).toHaveLength(1);
}

async function tip(relayer: Relayer, fanByte: string) {
  const creator = await mesi.newFundedAccount();
  const quote = await createQuote(relayer.url, {
    fan: `0x${fanByte.repeat(20)}`,
    creator: creator.address,
    purpose: "tip",
    mesiAmount: parseEther("80").toString(),
  });
  return quote;
}

async function creditTx(relayer: Relayer) {
  return await relayer.store.db.selectFrom("transactions").selectAll().where("kind", "=", "credit").executeTakeFirst();
}

async function paymentStatus(relayer: Relayer, ref: string) {
  return (
    await relayer.store.db.selectFrom("payments").select("status").where("payment_ref", "=", ref).executeTakeFirst()
  )?.status;
}

test("a stuck transaction is bumped up to the ceiling and no further, with an alert", async () => {
  const relayer = await startTestRelayer(
    relayerConfigInput(node, mesi, {
      relayerIndex: 0,
      tx: { replaceAfterMs: 200, bumpPercent: 50, ...CEILING },
    }),
  );
  relayers.push(relayer);
  const quote = await tip(relayer, "a1");
  await rpc(node.url, "evm_setAutomine", [false]);
  cleanups.push(() => rpc(node.url, "evm_setAutomine", [true]));
  await payQuote(relayer.url, quote);

  // No block is mined: the transaction sits in the node's pool and is bumped by 50 % every 200 ms. (anvil
  // refuses a transaction whose fee cap is below the base fee, so a base fee raised above the ceiling would
  // evict it rather than leave it stuck; the climb is driven by the bumps instead.)
  await waitFor("the ceiling alert", async () =>
    /^relayer_fee_ceiling_reached 1$/m.test(await relayer.metrics.registry.metrics()),
  );
  const atCeiling = (await creditTx(relayer))!;
  const maxFee = BigInt(atCeiling.max_fee);
  const priority = BigInt(atCeiling.max_priority_fee);
  expect(maxFee).toBeLessThanOrEqual(CEILING.maxFeePerGas);
  expect(priority).toBeLessThanOrEqual(CEILING.maxPriorityFeePerGas);
  // Stopped because the next valid replacement (+10 % on both fees) would pass a ceiling, not earlier.
  expect(maxFee * 110n > CEILING.maxFeePerGas * 100n || priority * 110n > CEILING.maxPriorityFeePerGas * 100n).toBe(
    true,
  );
  // It got there by bumping (the first send was far below), and the node holds the last version.
  expect((JSON.parse(atCeiling.hashes) as Hex[]).length).toBeGreaterThan(2);
  const pooled = await mesi.publicClient.getTransaction({ hash: (JSON.parse(atCeiling.hashes) as Hex[]).at(-1)! });
  expect(pooled.maxFeePerGas).toBe(maxFee);
  expect(pooled.maxPriorityFeePerGas).toBe(priority);
  // No more replacements: the next bump would pass the ceiling.
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  expect((await creditTx(relayer))!.hashes).toBe(atCeiling.hashes);
  expect(await relayer.metrics.registry.metrics()).toMatch(/^relayer_fee_ceiling_reached 1$/m);

  // A block is mined: the transaction at the ceiling lands, once.
  await rpc(node.url, "evm_mine");
  await rpc(node.url, "evm_setAutomine", [true]);
  await waitFor("credited", async () => (await paymentStatus(relayer, quote.paymentRef)) === "credited");
  await creditedOnce(quote.paymentRef);
  await relayer.stop();
});

test("a hot wallet with no gas money: the transaction is broadcast again unchanged, never bumped", async () => {
  const relayer = await startTestRelayer(
    relayerConfigInput(node, mesi, { relayerIndex: 1, instanceId: "relayer-2", tx: { replaceAfterMs: 200 } }),
  );
  relayers.push(relayer);
  const wallet = relayer.chain.signer.address;
  const quote = await tip(relayer, "b2");
  await rpc(node.url, "anvil_setBalance", [wallet, "0x0"]);
  await payQuote(relayer.url, quote);
  const first = await waitFor("credit signed and recorded", () => creditTx(relayer));
  // Well past several replace intervals: the node never took it, so there is nothing to bump.
  await new Promise((resolve) => setTimeout(resolve, 2_500));
  const later = (await creditTx(relayer))!;
  expect(JSON.parse(later.hashes)).toHaveLength(1);
  expect(later.max_fee).toBe(first.max_fee);
  expect(await paymentStatus(relayer, quote.paymentRef)).toBe("credit_queued");

  // Refilled: the original transaction goes out as signed.
  await rpc(node.url, "anvil_setBalance", [wallet, toHex(parseEther("10"))]);
  await waitFor("credited", async () => (await paymentStatus(relayer, quote.paymentRef)) === "credited", 20_000);
  const mined = (await creditTx(relayer))!;
  expect(mined.mined_hash).toBe((JSON.parse(first.hashes) as Hex[])[0]);
  await creditedOnce(quote.paymentRef);
});
