// A card is never charged for a payment that can't be credited (issue 9,
// item 10). Before a quote is issued — and again when the webapp asks right
// before confirming the card (POST /quotes/:id/check) — the relayer simulates
// the credit exactly as it would send it; a quote the contract would refuse is
// not issued. A payment that still fails on-chain (the creator blocked the fan
// after the quote) is refunded through Stripe automatically, once, and the fan
// sees why at GET /payments/:ref.
import { describe, expect, test } from "vitest";
import { parseEther, type Hex } from "viem";

import { abis } from "@mesi/deployments";

import type { LocalStripeGateway } from "../src/stripe/local.ts";
import { createQuote, getJson, payQuote, postJson, waitFor, useRelayerStack } from "./support/relayer.ts";

const stack = useRelayerStack();

const quoteCount = async () =>
  Number(
    (
      await stack.relayer.store.db
        .selectFrom("quotes")
        .select((eb) => eb.fn.countAll().as("n"))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe("the credit is simulated before the card is charged", () => {
  test("a tip from a fan the creator blocked gets no quote: 422 would_revert naming the contract's error", async () => {
    const creator = await stack.mesi.newFundedAccount();
    const fan = await stack.mesi.newFundedAccount();
    await stack.mesi.write(creator, stack.mesi.addresses.vault, abis.MesiVault, "blockFan", [fan.address]);
    const before = await quoteCount();
    const response = await postJson(`${stack.relayer.url}/quotes`, {
      fan: fan.address,
      creator: creator.address,
      purpose: "tip",
      mesiAmount: parseEther("100").toString(),
    });
    expect(response.status).toBe(422);
    expect(response.body).toMatchObject({ error: "would_revert", revert: "Vault_Blocked" });
    expect(response.body.message).toMatch(/would be refused on-chain/);
    expect(await quoteCount()).toBe(before);
  });

  test("blocked after the quote: the re-check refuses; a payment made anyway is refunded through Stripe once and shown to the fan", async () => {
    const creator = await stack.mesi.newFundedAccount();
    const fan = await stack.mesi.newFundedAccount();
    const quote = await createQuote(stack.relayer.url, {
      fan: fan.address,
      creator: creator.address,
      purpose: "tip",
      mesiAmount: parseEther("100").toString(),
    });
    const ok = await postJson(`${stack.relayer.url}/quotes/${quote.quoteId}/check`, {});
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ quoteId: quote.quoteId, creditable: true });

    await stack.mesi.write(creator, stack.mesi.addresses.vault, abis.MesiVault, "blockFan", [fan.address]);
    const refused = await postJson(`${stack.relayer.url}/quotes/${quote.quoteId}/check`, {});
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ error: "would_revert", revert: "Vault_Blocked" });

    // The fan's browser confirmed the card anyway (or the block came a moment later).
    expect((await payQuote(stack.relayer.url, quote)).response.status).toBe(200);
    const ref = quote.paymentRef as Hex;
    const payment = await waitFor("payment refunded", async () => {
      const answer = await getJson(`${stack.relayer.url}/payments/${ref}`);
      return answer.body?.status === "refunded" ? answer.body : undefined;
    });
    expect(payment.reason).toMatch(/Vault_Blocked/);
    expect(payment.refundId).toMatch(/^re_/);
    const gateway = stack.relayer.gateway as LocalStripeGateway;
    expect(gateway.refundsOf(quote.paymentIntentId)).toHaveLength(1);

    // Stripe's charge.refunded for our own refund changes nothing, and nothing was credited.
    const { response } = await payQuote(stack.relayer.url, quote, "refunded");
    expect(response.status).toBe(200);
    expect((response.body as { outcome: string }).outcome).toBe("unchanged");
    const record = await stack.mesi.publicClient.readContract({
      address: stack.mesi.addresses.vault,
      abi: abis.MesiVault,
      functionName: "creditOf",
      args: [ref],
    });
    expect(record[0]).toBe(0);
    // Later maintenance passes do not refund again.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(gateway.refundsOf(quote.paymentIntentId)).toHaveLength(1);
  });
});
