// Gasless stablecoin ticket purchases on a real chain (anvil): a fan holding
// USDC and no native gas signs an EIP-712 StablecoinBuyAuthorization and a
// USDC permit for the vault; POST /relay/stablecoin-ticket checks them
// off-chain, reserves the gas against the fan's monthly sponsorship, holds the
// seats and queues MesiTickets.buyWithStablecoinBySig. A refused request
// leaves nothing stored and nothing on-chain.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { parseEther, parseEventLogs, parseUnits, type Address } from "viem";
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";

import { abis } from "@mesi/deployments";

import type { Relayer } from "../src/relayer.ts";
import { startAnvil, type AnvilNode } from "./support/anvil.ts";
import { deployFixture, type MesiFixture } from "./support/mesi.ts";
import { postJson, relayerConfigInput, startTestRelayer } from "./support/relayer.ts";
import {
  storedTicketRequests,
  ticketOrders,
  waitConfirmed as waitForConfirmed,
  type TicketOrders,
  settledTicketRequest,
} from "./support/ticketOrders.ts";

const PRICE = parseEther("40"); // 0.40 USDC at the fixture's rate (1 USDC = 100 MESI)
const USDC = (amount: string) => parseUnits(amount, 6);
const MONTHLY_GAS = 500_000n;
const ROUTE = "/relay/stablecoin-ticket";

let node: AnvilNode;
let mesi: MesiFixture;
let relayer: Relayer;
let creator: PrivateKeyAccount;
let streamId: bigint;
let orders: TicketOrders;

beforeAll(async () => {
  node = await startAnvil();
  mesi = await deployFixture(node);
  relayer = await startTestRelayer(
    relayerConfigInput(node, mesi, { sponsorship: { monthlyGasPerFan: MONTHLY_GAS.toString() } }),
  );
  creator = await mesi.newFundedAccount();
  streamId = await mesi.createTicketSale(creator, PRICE, 1000);
  orders = ticketOrders(node, mesi, { streamId, price: PRICE });
});

afterAll(async () => {
  await relayer?.stop();
  await node?.stop();
});

const read = <T>(address: Address, abi: unknown, functionName: string, args: readonly unknown[] = []) =>
  mesi.publicClient.readContract({ address, abi, functionName, args } as never) as Promise<T>;
const usdcOf = (holder: Address) => read<bigint>(mesi.addresses.usdc, abis.TestUSDC, "balanceOf", [holder]);
const ticketsOf = (holder: Address, stream = streamId) =>
  read<bigint>(mesi.addresses.tickets, abis.MesiTickets, "balanceOf", [holder, stream]);
const waitConfirmed = (requestId: number) => waitForConfirmed(relayer.url, requestId);
const stored = () => storedTicketRequests(relayer);

/** A fresh key holding `amount` USDC and no native gas at all. */
async function fanWithUsdc(amount: bigint): Promise<PrivateKeyAccount> {
  const fan = privateKeyToAccount(generatePrivateKey());
  await mesi.adminWrite(mesi.addresses.usdc, abis.TestUSDC, "mint", [fan.address, amount]);
  return fan;
}

