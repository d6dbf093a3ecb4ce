// Gasless tips that fail for good after they were accepted: the fan's
// allowance is withdrawn, or the creator blocks the fan, between the relayer's
// off-chain checks and the send (or while the transaction is in the mempool).
// The request reports `failed` with the decoded custom error, the gas reserved
// for it goes back to the fan's month, and the fan can submit the same signed
// nonce again once the cause is gone; the tip is credited exactly once.
//
// The relayer runs in-process without its engine loop: the test drives
// `engine.tick()` itself, so that it can change the chain between acceptance
// and submission.
import { Writable } from "node:stream";

import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { createWalletClient, http, parseEther, parseGwei, parseSignature, zeroHash, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";

import { abis } from "@mesi/deployments";

import { createChainClients } from "../src/chain/clients.ts";
import { parseConfig } from "../src/config.ts";
import { createLogger } from "../src/logger.ts";
import { createGateway, createRelayer, type Relayer } from "../src/relayer.ts";
import { monthOf, usageOf } from "../src/sponsorship/budget.ts";
import { openStore } from "../src/store/open.ts";
import { rpc, startAnvil, type AnvilNode } from "./support/anvil.ts";
import { deployFixture, type MesiFixture } from "./support/mesi.ts";
import { relayerConfigInput, waitFor } from "./support/relayer.ts";

let node: AnvilNode;
let mesi: MesiFixture;
let creator: PrivateKeyAccount;
let relayer: Relayer | undefined;

beforeAll(async () => {
  node = await startAnvil();
  mesi = await deployFixture(node);
  creator = await mesi.newFundedAccount();
});

afterEach(async () => {
  await relayer?.stop();
  relayer = undefined;
});

afterAll(async () => {
  await node?.stop();
});

const now = () => BigInt(Math.floor(Date.now() / 1000));
const json = (value: Record<string, unknown>) =>
  JSON.parse(JSON.stringify(value, (_k, x: unknown) => (typeof x === "bigint" ? x.toString() : x)));

/** A relayer whose engine only moves when the test calls `engine.tick()`. */
async function manualRelayer(): Promise<Relayer> {
  const config = parseConfig(relayerConfigInput(node, mesi, { sponsorship: { monthlyGasPerFan: "2000000" } }));
  const store = await openStore(config.store);
  relayer = createRelayer({
    config,
    logger: createLogger({ level: "silent", destination: new Writable({ write: (_c, _e, cb) => cb() }) }),
    store,
    chain: createChainClients(config.chain),
    gateway: createGateway(config),
  });
  return relayer;
}

async function post(r: Relayer, path: string, body: unknown): Promise<{ status: number; body: any }> {
  const response = await r.app.inject({ method: "POST", url: path, payload: body as Record<string, unknown> });
  return { status: response.statusCode, body: response.json() };
}

async function statusOf(r: Relayer, requestId: number): Promise<any> {
  return (await r.app.inject({ method: "GET", url: `/relay/requests/${requestId}` })).json();
}

/** Ticks the engine until the request reaches `state`. */
async function tickUntil(r: Relayer, requestId: number, state: "sent" | "confirmed" | "failed"): Promise<any> {
  return await waitFor(`request ${requestId} ${state}`, async () => {
    await r.engine.tick();
    const status = await statusOf(r, requestId);
    if (status.status !== state && (status.status === "failed" || status.status === "confirmed"))
      throw new Error(`request ${requestId} is ${status.status} (${status.error}), expected ${state}`);
    return status.status === state ? status : undefined;
  });
}

async function usedGas(r: Relayer, fan: PrivateKeyAccount): Promise<bigint> {
  return (await usageOf(r.store.db, fan.address, monthOf(Date.now()))).gas;
}

const read = {
  mesi: (account: Hex) =>
    mesi.publicClient.readContract({
      address: mesi.addresses.mesi,
      abi: abis.MesiToken,
      functionName: "balanceOf",
      args: [account],
    }),
  usdc: (account: Hex) =>
    mesi.publicClient.readContract({
      address: mesi.addresses.usdc,
      abi: abis.TestUSDC,
      functionName: "balanceOf",
      args: [account],
    }),
  tipNonce: (account: Hex) =>
    mesi.publicClient.readContract({
      address: mesi.addresses.vault,
      abi: abis.MesiVault,
      functionName: "nonces",
      args: [account],
    }),
  /** Cleared + pending earnings of the creator. */
  earnings: async (account: Hex) => {
    const [cleared, pending] = await mesi.publicClient.readContract({
      address: mesi.addresses.vault,
      abi: abis.MesiVault,
      functionName: "earningsOf",
      args: [account],
    });
    return cleared + pending;
  },
};

const setBlocked = (blocked: boolean, fan: PrivateKeyAccount) =>
  mesi.write(creator, mesi.addresses.vault, abis.MesiVault, blocked ? "blockFan" : "unblockFan", [fan.address]);

/** A TipAuthorization for the vault's next nonce, with an EIP-2612 permit unless `permit` is false. */
async function signTip(fan: PrivateKeyAccount, amount: bigint, options: { permit?: boolean } = {}) {
  const auth = {
    fan: fan.address,
    creator: creator.address,
    amount,
    channel: 0,
    channelRef: zeroHash,
    memoHash: zeroHash,
    nonce: await read.tipNonce(fan.address),
    deadline: now() + 3600n,
  };
  const signature = await fan.signTypedData({
    domain: { name: "MesiVault", version: "1", chainId: node.chainId, verifyingContract: mesi.addresses.vault },
    types: {
      TipAuthorization: [
        { name: "fan", type: "address" },
        { name: "creator", type: "address" },
        { name: "amount", type: "uint256" },
        { name: "channel", type: "uint8" },
        { name: "channelRef", type: "bytes32" },
        { name: "memoHash", type: "bytes32" },
        { name: "nonce", type: "uint256" },
        { name: "deadline", type: "uint256" },
      ],
    },
    primaryType: "TipAuthorization",
    message: auth,
  });
  if (options.permit === false) return { auth: json(auth), signature };
  const permitNonce = await mesi.publicClient.readContract({
    address: mesi.addresses.mesi,
    abi: abis.MesiToken,
    functionName: "nonces",
    args: [fan.address],
  });
  const permitDeadline = now() + 3600n;
  const permitSignature = await fan.signTypedData({
    domain: { name: "Mesi", version: "1", chainId: node.chainId, verifyingContract: mesi.addresses.mesi },
    types: {
      Permit: [
        { name: "owner", type: "address" },
        { name: "spender", type: "address" },
        { name: "value", type: "uint256" },
        { name: "nonce", type: "uint256" },
        { name: "deadline", type: "uint256" },
      ],
    },
    primaryType: "Permit",
    message: {
      owner: fan.address,
      spender: mesi.addresses.vault,
      value: amount,
      nonce: permitNonce,
      deadline: permitDeadline,
    },
  });
  const { r, s, v } = parseSignature(permitSignature);
  return {
    auth: json(auth),
    signature,
    permit: json({ value: amount, deadline: permitDeadline, v: Number(v), r, s }),
  };
}

async function signStablecoinTip(fan: PrivateKeyAccount, stableAmount: bigint) {
  const auth = {
    fan: fan.address,
    stablecoin: mesi.addresses.usdc,
    creator: creator.address,
    stableAmount,
    minMesiOut: 0n,
    channel: 0,
    channelRef: zeroHash,
    memoHash: zeroHash,
    validAfter: 0n,
    validBefore: now() + 3600n,
    salt: generatePrivateKey() as Hex,
  };
  const nonce = await mesi.publicClient.readContract({
    address: mesi.addresses.vault,
    abi: abis.MesiVault,
    functionName: "stablecoinTipNonce",
    args: [auth],
  });
  const domain = await mesi.publicClient.readContract({
    address: mesi.addresses.usdc,
    abi: abis.TestUSDC,
    functionName: "eip712Domain",
  });
  const signature = await fan.signTypedData({
    domain: { name: domain[1], version: domain[2], chainId: domain[3], verifyingContract: domain[4] },
    types: {
      ReceiveWithAuthorization: [
        { name: "from", type: "address" },
        { name: "to", type: "address" },
        { name: "value", type: "uint256" },
        { name: "validAfter", type: "uint256" },
        { name: "validBefore", type: "uint256" },
        { name: "nonce", type: "bytes32" },
      ],
    },
    primaryType: "ReceiveWithAuthorization",
    message: {
      from: fan.address,
      to: mesi.addresses.vault,
      value: stableAmount,
      validAfter: 0n,
      validBefore: auth.validBefore,
      nonce,
    },
  });
  return { auth: json(auth), signature };
}

describe("a gasless $MESI tip that fails for good", () => {
  test("allowance withdrawn after acceptance: failed with ERC20InsufficientAllowance, budget refunded, same nonce succeeds once approved again", async () => {
    const r = await manualRelayer();
    const amount = parseEther("40");
    // This fan approves the vault itself (so it has gas), and tips without a permit.
    const fan = await mesi.newFundedAccount();
    await mesi.adminWrite(mesi.addresses.mesi, abis.MesiToken, "transfer", [fan.address, parseEther("100")]);
    await mesi.write(fan, mesi.addresses.mesi, abis.MesiToken, "approve", [mesi.addresses.vault, amount]);
    const request = await signTip(fan, amount, { permit: false });

    const first = await post(r, "/relay/tip", request);
    expect(first.status).toBe(202);
    const reserved = BigInt(first.body.reservedGas);
    expect(await usedGas(r, fan)).toBe(reserved);

    // After the relayer's checks, before the send: the fan withdraws the allowance.
    await mesi.write(fan, mesi.addresses.mesi, abis.MesiToken, "approve", [mesi.addresses.vault, 0n]);
    const failed = await tickUntil(r, first.body.requestId, "failed");
    expect(failed.error).toMatch(/^ERC20InsufficientAllowance\(/);
    expect(await usedGas(r, fan)).toBe(0n);
    expect(await read.tipNonce(fan.address)).toBe(0n);

    // Still no allowance: refused off-chain, nothing stored, nothing charged.
    const early = await post(r, "/relay/tip", request);
    expect(early.status).toBe(400);
    expect(early.body.error).toBe("insufficient_allowance");
    expect(await usedGas(r, fan)).toBe(0n);

    // Approved again: the very same signed request is accepted and confirmed.
    await mesi.write(fan, mesi.addresses.mesi, abis.MesiToken, "approve", [mesi.addresses.vault, amount]);
    const earningsBefore = await read.earnings(creator.address);
    const again = await post(r, "/relay/tip", request);
    expect(again.status).toBe(202);
    expect(again.body.requestId).not.toBe(first.body.requestId);
    await tickUntil(r, again.body.requestId, "confirmed");

    expect(await read.tipNonce(fan.address)).toBe(1n);
    expect(await read.mesi(fan.address)).toBe(parseEther("100") - amount);
    expect(await read.earnings(creator.address)).toBe(earningsBefore + (amount * 9n) / 10n);
    // The month holds the gas the tip used, nothing of the failed attempt.
    const used = await usedGas(r, fan);
    expect(used).toBeGreaterThan(0n);
    expect(used).toBeLessThanOrEqual(BigInt(again.body.reservedGas));
    // The failed request stays on record; a third submission is a used nonce.
    expect((await statusOf(r, first.body.requestId)).status).toBe("failed");
    const third = await post(r, "/relay/tip", request);
    expect(third.status).toBe(409);
    expect(third.body.error).toBe("nonce_used");
    for (let i = 0; i < 3; i++) await r.engine.tick();
    expect(await read.mesi(fan.address)).toBe(parseEther("100") - amount);
  });

  test("creator blocks the fan while the tip is in the mempool: it reverts on-chain, fails with Vault_Blocked, and goes through once unblocked", async () => {
    const r = await manualRelayer();
    const amount = parseEther("25");
    const fan = privateKeyToAccount(generatePrivateKey());
    await mesi.adminWrite(mesi.addresses.mesi, abis.MesiToken, "transfer", [fan.address, parseEther("100")]);
    const request = await signTip(fan, amount);
    const first = await post(r, "/relay/tip", request);
    expect(first.status).toBe(202);

    // The relayer sends the tip; before it is mined, the creator's block lands first (higher tip to the miner).
    await rpc(node.url, "evm_setAutomine", [false]);
    try {
      await tickUntil(r, first.body.requestId, "sent");
      const creatorClient = createWalletClient({ account: creator, transport: http(node.url) });
      await creatorClient.writeContract({
        address: mesi.addresses.vault,
        abi: abis.MesiVault,
        functionName: "blockFan",
        args: [fan.address],
        maxFeePerGas: parseGwei("1000"),
        maxPriorityFeePerGas: parseGwei("500"),
        chain: null,
      });
      await rpc(node.url, "evm_mine", []);
    } finally {
      await rpc(node.url, "evm_setAutomine", [true]);
    }
    const failed = await tickUntil(r, first.body.requestId, "failed");
    expect(failed.error).toMatch(/^Vault_Blocked\(/);
    const reverted = await r.store.db.selectFrom("transactions").select("state").execute();
    expect(reverted.map((tx) => tx.state)).toContain("reverted");
    expect(await usedGas(r, fan)).toBe(0n);
    expect(await read.tipNonce(fan.address)).toBe(0n);
    expect(await read.mesi(fan.address)).toBe(parseEther("100"));

    await setBlocked(false, fan);
    const earningsBefore = await read.earnings(creator.address);
    const again = await post(r, "/relay/tip", request);
    expect(again.status).toBe(202);
    await tickUntil(r, again.body.requestId, "confirmed");
    expect(await read.tipNonce(fan.address)).toBe(1n);
    expect(await read.mesi(fan.address)).toBe(parseEther("100") - amount);
    expect(await read.earnings(creator.address)).toBe(earningsBefore + (amount * 9n) / 10n);
  });
});

describe("a gasless stablecoin (EIP-3009) tip that fails for good", () => {
  test("creator blocks the fan before the send: failed with Vault_Blocked, budget refunded, the same authorization succeeds once unblocked", async () => {
    const r = await manualRelayer();
    const fan = privateKeyToAccount(generatePrivateKey());
    await mesi.adminWrite(mesi.addresses.usdc, abis.TestUSDC, "mint", [fan.address, 20_000_000n]);
    const request = await signStablecoinTip(fan, 5_000_000n);
    const first = await post(r, "/relay/stablecoin-tip", request);
    expect(first.status).toBe(202);
    expect(await usedGas(r, fan)).toBe(BigInt(first.body.reservedGas));

    await setBlocked(true, fan);
    const failed = await tickUntil(r, first.body.requestId, "failed");
    expect(failed.error).toMatch(/^Vault_Blocked\(/);
    expect(await usedGas(r, fan)).toBe(0n);
    expect(await read.usdc(fan.address)).toBe(20_000_000n);

    // Still blocked: the simulation refuses it, nothing stored.
    const early = await post(r, "/relay/stablecoin-tip", request);
    expect(early.status).toBe(422);
    expect(early.body.error).toBe("would_revert");
    expect(early.body.revert).toBe("Vault_Blocked");

    await setBlocked(false, fan);
    const earningsBefore = await read.earnings(creator.address);
    const again = await post(r, "/relay/stablecoin-tip", request);
    expect(again.status).toBe(202);
    await tickUntil(r, again.body.requestId, "confirmed");
    expect(await read.usdc(fan.address)).toBe(15_000_000n);
    expect(await read.earnings(creator.address)).toBeGreaterThan(earningsBefore);
    const third = await post(r, "/relay/stablecoin-tip", request);
    expect(third.status).toBe(409);
    expect(third.body.error).toBe("nonce_used");
    for (let i = 0; i < 3; i++) await r.engine.tick();
    expect(await read.usdc(fan.address)).toBe(15_000_000n);
  });
});
