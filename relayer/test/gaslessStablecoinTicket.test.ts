// Gasless stablecoin ticket purchases on a real chain (anvil): a fan holding
// USDC and no native gas signs an EIP-712 StablecoinBuyAuthorization and a
// USDC permit for the vault; POST /relay/stablecoin-ticket checks them
// off-chain, reserves the gas against the fan's monthly sponsorship, holds the
// seats and queues MesiTickets.buyWithStablecoinBySig. A refused request
// leaves nothing stored and nothing on-chain.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { parseEther, parseEventLogs, parseSignature, parseUnits, type Address } from "viem";
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";

import { abis, permitTypes, stablecoinBuyAuthorizationTypes } from "@mesi/deployments";

import type { Relayer } from "../src/relayer.ts";
import { startAnvil, type AnvilNode } from "./support/anvil.ts";
import { deployFixture, type MesiFixture } from "./support/mesi.ts";
import { getJson, postJson, relayerConfigInput, startTestRelayer, waitFor } from "./support/relayer.ts";

const PRICE = parseEther("40"); // 0.40 USDC at the fixture's rate (1 USDC = 100 MESI)
const USDC = (amount: string) => parseUnits(amount, 6);
const MONTHLY_GAS = 500_000n;
const ROUTE = "/relay/stablecoin-ticket";

let node: AnvilNode;
let mesi: MesiFixture;
let relayer: Relayer;
let creator: PrivateKeyAccount;
let streamId: bigint;

beforeAll(async () => {
  node = await startAnvil();
  mesi = await deployFixture(node);
  relayer = await startTestRelayer(
    relayerConfigInput(node, mesi, { sponsorship: { monthlyGasPerFan: MONTHLY_GAS.toString() } }),
  );
  creator = await mesi.newFundedAccount();
  streamId = await mesi.createTicketSale(creator, PRICE, 1000);
});

afterAll(async () => {
  await relayer?.stop();
  await node?.stop();
});

const now = () => BigInt(Math.floor(Date.now() / 1000));
const json = (value: unknown) =>
  JSON.parse(JSON.stringify(value, (_k, x: unknown) => (typeof x === "bigint" ? x.toString() : x)));

const read = <T>(address: Address, abi: unknown, functionName: string, args: readonly unknown[] = []) =>
  mesi.publicClient.readContract({ address, abi, functionName, args } as never) as Promise<T>;
const usdcOf = (holder: Address) => read<bigint>(mesi.addresses.usdc, abis.TestUSDC, "balanceOf", [holder]);
const ticketsOf = (holder: Address, stream = streamId) =>
  read<bigint>(mesi.addresses.tickets, abis.MesiTickets, "balanceOf", [holder, stream]);
const ticketNonce = (fan: Address) => read<bigint>(mesi.addresses.tickets, abis.MesiTickets, "nonces", [fan]);
const quoteStableIn = (mesiAmount: bigint) =>
  read<bigint>(mesi.addresses.converter, abis.StableConverter, "quoteStableIn", [mesi.addresses.usdc, mesiAmount]);

/** A fresh key holding `amount` USDC and no native gas at all. */
async function fanWithUsdc(amount: bigint): Promise<PrivateKeyAccount> {
  const fan = privateKeyToAccount(generatePrivateKey());
  await mesi.adminWrite(mesi.addresses.usdc, abis.TestUSDC, "mint", [fan.address, amount]);
  return fan;
}

interface SignOptions {
  readonly stream?: bigint;
  readonly quantity?: number;
  readonly maxStableIn?: bigint;
  readonly nonce?: bigint;
  /** Signs the order instead of the fan. */
  readonly signer?: PrivateKeyAccount;
}

/** The JSON body of POST /relay/stablecoin-ticket: the fan's signed order and a USDC permit for the vault. */
async function signStablecoinTicket(fan: PrivateKeyAccount, options: SignOptions = {}) {
  const quantity = options.quantity ?? 1;
  const deadline = now() + 3600n;
  const auth = {
    fan: fan.address,
    streamId: options.stream ?? streamId,
    quantity,
    stablecoin: mesi.addresses.usdc,
    maxStableIn: options.maxStableIn ?? (await quoteStableIn(PRICE * BigInt(quantity))),
    nonce: options.nonce ?? (await ticketNonce(fan.address)),
    deadline,
  };
  const signature = await (options.signer ?? fan).signTypedData({
    domain: { name: "MesiTickets", version: "1", chainId: node.chainId, verifyingContract: mesi.addresses.tickets },
    types: stablecoinBuyAuthorizationTypes,
    primaryType: "StablecoinBuyAuthorization",
    message: auth,
  });
  const permitSignature = await fan.signTypedData({
    domain: {
      name: await read<string>(mesi.addresses.usdc, abis.TestUSDC, "name"),
      version: "1",
      chainId: node.chainId,
      verifyingContract: mesi.addresses.usdc,
    },
    types: permitTypes,
    primaryType: "Permit",
    message: {
      owner: fan.address,
      spender: mesi.addresses.vault,
      value: auth.maxStableIn,
      nonce: await read<bigint>(mesi.addresses.usdc, abis.TestUSDC, "nonces", [fan.address]),
      deadline,
    },
  });
  const { r, s, v } = parseSignature(permitSignature);
  return {
    auth: json(auth),
    signature,
    permit: json({ value: auth.maxStableIn, deadline, v: Number(v), r, s }),
  };
}