describe("POST /relay/stablecoin-ticket", () => {
  test("a fan with zero ETH buys tickets with USDC: the relayer submits and pays the gas", async () => {
    const fan = await fanWithUsdc(USDC("10"));
    expect(await mesi.publicClient.getBalance({ address: fan.address })).toBe(0n);
    const request = await orders.signStablecoinTicket(fan, { quantity: 3 });
    const stableIn = await orders.quoteStableIn(PRICE * 3n);
    expect(stableIn).toBe(USDC("1.2"));
    const vaultUsdcBefore = await usdcOf(mesi.addresses.vault);

    const response = await postJson(`${relayer.url}${ROUTE}`, request);
    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({ status: "queued" });
    const done = await waitConfirmed(response.body.requestId);
    expect(done.kind).toBe("ticketBySig");

    const receipt = await mesi.publicClient.getTransactionReceipt({ hash: done.txHash });
    const [purchased] = parseEventLogs({ abi: abis.MesiTickets, eventName: "TicketsPurchased", logs: receipt.logs });
    expect(purchased?.args).toMatchObject({
      streamId,
      creator: creator.address,
      buyer: fan.address,
      quantity: 3,
      totalPrice: PRICE * 3n,
      source: 1, // Stablecoin
    });
    expect(receipt.from.toLowerCase()).toBe(privateKeyToAccount(mesi.relayerKeys[0]!).address.toLowerCase());
    expect(await ticketsOf(fan.address)).toBe(3n);
    expect(await usdcOf(fan.address)).toBe(USDC("10") - stableIn);
    expect(await usdcOf(mesi.addresses.vault)).toBe(vaultUsdcBefore + stableIn);
    expect(await mesi.publicClient.getBalance({ address: fan.address })).toBe(0n);
    expect(await orders.ticketNonce(fan.address)).toBe(1n);

    // Its seats were held, then consumed; the gas used is charged to the fan's month.
    const { seat, usage } = await settledTicketRequest(relayer, response.body.requestId, fan.address);
    expect(seat).toMatchObject({ status: "consumed", quantity: 3, stream_id: streamId.toString() });
    expect(BigInt(usage.gas)).toBe(receipt.gasUsed);

    // The same order again: its nonce is used.
    const again = await postJson(`${relayer.url}${ROUTE}`, request);
    expect(again.status).toBe(409);
    expect(again.body.error).toBe("nonce_used");
  });

  const stranger = () => privateKeyToAccount(generatePrivateKey());
  const cases = [
    {
      name: "a bad signature (signed by someone else)",
      make: (fan: PrivateKeyAccount) => orders.signStablecoinTicket(fan, { signer: stranger() }),
      status: 400,
      code: "invalid_signature",
    },
    {
      name: "a tampered order (quantity changed after signing)",
      make: async (fan: PrivateKeyAccount) => {
        const body = await orders.signStablecoinTicket(fan);
        return { ...body, auth: { ...body.auth, quantity: 2 } };
      },
      status: 400,
      code: "invalid_signature",
    },
    {
      name: "a price above the signed maximum",
      make: (fan: PrivateKeyAccount) => orders.signStablecoinTicket(fan, { quantity: 2, maxStableIn: USDC("0.79") }),
      status: 409,
      code: "price_above_max",
    },
    {
      name: "more USDC than the fan holds",
      make: (fan: PrivateKeyAccount) => orders.signStablecoinTicket(fan, { quantity: 30 }),
      status: 400,
      code: "insufficient_balance",
    },
    {
      name: "more tickets than left",
      make: (fan: PrivateKeyAccount) => orders.signStablecoinTicket(fan, { quantity: 1001 }),
      status: 409,
      code: "sold_out",
    },
    {
      name: "a nonce ahead",
      make: (fan: PrivateKeyAccount) => orders.signStablecoinTicket(fan, { nonce: 4n }),
      status: 409,
      code: "nonce_not_next",
    },
  ] as const;

  test.each(cases)("$name → $status $code; nothing stored, nothing on-chain", async ({ make, status, code }) => {
    const fan = await fanWithUsdc(USDC("10"));
    const before = await stored();
    const response = await postJson(`${relayer.url}${ROUTE}`, await make(fan));
    expect(response.status).toBe(status);
    expect(response.body.error).toBe(code);
    expect(response.body.message.length).toBeGreaterThan(10);
    expect(await stored()).toEqual(before);
    expect(await orders.ticketNonce(fan.address)).toBe(0n);
    expect(await usdcOf(fan.address)).toBe(USDC("10"));
    expect(await ticketsOf(fan.address)).toBe(0n);
  });

  test("past the monthly sponsorship: 402 saying how to pay the gas yourself, nothing stored", async () => {
    const fan = await fanWithUsdc(USDC("100"));
    let response = await postJson(`${relayer.url}${ROUTE}`, await orders.signStablecoinTicket(fan));
    let accepted = 0;
    for (let i = 0; i < 6 && response.status === 202; i++) {
      accepted++;
      await waitConfirmed(response.body.requestId);
      response = await postJson(`${relayer.url}${ROUTE}`, await orders.signStablecoinTicket(fan));
    }
    expect(accepted).toBeGreaterThanOrEqual(1);
    expect(response.status).toBe(402);
    expect(response.body.error).toBe("sponsorship_exhausted");
    expect(response.body.message).toMatch(/pay the gas yourself/);
    expect(response.body.message).toMatch(/MesiTickets\.buyWithStablecoin for a stablecoin/);
    expect(BigInt(response.body.limitGas)).toBe(MONTHLY_GAS);
    expect(BigInt(response.body.usedGas) + BigInt(response.body.neededGas)).toBeGreaterThan(MONTHLY_GAS);
    const nonce = await orders.ticketNonce(fan.address);
    expect(nonce).toBe(BigInt(accepted));
    const row = await relayer.store.db
      .selectFrom("outbox")
      .select("id")
      .where("kind", "=", "ticketBySig")
      .where("dedupe_key", "=", `${fan.address.toLowerCase()}:${nonce}`)
      .executeTakeFirst();
    expect(row).toBeUndefined();
    expect(await ticketsOf(fan.address)).toBe(BigInt(accepted));
  });
});
