// A card tip end to end: quote → signed payment_intent.succeeded → outbox →
// creditBatch on a real anvil node → creditOf(ref) Held, exactly once.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { parseEther, parseEventLogs, type Hex } from "viem";

import { abis } from "@mesi/deployments";

import { paymentRefOf } from "../src/stripe/webhook.ts";
import type { Relayer } from "../src/relayer.ts";
import { startAnvil, type AnvilNode } from "./support/anvil.ts";
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

async function creditOf(ref: Hex) {
  return await mesi.publicClient.readContract({
    address: mesi.addresses.vault,
    abi: abis.MesiVault,
    functionName: "creditOf",
    args: [ref],
  });
}

describe("card tip", () => {
  test("a paid quote is credited on-chain once, held, with the PaymentIntent's reference", async () => {
    const creator = await mesi.newFundedAccount();
    const fan = await mesi.newFundedAccount();
    const quote = await createQuote(relayer.url, {
      fan: fan.address,
      creator: creator.address,
      purpose: "tip",
      mesiAmount: parseEther("500").toString(),
    });
    expect(quote.amountMinor).toBe(500); // 500 MESI at $0.01
    expect(quote.paymentRef).toBe(paymentRefOf(quote.paymentIntentId));

    const { response } = await payQuote(relayer.url, quote);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ received: true, outcome: "credit_queued" });

    const record = await waitFor("credit on-chain", async () => {
      const r = await creditOf(quote.paymentRef);
      return r[0] === 1 ? r : undefined;
    });
    expect(record[1].toLowerCase()).toBe(creator.address.toLowerCase());
    expect(record[3]).toBe(parseEther("500"));

    await waitFor(
      "payment credited in the store",
      async () => (await getJson(`${relayer.url}/payments/${quote.paymentRef}`)).body.status === "credited",
    );
    const logs = await mesi.publicClient.getContractEvents({
      address: mesi.addresses.vault,
      abi: abis.MesiVault,
      eventName: "Credited",
      args: { paymentRef: quote.paymentRef },
      fromBlock: 0n,
    });
    expect(logs).toHaveLength(1);
    void parseEventLogs;
  });
});
