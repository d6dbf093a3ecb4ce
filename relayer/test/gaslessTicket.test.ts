// Gasless ticket purchases on a real chain: a fan with no native gas signs an
// EIP-712 BuyAuthorization (+ an EIP-2612 permit); POST /relay/ticket checks
// it off-chain — signature (EOA or ERC-1271), deadline, nonce, the sale, the
// fan's $MESI — then the fan's monthly sponsorship, and only then queues
// MesiTickets.buyBySig in the outbox, holding the seats until it is on-chain.
// Every bad request gets a clear 4xx (or 402/503) and nothing is stored.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createWalletClient, http, parseEther, parseEventLogs, type Abi, type Address, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";

import { abis } from "@mesi/deployments";

import type { Relayer } from "../src/relayer.ts";
import { repoRoot, startAnvil, type AnvilNode } from "./support/anvil.ts";
import { deployFixture, type MesiFixture } from "./support/mesi.ts";
import {
  getJson,
  postJson,
  relayerConfigInput,
  signQuoteRequest,
  spawnRelayer,
  startTestRelayer,
  waitFor,
} from "./support/relayer.ts";
import {
  nowSeconds,
  storedTicketRequests,
  ticketOrders,
  waitConfirmed as waitForConfirmed,
  type TicketOrders,
  settledTicketRequest,
} from "./support/ticketOrders.ts";

const PRICE = parseEther("40");
const MONTHLY_GAS = 450_000n;

let node: AnvilNode;
let mesi: MesiFixture;
let relayer: Relayer;
let creator: PrivateKeyAccount;
/** A sale of `creator` with plenty of seats, shared by the tests that do not need their own. */
let streamId: bigint;
let orders: TicketOrders;

