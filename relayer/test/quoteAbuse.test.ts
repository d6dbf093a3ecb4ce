// Quotes are not open to abuse (issue 9, item 7). A quote opens a Stripe
// PaymentIntent and a ticket quote holds seats, so: a ticket quote needs the
// fan's EIP-712 signature of the request (fresh, and from that fan — nobody
// can hold seats in someone else's name); one fan holds a capped number of
// open quotes and asks for a capped number per minute; one client address is
// rate-limited. Every refusal is a readable `{ error, message }` and stores
// nothing.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { parseEther } from "viem";
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";

import type { SignedQuoteFields } from "../src/quotes/quoteSignature.ts";
import type { Relayer } from "../src/relayer.ts";
import { startAnvil, type AnvilNode } from "./support/anvil.ts";
import { deployFixture, type MesiFixture } from "./support/mesi.ts";
import { postJson, relayerConfigInput, signQuoteRequest, startTestRelayer } from "./support/relayer.ts";

let node: AnvilNode;
let mesi: MesiFixture;
let relayer: Relayer;
let creator: PrivateKeyAccount;
let streamId: bigint;

beforeAll(async () => {
  node = await startAnvil();
  mesi = await deployFixture(node);
  relayer = await startTestRelayer(
    relayerConfigInput(node, mesi, {
      http: { quotesPerClientPerMinute: 15 },
      quotes: { maxOpenPerFan: 3, perFanPerMinute: 4 },
    }),
  );
  creator = await mesi.newFundedAccount();
  streamId = await mesi.createTicketSale(creator, parseEther("100"), 50);
});

afterAll(async () => {
  await relayer?.stop();
  await node?.stop();
});

async function signed(fan: PrivateKeyAccount, fields: Omit<SignedQuoteFields, "fan" | "issuedAt">, issuedAt?: number) {
  return await signQuoteRequest(fan, fields, node.chainId, issuedAt);
}

const quoteCount = async () =>
  Number(
    (
      await relayer.store.db
        .selectFrom("quotes")
        .select((eb) => eb.fn.countAll().as("n"))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe("a quote is bound to its fan before it holds seats", () => {
  test("a ticket quote without the fan's signature, or signed by someone else, or stale, holds nothing", async () => {
    const fan = privateKeyToAccount(generatePrivateKey());
    const other = privateKeyToAccount(generatePrivateKey());
    const ticket = {
      creator: creator.address,
      purpose: "ticket" as const,
      streamId: streamId.toString(),
      quantity: 2,
    };
    const before = await quoteCount();
    const unsigned = await postJson(`${relayer.url}/quotes`, { fan: fan.address, ...ticket });
    expect(unsigned.status).toBe(400);
    expect(unsigned.body).toMatchObject({ error: "quote_signature_required" });
    expect(unsigned.body.message).toMatch(/EIP-712/);

    const forged = await signed(other, ticket);
    const wrongFan = await postJson(`${relayer.url}/quotes`, { ...forged, fan: fan.address });
    expect(wrongFan.status).toBe(400);
    expect(wrongFan.body.error).toBe("invalid_quote_signature");

    const tampered = await signed(fan, ticket);
    const moreSeats = await postJson(`${relayer.url}/quotes`, { ...tampered, quantity: 20 });
    expect(moreSeats.body.error).toBe("invalid_quote_signature");

    const stale = await signed(fan, ticket, Math.floor(Date.now() / 1000) - 3_600);
    const old = await postJson(`${relayer.url}/quotes`, stale);
    expect(old.body.error).toBe("quote_signature_expired");
    expect(await quoteCount()).toBe(before);
    const held = await relayer.store.db.selectFrom("ticket_reservations").select("quote_id").execute();
    expect(held).toHaveLength(0);

    const good = await postJson(`${relayer.url}/quotes`, await signed(fan, ticket));
    expect(good.status).toBe(201);
    expect(good.body).toMatchObject({ fan: fan.address.toLowerCase(), quantity: 2 });
  });
});

describe("limits", () => {
  test("one fan holds at most maxOpenPerFan open quotes and asks for at most perFanPerMinute", async () => {
    const fan = privateKeyToAccount(generatePrivateKey());
    const tip = (n: number) =>
      postJson(`${relayer.url}/quotes`, {
        fan: fan.address,
        creator: creator.address,
        purpose: "tip",
        mesiAmount: parseEther(String(100 + n)).toString(),
      });
    for (let i = 0; i < 3; i++) expect((await tip(i)).status).toBe(201);
    const fourth = await tip(3);
    expect(fourth.status).toBe(429);
    expect(fourth.body).toMatchObject({ error: "too_many_open_quotes", maxOpenPerFan: 3 });

    // A quote that is no longer open frees a place, but the per-minute cap still counts it.
    await relayer.store.db
      .updateTable("quotes")
      .set({ status: "failed" })
      .where("fan", "=", fan.address.toLowerCase())
      .execute();
    expect((await tip(4)).status).toBe(201);
    const sixth = await tip(5);
    expect(sixth.status).toBe(429);
    expect(sixth.body).toMatchObject({ error: "too_many_quotes", perFanPerMinute: 4 });
  });

  test("one client address is rate-limited on POST /quotes (429 with a readable message)", async () => {
    const answers: Array<{ status: number; body: { error?: string; message?: string } }> = [];
    for (let i = 0; i < 14; i++) {
      answers.push(
        await postJson(`${relayer.url}/quotes`, {
          fan: privateKeyToAccount(generatePrivateKey()).address,
          creator: creator.address,
          purpose: "tip",
          mesiAmount: parseEther("100").toString(),
        }),
      );
    }
    const limited = answers.filter((answer) => answer.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0]!.body.error).toBe("rate_limited");
    expect(limited[0]!.body.message).toMatch(/per minute/);
  });
});
