// Stripe webhooks and quotes against a real relayer, a real anvil node and a
// real SQLite file: every bad input gets a clear answer, credits nothing and
// stores nothing that could later be credited; refunds and disputes reverse a
// held credit; ticket seats are reserved before charging.
import { beforeAll, describe, expect, test } from "vitest";
import { parseEther, type Hex } from "viem";

import { abis } from "@mesi/deployments";

import { buildEvent, signEvent } from "../src/stripe/simulator.ts";
import type { MesiFixture } from "./support/mesi.ts";
import {
  WEBHOOK_SECRET,
  createQuote,
  getJson,
  payQuote,
  postJson,
  signQuoteRequest,
  waitFor,
  useRelayerStack,
} from "./support/relayer.ts";

const stack = useRelayerStack();
let creator: Awaited<ReturnType<MesiFixture["newFundedAccount"]>>;
let fan: Awaited<ReturnType<MesiFixture["newFundedAccount"]>>;

beforeAll(async () => {
  creator = await stack.mesi.newFundedAccount();
  fan = await stack.mesi.newFundedAccount();
});

async function creditStatus(ref: Hex): Promise<number> {
  const record = await stack.mesi.publicClient.readContract({
    address: stack.mesi.addresses.vault,
    abi: abis.MesiVault,
    functionName: "creditOf",
    args: [ref],
  });
  return record[0];
}

async function counts() {
  const db = stack.relayer.store.db;
  const count = async (table: "webhook_events" | "payments" | "outbox") =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return { events: await count("webhook_events"), payments: await count("payments"), outbox: await count("outbox") };
}

async function tipQuote(amount = "100") {
  return await createQuote(stack.relayer.url, {
    fan: fan.address,
    creator: creator.address,
    purpose: "tip",
    mesiAmount: parseEther(amount).toString(),
  });
}

