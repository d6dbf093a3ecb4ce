// The fiat hold: a card credit is held for the vault's hold period; after it
// the relayer clears it (settleCredits), and a refund or dispute that comes
// later can no longer be reversed on-chain — it is recorded and flagged.
import { expect, test } from "vitest";
import { parseEther, type Hex } from "viem";

import { abis } from "@mesi/deployments";

import { rpc } from "./support/anvil.ts";
import { createQuote, getJson, payQuote, waitFor, useRelayerStack } from "./support/relayer.ts";

const stack = useRelayerStack();

const status = async (ref: Hex) =>
  (
    await stack.mesi.publicClient.readContract({
      address: stack.mesi.addresses.vault,
      abi: abis.MesiVault,
      functionName: "creditOf",
      args: [ref],
    })
  )[0];

test("after the hold the credit is cleared; a refund then is flagged, not reversed", async () => {
  const creator = await stack.mesi.newFundedAccount();
  const quote = await createQuote(stack.relayer.url, {
    fan: `0x${"55".repeat(20)}`,
    creator: creator.address,
    purpose: "tip",
    mesiAmount: parseEther("150").toString(),
  });
  await payQuote(stack.relayer.url, quote);
  await waitFor("held", async () => (await status(quote.paymentRef)) === 1);
  const hold = await stack.mesi.publicClient.readContract({
    address: stack.mesi.addresses.vault,
    abi: abis.MesiVault,
    functionName: "holdPeriod",
  });

  await rpc(stack.node.url, "evm_increaseTime", [Number(hold) + 60]);
  await rpc(stack.node.url, "evm_mine");
  await waitFor("cleared by the relayer's settlement", async () => (await status(quote.paymentRef)) === 2, 20_000, 200);

  const { response } = await payQuote(stack.relayer.url, quote, "refunded");
  expect(response.body).toMatchObject({ outcome: "reversal_queued" });
  const payment = await waitFor("flagged", async () => {
    const body = (await getJson(`${stack.relayer.url}/payments/${quote.paymentRef}`)).body;
    return body.status === "flagged" ? body : undefined;
  });
  expect(payment.reason).toMatch(/hold period over/);
  expect(await status(quote.paymentRef)).toBe(2);
});
