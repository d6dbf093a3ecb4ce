// The fiat hold: a card credit is held for the vault's hold period; after it
// the relayer clears it (settleCredits), and a refund or dispute that comes
// later can no longer be reversed on-chain — it is recorded and flagged.
import { afterAll, beforeAll, expect, test } from "vitest";
import { parseEther, type Hex } from "viem";

import { abis } from "@mesi/deployments";

import type { Relayer } from "../src/relayer.ts";
import { rpc, startAnvil, type AnvilNode } from "./support/anvil.ts";
import { deployFixture, type MesiFixture } from "./support/mesi.ts";
import { createQuote, getJson, payQuote, relayerConfigInput, startTestRelayer, waitFor } from "./support/relayer.ts";

let node: AnvilNode;
let mesi: MesiFixture;
let relayer: Relayer;

beforeAll(async () => {
  node = await startAnvil();
  mesi = await deployFixture(node);
  relayer = await startTestRelayer(relayerConfigInput(node, mesi));
});

afterAll(async () => {
  await relayer?.stop();
  await node?.stop();
});

const status = async (ref: Hex) =>
  (
    await mesi.publicClient.readContract({
      address: mesi.addresses.vault,
      abi: abis.MesiVault,
      functionName: "creditOf",
      args: [ref],
    })
  )[0];

test("after the hold the credit is cleared; a refund then is flagged, not reversed", async () => {
  const creator = await mesi.newFundedAccount();
  const quote = await createQuote(relayer.url, {
    fan: `0x${"55".repeat(20)}`,
    creator: creator.address,
    purpose: "tip",
    mesiAmount: parseEther("150").toString(),
  });
  await payQuote(relayer.url, quote);
  await waitFor("held", async () => (await status(quote.paymentRef)) === 1);
  const hold = await mesi.publicClient.readContract({
    address: mesi.addresses.vault,
    abi: abis.MesiVault,
    functionName: "holdPeriod",
  });

  await rpc(node.url, "evm_increaseTime", [Number(hold) + 60]);
  await rpc(node.url, "evm_mine");
  await waitFor("cleared by the relayer's settlement", async () => (await status(quote.paymentRef)) === 2, 20_000, 200);

  const { response } = await payQuote(relayer.url, quote, "refunded");
  expect(response.body).toMatchObject({ outcome: "reversal_queued" });
  const payment = await waitFor("flagged", async () => {
    const body = (await getJson(`${relayer.url}/payments/${quote.paymentRef}`)).body;
    return body.status === "flagged" ? body : undefined;
  });
  expect(payment.reason).toMatch(/hold period over/);
  expect(await status(quote.paymentRef)).toBe(2);
});