async function rawWebhook(body: string, signature?: string) {
  const response = await fetch(`${stack.relayer.url}/webhooks/stripe`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(signature === undefined ? {} : { "stripe-signature": signature }),
    },
    body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("webhook signatures: rejected with 400, nothing stored", () => {
  test.each([
    [
      "missing signature",
      "missing_signature",
      () => ({ signature: undefined as string | undefined, secret: WEBHOOK_SECRET }),
    ],
    ["forged signature (wrong secret)", "invalid_signature", () => ({ signature: "forge", secret: "whsec_attacker" })],
    ["garbage header", "invalid_signature", () => ({ signature: "t=1,v1=deadbeef", secret: WEBHOOK_SECRET })],
  ])("%s", async (_name, code, make) => {
    const quote = await tipQuote();
    const before = await counts();
    const event = buildEvent(
      {
        paymentIntentId: quote.paymentIntentId,
        quoteId: quote.quoteId,
        amountMinor: quote.amountMinor,
        currency: "usd",
      },
      "succeeded",
    );
    const { secret, signature } = make();
    const signed = signEvent(event, secret);
    const header = signature === undefined ? undefined : signature === "forge" ? signed.signature : signature;
    const response = await rawWebhook(signed.body, header);
    expect(response.status).toBe(400);
    expect(response.body.error).toBe(code);
    expect(await counts()).toEqual(before);
    expect(await creditStatus(quote.paymentRef)).toBe(0);
  });

  test("expired signature (timestamp outside the 300 s tolerance)", async () => {
    const quote = await tipQuote();
    const before = await counts();
    const { response } = await payQuote(stack.relayer.url, quote, "succeeded", {
      timestampSeconds: Math.floor(Date.now() / 1000) - 600,
    });
    expect(response.status).toBe(400);
    expect((response.body as Record<string, unknown>).error).toBe("signature_expired");
    expect(await counts()).toEqual(before);
  });

  test("body altered after signing", async () => {
    const quote = await tipQuote();
    const event = buildEvent(
      {
        paymentIntentId: quote.paymentIntentId,
        quoteId: quote.quoteId,
        amountMinor: quote.amountMinor,
        currency: "usd",
      },
      "succeeded",
    );
    const signed = signEvent(event, WEBHOOK_SECRET);
    const response = await rawWebhook(
      signed.body.replace(`"amount":${quote.amountMinor}`, '"amount":1'),
      signed.signature,
    );
    expect(response.status).toBe(400);
    expect(response.body.error).toBe("invalid_signature");
  });

  test("malformed JSON, correctly signed", async () => {
    const before = await counts();
    const body = '{"id": "evt_broken", "type": "payment_intent.succeeded", ';
    const { default: Stripe } = await import("stripe");
    const signed = Stripe.webhooks.generateTestHeaderString({ payload: body, secret: WEBHOOK_SECRET });
    const response = await rawWebhook(body, signed);
    expect(response.status).toBe(400);
    expect(response.body.error).toBe("malformed_json");
    expect(await counts()).toEqual(before);
  });
});

describe("webhook events", () => {
  test("unknown event types are acknowledged and ignored", async () => {
    const event = {
      id: "evt_unknown_type_1",
      object: "event",
      type: "customer.created",
      created: 1,
      data: { object: { id: "cus_1" } },
    };
    const { body, signature } = signEvent(event, WEBHOOK_SECRET);
    const response = await rawWebhook(body, signature);
    expect(response.status).toBe(200);
    expect(response.body.outcome).toBe("ignored");
  });

  test.each([
    ["amount", { amountMinor: 1 }],
    ["currency", { currency: "eur" }],
  ])(
    "a payment whose %s does not match its quote is recorded as rejected and never credited",
    async (_name, change) => {
      const quote = await tipQuote();
      const { response } = await payQuote(stack.relayer.url, quote, "succeeded", change);
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ outcome: "rejected" });
      const payment = await getJson(`${stack.relayer.url}/payments/${quote.paymentRef}`);
      expect(payment.body.status).toBe("rejected");
      expect(payment.body.reason).toMatch(/amount mismatch/);
      expect(payment.body.operations).toEqual([]);
      // A correct redelivery later does not credit a rejected payment either.
      const again = await payQuote(stack.relayer.url, quote);
      expect(again.response.body).toMatchObject({ outcome: "unchanged" });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await creditStatus(quote.paymentRef)).toBe(0);
    },
  );

  test("a payment that succeeded after its quote expired is rejected (refund needed), never credited", async () => {
    const quote = await tipQuote();
    const late = Math.floor(Date.parse(quote.expiresAt) / 1000) + 5;
    const { response } = await payQuote(stack.relayer.url, quote, "succeeded", { createdSeconds: late });
    expect(response.body).toMatchObject({ outcome: "rejected" });
    expect(String((response.body as { reason: string }).reason)).toMatch(/expired/);
    const payment = await getJson(`${stack.relayer.url}/payments/${quote.paymentRef}`);
    expect(payment.body.operations).toEqual([]);
  });

  test("a redelivered event (same id) credits once", async () => {
    const quote = await tipQuote("70");
    const first = await payQuote(stack.relayer.url, quote, "succeeded", { eventId: "evt_dup_1" });
    const second = await payQuote(stack.relayer.url, quote, "succeeded", { eventId: "evt_dup_1" });
    const third = await payQuote(stack.relayer.url, quote, "succeeded", { eventId: "evt_dup_2" });
    expect(first.response.body).toMatchObject({ outcome: "credit_queued" });
    expect(second.response.body).toMatchObject({ duplicate: true });
    expect(third.response.body).toMatchObject({ outcome: "unchanged" });
    await waitFor("credit", async () => (await creditStatus(quote.paymentRef)) === 1);
    const logs = await stack.mesi.publicClient.getContractEvents({
      address: stack.mesi.addresses.vault,
      abi: abis.MesiVault,
      eventName: "Credited",
      args: { paymentRef: quote.paymentRef },
      fromBlock: 0n,
    });
    expect(logs).toHaveLength(1);
  });

  test("a refund that arrives before the success: the payment is never credited", async () => {
    const quote = await tipQuote("300");
    const refund = await payQuote(stack.relayer.url, quote, "refunded");
    expect(refund.response.body).toMatchObject({ outcome: "refunded" });
    const success = await payQuote(stack.relayer.url, quote);
    expect(success.response.body).toMatchObject({ outcome: "unchanged" });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await creditStatus(quote.paymentRef)).toBe(0);
  });

  test.each(["refunded", "disputed"] as const)(
    "%s after the credit: the held credit is reversed on-chain",
    async (outcome) => {
      const quote = await tipQuote("110");
      await payQuote(stack.relayer.url, quote);
      await waitFor("credit", async () => (await creditStatus(quote.paymentRef)) === 1);
      const { response } = await payQuote(stack.relayer.url, quote, outcome);
      expect(response.body).toMatchObject({ outcome: "reversal_queued" });
      await waitFor("reversal", async () => (await creditStatus(quote.paymentRef)) === 3);
      await waitFor(
        "payment reversed",
        async () => (await getJson(`${stack.relayer.url}/payments/${quote.paymentRef}`)).body.status === "reversed",
      );
    },
  );

  test("a partial refund is recorded and flagged for a person, the credit stays", async () => {
    const quote = await tipQuote("130");
    await payQuote(stack.relayer.url, quote);
    await waitFor("credit", async () => (await creditStatus(quote.paymentRef)) === 1);
    const event = buildEvent(
      {
        paymentIntentId: quote.paymentIntentId,
        quoteId: quote.quoteId,
        amountMinor: quote.amountMinor,
        currency: "usd",
      },
      "refunded",
      { partialRefundMinor: 1 },
    );
    const { body, signature } = signEvent(event, WEBHOOK_SECRET);
    const response = await rawWebhook(body, signature);
    expect(response.body.outcome).toBe("flagged");
    expect((await getJson(`${stack.relayer.url}/payments/${quote.paymentRef}`)).body.status).toBe("flagged");
    expect(await creditStatus(quote.paymentRef)).toBe(1);
  });
});