beforeAll(async () => {
  node = await startAnvil();
  // Hot wallet 0: the in-process relayer; 1: the relayer processes of the crash tests.
  mesi = await deployFixture(node, { relayers: 2 });
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

const waitConfirmed = (requestId: number) => waitForConfirmed(relayer.url, requestId);
const stored = () => storedTicketRequests(relayer);

async function fanWithMesi(amount: bigint): Promise<PrivateKeyAccount> {
  const fan = privateKeyToAccount(generatePrivateKey());
  await mesi.adminWrite(mesi.addresses.mesi, abis.MesiToken, "transfer", [fan.address, amount]);
  return fan;
}

const read = {
  tickets: (holder: Address, stream: bigint) =>
    mesi.publicClient.readContract({
      address: mesi.addresses.tickets,
      abi: abis.MesiTickets,
      functionName: "balanceOf",
      args: [holder, stream],
    }),
  mesi: (holder: Address) =>
    mesi.publicClient.readContract({
      address: mesi.addresses.mesi,
      abi: abis.MesiToken,
      functionName: "balanceOf",
      args: [holder],
    }),
};

describe("POST /relay/ticket", () => {
  test("a fan without native gas buys tickets: the relayer submits buyBySig and pays the gas", async () => {
    const fan = await fanWithMesi(parseEther("1000"));
    expect(await mesi.publicClient.getBalance({ address: fan.address })).toBe(0n);
    const request = await orders.signTicket(fan, { quantity: 3 });
    const response = await postJson(`${relayer.url}/relay/ticket`, request);
    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({ status: "queued" });
    expect(BigInt(response.body.reservedGas)).toBeGreaterThan(0n);

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
      source: 0,
    });
    expect(receipt.from.toLowerCase()).toBe(privateKeyToAccount(mesi.relayerKeys[0]!).address.toLowerCase());
    expect(await read.tickets(fan.address, streamId)).toBe(3n);
    expect(await read.mesi(fan.address)).toBe(parseEther("1000") - PRICE * 3n);
    expect(await mesi.publicClient.getBalance({ address: fan.address })).toBe(0n);
    expect(await orders.ticketNonce(fan.address)).toBe(1n);

    // The seats it held are consumed; the gas used is charged to the fan's month.
    const { seat, usage } = await settledTicketRequest(relayer, response.body.requestId, fan.address);
    expect(seat).toMatchObject({ status: "consumed", quantity: 3, stream_id: streamId.toString() });
    expect(BigInt(usage.gas)).toBe(receipt.gasUsed);

    // The same authorization again: its nonce is used.
    const again = await postJson(`${relayer.url}/relay/ticket`, request);
    expect(again.status).toBe(409);
    expect(again.body.error).toBe("nonce_used");
  });

  test("an ERC-1271 contract wallet signs through its owner; the wallet receives the tickets", async () => {
    const owner = await mesi.newFundedAccount();
    const artifactPath = join(
      repoRoot,
      "artifacts",
      "test",
      "contracts",
      "fixtures",
      "ERC1271TicketWallet.sol",
      "ERC1271TicketWallet.json",
    );
    if (!existsSync(artifactPath)) {
      execFileSync(join(repoRoot, "node_modules", ".bin", "hardhat"), ["build", "--quiet"], { cwd: repoRoot });
    }
    const artifact = JSON.parse(readFileSync(artifactPath, "utf8")) as { abi: Abi; bytecode: Hex };
    const deployer = createWalletClient({ chain: mesi.chain, transport: http(node.url), account: owner });
    const hash = await deployer.deployContract({
      abi: artifact.abi,
      bytecode: artifact.bytecode,
      args: [owner.address],
      chain: mesi.chain,
    });
    const wallet = (await mesi.publicClient.waitForTransactionReceipt({ hash })).contractAddress!;
    await mesi.adminWrite(mesi.addresses.mesi, abis.MesiToken, "transfer", [wallet, parseEther("100")]);
    await mesi.write(owner, wallet, artifact.abi, "approve", [mesi.addresses.mesi, mesi.addresses.vault, PRICE * 2n]);

    const request = await orders.signTicket(wallet, { quantity: 2, signer: owner, permitValue: 0n });
    const response = await postJson(`${relayer.url}/relay/ticket`, request);
    expect(response.status).toBe(202);
    await waitConfirmed(response.body.requestId);
    expect(await read.tickets(wallet, streamId)).toBe(2n);
    expect(await read.mesi(wallet)).toBe(parseEther("100") - PRICE * 2n);

    // Anyone but the owner: not the wallet's signature.
    const forged = await orders.signTicket(wallet, {
      signer: privateKeyToAccount(generatePrivateKey()),
      permitValue: 0n,
    });
    const refused = await postJson(`${relayer.url}/relay/ticket`, forged);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe("invalid_signature");
  });

  interface Case {
    readonly name: string;
    readonly make: (fan: PrivateKeyAccount) => Promise<unknown>;
    readonly status: number;
    readonly code: string;
    readonly setup?: (fan: PrivateKeyAccount) => Promise<void>;
  }
  const stranger = () => privateKeyToAccount(generatePrivateKey());
  const cases: readonly Case[] = [
    {
      name: "signed by someone else",
      make: (fan) => orders.signTicket(fan, { signer: stranger() }),
      status: 400,
      code: "invalid_signature",
    },
    {
      name: "past deadline",
      make: (fan) => orders.signTicket(fan, { deadline: nowSeconds() - 10n }),
      status: 400,
      code: "signature_expired",
    },
    { name: "nonce ahead", make: (fan) => orders.signTicket(fan, { nonce: 3n }), status: 409, code: "nonce_not_next" },
    {
      name: "quantity 0",
      make: (fan) => orders.signTicket(fan, { quantity: 0, maxTotalPrice: 0n, permitValue: 0n }),
      status: 400,
      code: "quantity_zero",
    },
    {
      name: "stream without a sale",
      make: (fan) => orders.signTicket(fan, { stream: 999_999n }),
      status: 404,
      code: "no_sale",
    },
    {
      name: "more tickets than left",
      make: (fan) => orders.signTicket(fan, { quantity: 1001 }),
      status: 409,
      code: "sold_out",
    },
    {
      name: "price above the signed maximum",
      make: (fan) => orders.signTicket(fan, { quantity: 2, maxTotalPrice: PRICE * 2n - 1n }),
      status: 409,
      code: "price_above_max",
    },
    {
      name: "more than the balance",
      make: (fan) => orders.signTicket(fan, { quantity: 30 }),
      status: 400,
      code: "insufficient_balance",
    },
    {
      name: "no permit and no allowance",
      make: (fan) => orders.signTicket(fan, { permitValue: 0n }),
      status: 400,
      code: "insufficient_allowance",
    },
    {
      name: "permit below the price",
      make: (fan) => orders.signTicket(fan, { quantity: 2, permitValue: PRICE }),
      status: 400,
      code: "permit_too_small",
    },
    {
      name: "permit signed by someone else",
      make: (fan) => orders.signTicket(fan, { permitSigner: stranger() }),
      status: 400,
      code: "invalid_permit",
    },
    {
      name: "fan blocked by the creator",
      make: (fan) => orders.signTicket(fan),
      status: 403,
      code: "fan_blocked",
      setup: (fan) => mesi.write(creator, mesi.addresses.vault, abis.MesiVault, "blockFan", [fan.address]),
    },
    {
      name: "malformed",
      make: async () => ({ auth: { fan: "0x1", streamId: "1" }, signature: "0xzz" }),
      status: 400,
      code: "invalid_ticket_request",
    },
  ];

  test.each(cases)("$name → $status $code, nothing stored", async ({ make, status, code, setup }) => {
    const fan = await fanWithMesi(parseEther("1000"));
    await setup?.(fan);
    const before = await stored();
    const response = await postJson(`${relayer.url}/relay/ticket`, await make(fan));
    expect(response.status).toBe(status);
    expect(response.body.error).toBe(code);
    expect(response.body.message.length).toBeGreaterThan(10);
    expect(await stored()).toEqual(before);
    expect(await orders.ticketNonce(fan.address)).toBe(0n);
  });

  test("a closed sale → 409 sale_closed", async () => {
    const closed = await mesi.createTicketSale(creator, PRICE, 10);
    await mesi.write(creator, mesi.addresses.tickets, abis.MesiTickets, "closeSale", [closed]);
    const fan = await fanWithMesi(parseEther("100"));
    const before = await stored();
    const response = await postJson(`${relayer.url}/relay/ticket`, await orders.signTicket(fan, { stream: closed }));
    expect(response.status).toBe(409);
    expect(response.body.error).toBe("sale_closed");
    expect(await stored()).toEqual(before);
  });

  test("seats held by a card payment in progress are not sold gasless (409 sold_out)", async () => {
    const limited = await mesi.createTicketSale(creator, PRICE, 2);
    const cardFan = privateKeyToAccount(generatePrivateKey());
    const quote = await postJson(
      `${relayer.url}/quotes`,
      await signQuoteRequest(
        cardFan,
        { creator: creator.address, purpose: "ticket", streamId: limited.toString(), quantity: 2 },
        node.chainId,
      ),
    );
    expect(quote.status).toBe(201);
    const fan = await fanWithMesi(parseEther("100"));
    const before = await stored();
    const response = await postJson(`${relayer.url}/relay/ticket`, await orders.signTicket(fan, { stream: limited }));
    expect(response.status).toBe(409);
    expect(response.body.error).toBe("sold_out");
    expect(response.body.remaining).toBe(0);
    expect(await stored()).toEqual(before);
  });

  test("while the vault is paused → 503 payments_paused; accepted again once unpaused", async () => {
    const fan = await fanWithMesi(parseEther("100"));
    const request = await orders.signTicket(fan);
    await mesi.adminWrite(mesi.addresses.vault, abis.MesiVault, "pause", []);
    try {
      const before = await stored();
      const response = await postJson(`${relayer.url}/relay/ticket`, request);
      expect(response.status).toBe(503);
      expect(response.body.error).toBe("payments_paused");
      expect(await stored()).toEqual(before);
    } finally {
      await mesi.adminWrite(mesi.addresses.vault, abis.MesiVault, "unpause", []);
    }
    const response = await postJson(`${relayer.url}/relay/ticket`, request);
    expect(response.status).toBe(202);
    await waitConfirmed(response.body.requestId);
    expect(await read.tickets(fan.address, streamId)).toBe(1n);
  });

  test("past the monthly sponsorship: 402 saying how to pay the gas yourself, nothing stored", async () => {
    const fan = await fanWithMesi(parseEther("1000"));
    let response = await postJson(`${relayer.url}/relay/ticket`, await orders.signTicket(fan));
    let accepted = 0;
    for (let i = 0; i < 6 && response.status === 202; i++) {
      accepted++;
      await waitConfirmed(response.body.requestId);
      response = await postJson(`${relayer.url}/relay/ticket`, await orders.signTicket(fan));
    }
    expect(accepted).toBeGreaterThanOrEqual(1);
    expect(response.status).toBe(402);
    expect(response.body.error).toBe("sponsorship_exhausted");
    expect(response.body.message).toMatch(/pay the gas yourself/);
    expect(response.body.message).toMatch(/MesiTickets\.buyWithPermit/);
    expect(BigInt(response.body.limitGas)).toBe(MONTHLY_GAS);
    expect(BigInt(response.body.usedGas) + BigInt(response.body.neededGas)).toBeGreaterThan(MONTHLY_GAS);
    // The refused request left nothing behind: no outbox row for its nonce, so no seat held for it either.
    const nonce = await orders.ticketNonce(fan.address);
    expect(nonce).toBe(BigInt(accepted));
    const row = await relayer.store.db
      .selectFrom("outbox")
      .select("id")
      .where("kind", "=", "ticketBySig")
      .where("dedupe_key", "=", `${fan.address.toLowerCase()}:${nonce}`)
      .executeTakeFirst();
    expect(row).toBeUndefined();
  });
});

