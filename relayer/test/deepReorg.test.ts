// A reorg deeper than the confirmation depth (issue 9, item 3). A credit is
// confirmed (the payment says credited) at the configured depth, then a reorg
// deeper than that depth removes it. The relayer keeps checking confirmed
// transactions until they are final, finds the credit gone, and sends it again:
// it lands exactly once, and only a final transaction counts as done.
import { afterAll, beforeAll, expect, test } from "vitest";
import { parseEther, type Hex } from "viem";

import { abis } from "@mesi/deployments";

import type { Relayer } from "../src/relayer.ts";
import { rpc, startAnvil, type AnvilNode } from "./support/anvil.ts";
import { deployFixture, type MesiFixture } from "./support/mesi.ts";
import { createQuote, payQuote, relayerConfigInput, startTestRelayer, waitFor } from "./support/relayer.ts";

let node: AnvilNode;
let mesi: MesiFixture;
let relayer: Relayer;
let miner: NodeJS.Timeout | undefined;

beforeAll(async () => {
  node = await startAnvil();
  mesi = await deployFixture(node);
  relayer = await startTestRelayer(
    relayerConfigInput(node, mesi, { chain: { confirmations: 2, finality: { depth: 8 } } }),
  );
});

afterAll(async () => {
  clearInterval(miner);
  await relayer?.stop();
  await node?.stop();
});

async function creditStatus(ref: Hex): Promise<number> {
  const record = await mesi.publicClient.readContract({
    address: mesi.addresses.vault,
    abi: abis.MesiVault,
    functionName: "creditOf",
    args: [ref],
  });
  return record[0];
}

test("a confirmed credit removed by a reorg deeper than the depth is sent again and lands exactly once", async () => {
  const creator = await mesi.newFundedAccount();
  const quote = await createQuote(relayer.url, {
    fan: `0x${"79".repeat(20)}`,
    creator: creator.address,
    purpose: "tip",
    mesiAmount: parseEther("90").toString(),
  });
  const ref = quote.paymentRef as Hex;
  const snapshot = await rpc<string>(node.url, "evm_snapshot");
  await payQuote(relayer.url, quote);
  const db = relayer.store.db;
  const paymentStatus = async () =>
    (await db.selectFrom("payments").select("status").where("payment_ref", "=", ref).executeTakeFirst())?.status;

  // Confirmed at depth 2: the payment says credited.
  miner = setInterval(() => void rpc(node.url, "evm_mine").catch(() => undefined), 200);
  await waitFor("credited at depth 2", async () => (await paymentStatus()) === "credited");
  clearInterval(miner);
  const confirmed = await db
    .selectFrom("transactions")
    .selectAll()
    .where("kind", "=", "credit")
    .executeTakeFirstOrThrow();
  expect(confirmed.state).toBe("confirmed");
  const head = await mesi.publicClient.getBlockNumber({ cacheTime: 0 });
  expect(head - BigInt(confirmed.mined_block!) + 1n).toBeGreaterThanOrEqual(2n);
  expect(await creditStatus(ref)).toBe(1);

  // A reorg deeper than the depth: every block since the snapshot is gone, the credit with them.
  await rpc(node.url, "evm_revert", [snapshot]);
  expect(await creditStatus(ref)).toBe(0);

  await waitFor("the lost credit noticed", async () => (await paymentStatus()) === "credit_queued", 20_000);
  miner = setInterval(() => void rpc(node.url, "evm_mine").catch(() => undefined), 100);
  await waitFor(
    "credited again and final",
    async () => {
      const tx = await db.selectFrom("transactions").select("state").where("kind", "=", "credit").execute();
      return (await paymentStatus()) === "credited" && tx.some((row) => row.state === "final");
    },
    30_000,
  );
  clearInterval(miner);
  expect(await creditStatus(ref)).toBe(1);
  const logs = await mesi.publicClient.getContractEvents({
    address: mesi.addresses.vault,
    abi: abis.MesiVault,
    eventName: "Credited",
    fromBlock: 0n,
  });
  expect(logs.filter((log) => log.args.paymentRef === ref)).toHaveLength(1);
  const metrics = await relayer.metrics.registry.metrics();
  expect(metrics).toMatch(/relayer_reorged_transactions_total [1-9]/);
});