describe("quotes", () => {
  test("the fiat price is the configured rate in whole cents, rounded up", async () => {
    const quote = await createQuote(stack.relayer.url, {
      fan: fan.address,
      creator: creator.address,
      purpose: "tip",
      mesiAmount: (parseEther("50") + 1n).toString(),
    });
    expect(quote.amountMinor).toBe(51);
    expect(quote.currency).toBe("usd");
    expect(quote.paymentIntentId).toMatch(/^pi_local_/);
  });

  test.each([
    ["malformed JSON", "{not json", 400, "malformed_json"],
    [
      "bad address",
      JSON.stringify({ fan: "0x12", creator: "0x12", purpose: "tip", mesiAmount: "1" }),
      400,
      "invalid_quote_request",
    ],
    [
      "decimal amount",
      JSON.stringify({ fan: "0x" + "1".repeat(40), creator: "0x" + "2".repeat(40), purpose: "tip", mesiAmount: "1.5" }),
      400,
      "invalid_quote_request",
    ],
    [
      "zero amount",
      JSON.stringify({ fan: "0x" + "1".repeat(40), creator: "0x" + "2".repeat(40), purpose: "tip", mesiAmount: "0" }),
      400,
      "amount_zero",
    ],
    [
      "self payment",
      JSON.stringify({ fan: "0x" + "1".repeat(40), creator: "0x" + "1".repeat(40), purpose: "tip", mesiAmount: "1" }),
      400,
      "self_payment",
    ],
    [
      "above Stripe's largest charge",
      JSON.stringify({
        fan: "0x" + "1".repeat(40),
        creator: "0x" + "2".repeat(40),
        purpose: "tip",
        mesiAmount: parseEther("100000000").toString(),
      }),
      422,
      "amount_above_card_maximum",
    ],
    [
      "below the smallest charge",
      JSON.stringify({ fan: "0x" + "1".repeat(40), creator: "0x" + "2".repeat(40), purpose: "tip", mesiAmount: "1" }),
      422,
      "amount_below_card_minimum",
    ],
  ])("%s → %s %s", async (_name, body, status, code) => {
    const response = await fetch(`${stack.relayer.url}/quotes`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    expect(response.status).toBe(status);
    const json = (await response.json()) as { error: string; message: string };
    expect(json.error).toBe(code);
    expect(json.message.length).toBeGreaterThan(5);
  });

  test("ticket seats are reserved before charging: a limited sale cannot be oversold, a failed payment releases its seat", async () => {
    const streamId = await stack.mesi.createTicketSale(creator, parseEther("100"), 2);
    const ticketQuote = async (quantity: number) =>
      postJson(
        `${stack.relayer.url}/quotes`,
        await signQuoteRequest(
          fan,
          { creator: creator.address, purpose: "ticket", streamId: streamId.toString(), quantity },
          stack.node.chainId,
        ),
      );
    const first = await ticketQuote(1);
    const second = await ticketQuote(1);
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(first.body.mesiAmount).toBe(parseEther("100").toString());
    const third = await ticketQuote(1);
    expect(third.status).toBe(409);
    expect(third.body.error).toBe("sold_out");

    // The second payment fails: its seat goes back.
    const failed = await payQuote(stack.relayer.url, second.body, "failed");
    expect(failed.response.body).toMatchObject({ outcome: "payment_failed", reason: "seat released" });
    const fourth = await ticketQuote(1);
    expect(fourth.status).toBe(201);

    // Paying the first quote buys the ticket on-chain from the float.
    await payQuote(stack.relayer.url, first.body);
    await waitFor("ticket bought", async () => (await creditStatus(first.body.paymentRef)) === 1);
    const balance = await stack.mesi.publicClient.readContract({
      address: stack.mesi.addresses.tickets,
      abi: abis.MesiTickets,
      functionName: "balanceOf",
      args: [fan.address, streamId],
    });
    expect(balance).toBe(1n);
    // A success for the failed quote finds its seat gone: rejected, not oversold.
    const late = await payQuote(stack.relayer.url, second.body);
    expect(late.response.body).toMatchObject({ outcome: "rejected" });
  });

  test("a ticket quote for a stream without a sale is a clear 404", async () => {
    const response = await postJson(
      `${stack.relayer.url}/quotes`,
      await signQuoteRequest(
        fan,
        { creator: creator.address, purpose: "ticket", streamId: "999999" },
        stack.node.chainId,
      ),
    );
    expect(response.status).toBe(404);
    expect(response.body.error).toBe("no_sale");
  });
});

describe("dev payment simulator", () => {
  test("POST /dev/simulate-payment pays a quote through the real webhook path", async () => {
    const quote = await tipQuote("210");
    const response = await postJson(`${stack.relayer.url}/dev/simulate-payment`, { quoteId: quote.quoteId });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ simulated: true, localDevelopmentOnly: true, webhook: { status: 200 } });
    await waitFor("credit", async () => (await creditStatus(quote.paymentRef)) === 1);
  });
});

describe("operations", () => {
  test("/healthz and /metrics", async () => {
    const health = await getJson(`${stack.relayer.url}/healthz`);
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ ok: true, store: "sqlite", stripe: "local" });
    const metrics = await (await fetch(`${stack.relayer.url}/metrics`)).text();
    expect(metrics).toMatch(/relayer_credits_confirmed_total\{kind="credit"\} \d+/);
    expect(metrics).toMatch(/relayer_confirmation_latency_seconds_bucket/);
    expect(metrics).toMatch(/relayer_outbox_depth/);
    expect(metrics).toMatch(/relayer_webhook_ack_seconds_bucket/);
  });
});