async function waitConfirmed(requestId: number) {
  return await waitFor("relay request confirmed", async () => {
    const status = await getJson(`${relayer.url}/relay/requests/${requestId}`);
    if (status.body.status === "failed") throw new Error(`relay failed: ${status.body.error}`);
    return status.body.status === "confirmed" ? status.body : undefined;
  });
}

/** What a request leaves in the store: outbox rows, held seats, sponsorship reserved. */
async function stored() {
  const db = relayer.store.db;
  const [outbox, seats, usage] = await Promise.all([
    db.selectFrom("outbox").select("id").execute(),
    db.selectFrom("ticket_reservations").select("quote_id").execute(),
    db.selectFrom("sponsorship_usage").selectAll().execute(),
  ]);
  return { outbox: outbox.length, seats: seats.length, usage: JSON.stringify(usage) };
}

describe("POST /relay/stablecoin-ticket", () => {
  test("a fan with zero ETH buys tickets with USDC: the relayer submits and pays the gas", async () => {
    const fan = await fanWithUsdc(USDC("10"));
    expect(await mesi.publicClient.getBalance({ address: fan.address })).toBe(0n);
    const request = await signStablecoinTicket(fan, { quantity: 3 });
    const stableIn = await quoteStableIn(PRICE * 3n);
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
    expect(await ticketNonce(fan.address)).toBe(1n);

    // Its seats were held, then consumed; the gas used is charged to the fan's month.
    const seat = await relayer.store.db
      .selectFrom("ticket_reservations")
      .selectAll()
      .where("quote_id", "=", `relay:${response.body.requestId}`)
      .executeTakeFirstOrThrow();
    expect(seat).toMatchObject({ status: "consumed", quantity: 3, stream_id: streamId.toString() });
    const usage = await relayer.store.db
      .selectFrom("sponsorship_usage")
      .selectAll()
      .where("fan", "=", fan.address.toLowerCase())
      .executeTakeFirstOrThrow();
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
      make: (fan: PrivateKeyAccount) => signStablecoinTicket(fan, { signer: stranger() }),
      status: 400,
      code: "invalid_signature",
    },
    {
      name: "a tampered order (quantity changed after signing)",
      make: async (fan: PrivateKeyAccount) => {
        const body = await signStablecoinTicket(fan);
        return { ...body, auth: { ...body.auth, quantity: 2 } };
      },
      status: 400,
      code: "invalid_signature",
    },
    {
      name: "a price above the signed maximum",
      make: (fan: PrivateKeyAccount) => signStablecoinTicket(fan, { quantity: 2, maxStableIn: USDC("0.79") }),
      status: 409,
      code: "price_above_max",
    },
    {
      name: "more USDC than the fan holds",
      make: (fan: PrivateKeyAccount) => signStablecoinTicket(fan, { quantity: 30 }),
      status: 400,
      code: "insufficient_balance",
    },
    {
      name: "more tickets than left",
      make: (fan: PrivateKeyAccount) => signStablecoinTicket(fan, { quantity: 1001 }),
      status: 409,
      code: "sold_out",
    },
    {
      name: "a nonce ahead",
      make: (fan: PrivateKeyAccount) => signStablecoinTicket(fan, { nonce: 4n }),
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
    expect(await ticketNonce(fan.address)).toBe(0n);
    expect(await usdcOf(fan.address)).toBe(USDC("10"));
    expect(await ticketsOf(fan.address)).toBe(0n);
  });

  test("past the monthly sponsorship: 402 saying how to pay the gas yourself, nothing stored", async () => {
    const fan = await fanWithUsdc(USDC("100"));
    let response = await postJson(`${relayer.url}${ROUTE}`, await signStablecoinTicket(fan));
    let accepted = 0;
    for (let i = 0; i < 6 && response.status === 202; i++) {
      accepted++;
      await waitConfirmed(response.body.requestId);
      response = await postJson(`${relayer.url}${ROUTE}`, await signStablecoinTicket(fan));
    }
    expect(accepted).toBeGreaterThanOrEqual(1);
    expect(response.status).toBe(402);
    expect(response.body.error).toBe("sponsorship_exhausted");
    expect(response.body.message).toMatch(/pay the gas yourself/);
    expect(response.body.message).toMatch(/MesiTickets\.buyWithStablecoin for a stablecoin/);
    expect(BigInt(response.body.limitGas)).toBe(MONTHLY_GAS);
    expect(BigInt(response.body.usedGas) + BigInt(response.body.neededGas)).toBeGreaterThan(MONTHLY_GAS);
    const nonce = await ticketNonce(fan.address);
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
