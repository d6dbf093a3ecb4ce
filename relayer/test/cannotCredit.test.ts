// A card is never charged for a payment that can't be credited (issue 9,
// item 10). Before a quote is issued — and again when the webapp asks right
// before confirming the card (POST /quotes/:id/check) — the relayer simulates
// the credit exactly as it would send it; a quote the contract would refuse is
// not issued. A payment that still fails on-chain (the creator blocked the fan
// after the quote) is refunded through Stripe automatically, once, and the fan
// sees why at GET /payments/:ref.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { parseEther, type Hex } from "viem";

import { abis } from "@mesi/deployments";

import type { Relayer } from "../src/relayer.ts";
import type { LocalStripeGateway } from "../src/stripe/local.ts";
import { startAnvil, type AnvilNode } from "./support/anvil.ts";
import { deployFixture, type MesiFixture } from "./support/mesi.ts";
import {
  createQuote,
  getJson,
  payQuote,
  postJson,
  relayerConfigInput,
  startTestRelayer,
  waitFor,
} from "./support/relayer.ts";

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

const quoteCount = async () =>
  Number(
    (
      await relayer.store.db
        .selectFrom("quotes")
        .select((eb) => eb.fn.countAll().as("n"))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe("the credit is simulated before the card is charged", () => {
  test("a tip from a fan the creator blocked gets no quote: 422 would_revert naming the contract's error", async () => {
    const creator = await mesi.newFundedAccount();
    const fan = await mesi.newFundedAccount();
    await mesi.write(creator, mesi.addresses.vault, abis.MesiVault, "blockFan", [fan.address]);
    const before = await quoteCount();
    const response = await postJson(`${relayer.url}/quotes`, {
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
    const creator = await mesi.newFundedAccount();
    const fan = await mesi.newFundedAccount();
    const quote = await createQuote(relayer.url, {
      fan: fan.address,
      creator: creator.address,
      purpose: "tip",
      mesiAmount: parseEther("100").toString(),
    });
    const ok = await postJson(`${relayer.url}/quotes/${quote.quoteId}/check`, {});
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ quoteId: quote.quoteId, creditable: true });

    await mesi.write(creator, mesi.addresses.vault, abis.MesiVault, "blockFan", [fan.address]);
    const refused = await postJson(`${relayer.url}/quotes/${quote.quoteId}/check`, {});
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ error: "would_revert", revert: "Vault_Blocked" });

    // The fan's browser confirmed the card anyway (or the block came a moment later).
    expect((await payQuote(relayer.url, quote)).response.status).toBe(200);
    const ref = quote.paymentRef as Hex;
    const payment = await waitFor("payment refunded", async () => {
      const answer = await getJson(`${relayer.url}/payments/${ref}`);
      return answer.body?.status === "refunded" ? answer.body : undefined;
    });
    expect(payment.reason).toMatch(/Vault_Blocked/);
    expect(payment.refundId).toMatch(/^re_/);
    const gateway = relayer.gateway as LocalStripeGateway;
    expect(gateway.refundsOf(quote.paymentIntentId)).toHaveLength(1);

    // Stripe's charge.refunded for our own refund changes nothing, and nothing was credited.
    const { response } = await payQuote(relayer.url, quote, "refunded");
    expect(response.status).toBe(200);
    expect((response.body as { outcome: string }).outcome).toBe("unchanged");
    const record = await mesi.publicClient.readContract({
      address: mesi.addresses.vault,
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