describe("crash safety", () => {
  test.each(["engine:before-broadcast", "engine:after-broadcast", "engine:before-confirm"] as const)(
    "killed (SIGKILL) at %s and restarted: the tickets are bought exactly once",
    async (point) => {
      const config = relayerConfigInput(node, mesi, {
        relayerIndex: 1,
        instanceId: `crash-${point}`,
        sponsorship: { monthlyGasPerFan: MONTHLY_GAS.toString() },
      });
      const fan = await fanWithMesi(parseEther("1000"));
      const doomed = spawnRelayer(config, { crash: { point, hit: 1 } });
      try {
        const response = await postJson(
          `${await doomed.url}/relay/ticket`,
          await orders.signTicket(fan, { quantity: 2 }),
        );
        expect(response.status).toBe(202);
        expect(await doomed.exited).toBeNull(); // killed by the signal at the crash point
        const restarted = spawnRelayer(config);
        try {
          const url = await restarted.url;
          await waitForConfirmed(url, response.body.requestId);
        } finally {
          restarted.child.kill("SIGTERM");
          await restarted.exited;
        }
      } finally {
        if (doomed.child.exitCode === null && doomed.child.signalCode === null) doomed.child.kill("SIGKILL");
      }
      expect(await read.tickets(fan.address, streamId)).toBe(2n);
      expect(await orders.ticketNonce(fan.address)).toBe(1n);
      expect(await read.mesi(fan.address)).toBe(parseEther("1000") - PRICE * 2n);
    },
  );

  test("a purchase that failed for good releases its seats, and the fan can sign the same nonce again", async () => {
    const limited = await mesi.createTicketSale(creator, PRICE, 2);
    const config = relayerConfigInput(node, mesi, {
      relayerIndex: 1,
      instanceId: "retry-after-failure",
      sponsorship: { monthlyGasPerFan: MONTHLY_GAS.toString() },
    });
    const fan = await fanWithMesi(parseEther("1000"));
    // The relayer dies with the purchase signed and recorded but not broadcast...
    const doomed = spawnRelayer(config, { crash: { point: "engine:before-broadcast", hit: 1 } });
    const first = await postJson(
      `${await doomed.url}/relay/ticket`,
      await orders.signTicket(fan, { stream: limited, quantity: 2 }),
    );
    expect(first.status).toBe(202);
    expect(await doomed.exited).toBeNull();
    // ...and before it is back, the creator raises the price above what the fan signed for.
    await mesi.write(creator, mesi.addresses.tickets, abis.MesiTickets, "configureSale", [
      limited,
      PRICE * 2n,
      2,
      true,
      0,
    ]);
    const restarted = spawnRelayer(config);
    try {
      const url = await restarted.url;
      const failed = await waitFor("the purchase fails for good", async () => {
        const status = await getJson(`${url}/relay/requests/${first.body.requestId}`);
        return status.body.status === "failed" ? status.body : undefined;
      });
      expect(failed.error).toMatch(/Tickets_PriceTooHigh/);
      expect(await orders.ticketNonce(fan.address)).toBe(0n);

      // The price is back: the fan signs nonce 0 again, and both seats are free again.
      await mesi.write(creator, mesi.addresses.tickets, abis.MesiTickets, "configureSale", [
        limited,
        PRICE,
        2,
        true,
        0,
      ]);
      const again = await postJson(
        `${url}/relay/ticket`,
        await orders.signTicket(fan, { stream: limited, quantity: 2 }),
      );
      expect(again.status).toBe(202);
      expect(again.body.requestId).not.toBe(first.body.requestId);
      await waitForConfirmed(url, again.body.requestId);
      // The failed request stays on record under its own id.
      expect((await getJson(`${url}/relay/requests/${first.body.requestId}`)).body.status).toBe("failed");
    } finally {
      restarted.child.kill("SIGTERM");
      await restarted.exited;
    }
    expect(await read.tickets(fan.address, limited)).toBe(2n);
    expect(await orders.ticketNonce(fan.address)).toBe(1n);
    expect(await read.mesi(fan.address)).toBe(parseEther("1000") - PRICE * 2n);
  });
});
