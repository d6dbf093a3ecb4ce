// A card tip end to end: quote → signed payment_intent.succeeded → outbox →
// creditBatch on a real anvil node → creditOf(ref) Held, exactly once.
import { describe, expect, test } from "vitest";
import { parseEther, parseEventLogs, type Hex } from "viem";

import { abis } from "@mesi/deployments";

import { paymentRefOf } from "../src/stripe/webhook.ts";
import { createQuote, getJson, payQuote, waitFor, useRelayerStack } from "./support/relayer.ts";

const stack = useRelayerStack();

async function creditOf(ref: Hex) {
  return await stack.mesi.publicClient.readContract({
    address: stack.mesi.addresses.vault,
    abi: abis.MesiVault,
    functionName: "creditOf",
    args: [ref],
  });
}

describe("card tip", () => {
  test("a paid quote is credited on-chain once, held, with the PaymentIntent's reference", async () => {
    const creator = await stack.mesi.newFundedAccount();
    const fan = await stack.mesi.newFundedAccount();
    const quote = await createQuote(stack.relayer.url, {
      fan: fan.address,
      creator: creator.address,
      purpose: "tip",
      mesiAmount: parseEther("500").toString(),
    });
    expect(quote.amountMinor).toBe(500); // 500 MESI at $0.01
    expect(quote.paymentRef).toBe(paymentRefOf(quote.paymentIntentId));

    const { response } = await payQuote(stack.relayer.url, quote);
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
      async () => (await getJson(`${stack.relayer.url}/payments/${quote.paymentRef}`)).body.status === "credited",
    );
    const logs = await stack.mesi.publicClient.getContractEvents({
      address: stack.mesi.addresses.vault,
      abi: abis.MesiVault,
      eventName: "Credited",
      args: { paymentRef: quote.paymentRef },
      fromBlock: 0n,
    });
    expect(logs).toHaveLength(1);
    void parseEventLogs;
  });
});
