// Gasless tips on a real chain: a fan with no native gas signs an EIP-712
// TipAuthorization (+ EIP-2612 permit) or an EIP-3009 authorization of a
// stablecoin; the relayer checks it off-chain, submits it and pays the gas,
// within the fan's monthly sponsorship. Every bad authorization gets a clear
// 4xx and nothing is queued.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { parseEther, parseEventLogs, parseSignature, zeroHash, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";

import { abis } from "@mesi/deployments";

import type { Relayer } from "../src/relayer.ts";
import { startAnvil, type AnvilNode } from "./support/anvil.ts";
import { deployFixture, type MesiFixture } from "./support/mesi.ts";
import { getJson, postJson, relayerConfigInput, startTestRelayer, waitFor } from "./support/relayer.ts";

let node: AnvilNode;
let mesi: MesiFixture;
let relayer: Relayer;
let creator: PrivateKeyAccount;

beforeAll(async () => {
  node = await startAnvil();
  mesi = await deployFixture(node);
  relayer = await startTestRelayer(relayerConfigInput(node, mesi, { sponsorship: { monthlyGasPerFan: "400000" } }));
  creator = await mesi.newFundedAccount();
});

afterAll(async () => {
  await relayer?.stop();
  await node?.stop();
});

const now = () => BigInt(Math.floor(Date.now() / 1000));

async function fanWithMesi(amount: bigint): Promise<PrivateKeyAccount> {
  const fan = privateKeyToAccount(generatePrivateKey());
  await mesi.adminWrite(mesi.addresses.mesi, abis.MesiToken, "transfer", [fan.address, amount]);
  return fan;
}

async function signTip(
  fan: PrivateKeyAccount,
  amount: bigint,
  options: { nonce?: bigint; deadline?: bigint; signer?: PrivateKeyAccount } = {},
) {
  const nonce =
    options.nonce ??
    (await mesi.publicClient.readContract({
      address: mesi.addresses.vault,
      abi: abis.MesiVault,
      functionName: "nonces",
      args: [fan.address],
    }));
  const auth = {
    fan: fan.address,
    creator: creator.address,
    amount,
    channel: 0,
    channelRef: zeroHash,
    memoHash: zeroHash,
    nonce,
    deadline: options.deadline ?? now() + 3600n,
  };
  const signature = await (options.signer ?? fan).signTypedData({
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
  const json = (value: Record<string, unknown>) =>
    JSON.parse(JSON.stringify(value, (_k, x: unknown) => (typeof x === "bigint" ? x.toString() : x)));
  return {
    auth: json(auth),
    signature,
    permit: json({ value: amount, deadline: permitDeadline, v: Number(v), r, s }),
  };
}

/** A signed tip of `amount` whose permit then has `change` applied (the tip's own signature stays valid). */
function tipWithPermitChanged(amount: bigint, change: Record<string, string>) {
  return async (fan: PrivateKeyAccount) => {
    const request = await signTip(fan, amount);
    return { ...request, permit: { ...request.permit, ...change } };
  };
}

async function signStablecoinTip(
  fan: PrivateKeyAccount,
  stableAmount: bigint,
  options: { validBefore?: bigint; signer?: PrivateKeyAccount } = {},
) {
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
    validBefore: options.validBefore ?? now() + 3600n,
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
  const signature = await (options.signer ?? fan).signTypedData({
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
  return {
    auth: JSON.parse(JSON.stringify(auth, (_k, x: unknown) => (typeof x === "bigint" ? x.toString() : x))),
    signature,
  };
}

async function waitConfirmed(requestId: number) {
  return await waitFor("relay request confirmed", async () => {
    const status = await getJson(`${relayer.url}/relay/requests/${requestId}`);
    if (status.body.status === "failed") throw new Error(`relay failed: ${status.body.error}`);
    return status.body.status === "confirmed" ? status.body : undefined;
  });
}

async function outboxCount(): Promise<number> {
  const rows = await relayer.store.db
    .selectFrom("outbox")
    .select("id")
    .where("kind", "in", ["tipBySig", "stablecoinTip"])
    .execute();
  return rows.length;
}

describe("gasless $MESI tip (EIP-712 TipAuthorization + permit)", () => {
  test("a fan without native gas tips: the relayer submits and pays", async () => {
    const fan = await fanWithMesi(parseEther("1000"));
    expect(await mesi.publicClient.getBalance({ address: fan.address })).toBe(0n);
    const mesiBalance = () =>
      mesi.publicClient.readContract({
        address: mesi.addresses.mesi,
        abi: abis.MesiToken,
        functionName: "balanceOf",
        args: [fan.address],
      });
    const earnings = async () =>
      (
        await mesi.publicClient.readContract({
          address: mesi.addresses.vault,
          abi: abis.MesiVault,
          functionName: "earningsOf",
          args: [creator.address],
        })
      )[0];
    const [tokensBefore, earningsBefore] = [await mesiBalance(), await earnings()];
    const request = await signTip(fan, parseEther("250"));
    const response = await postJson(`${relayer.url}/relay/tip`, request);
    expect(response.status).toBe(202);
    const done = await waitConfirmed(response.body.requestId);
    expect(done.txHash).toMatch(/^0x/);

    // The relayer's hot wallet sent it and paid the gas; the fan's native balance is still zero.
    const receipt = await mesi.publicClient.getTransactionReceipt({ hash: done.txHash });
    expect(receipt.status).toBe("success");
    expect(receipt.from).toBe(relayer.chain.signer.address.toLowerCase());
    expect(await mesi.publicClient.getBalance({ address: fan.address })).toBe(0n);
    // Exactly 250 $MESI left the fan, and the creator was credited 250 minus the platform fee, as the event says.
    expect(tokensBefore - (await mesiBalance())).toBe(parseEther("250"));
    const [tipped] = parseEventLogs({ abi: abis.MesiVault, logs: receipt.logs, eventName: "Tipped" });
    expect(tipped!.args).toMatchObject({ creator: creator.address, fan: fan.address, amount: parseEther("250") });
    expect(tipped!.args.fee).toBe(parseEther("25")); // 10 %
    expect((await earnings()) - earningsBefore).toBe(parseEther("250") - tipped!.args.fee);

    // The same authorization again: its nonce is used.
    const again = await postJson(`${relayer.url}/relay/tip`, request);
    expect(again.status).toBe(409);
    expect(again.body.error).toBe("nonce_used");
  });

  test.each([
    [
      "signed by someone else",
      async (fan: PrivateKeyAccount) =>
        signTip(fan, parseEther("1"), { signer: privateKeyToAccount(generatePrivateKey()) }),
      400,
      "invalid_signature",
    ],
    [
      "past deadline",
      async (fan: PrivateKeyAccount) => signTip(fan, parseEther("1"), { deadline: now() - 10n }),
      400,
      "signature_expired",
    ],
    [
      "nonce ahead",
      async (fan: PrivateKeyAccount) => signTip(fan, parseEther("1"), { nonce: 5n }),
      409,
      "nonce_not_next",
    ],
    [
      "more than the balance",
      async (fan: PrivateKeyAccount) => signTip(fan, parseEther("5000")),
      400,
      "insufficient_balance",
    ],
    [
      "no permit and no allowance",
      async (fan: PrivateKeyAccount) => {
        const { permit: _permit, ...request } = await signTip(fan, parseEther("1"));
        return request;
      },
      400,
      "insufficient_allowance",
    ],
    [
      "permit below the tip",
      tipWithPermitChanged(parseEther("2"), { value: parseEther("1").toString() }),
      400,
      "permit_too_small",
    ],
    [
      "permit past its deadline",
      tipWithPermitChanged(parseEther("1"), { deadline: (now() - 10n).toString() }),
      400,
      "permit_expired",
    ],
    [
      "permit not the fan's signature for its fields",
      tipWithPermitChanged(parseEther("1"), { value: parseEther("3").toString() }),
      400,
      "invalid_permit",
    ],
    ["malformed", async () => ({ auth: { fan: "0x1" }, signature: "0x" }), 400, "invalid_tip_request"],
  ] as const)("%s → %s %s, nothing queued", async (_name, make, status, code) => {
    const fan = await fanWithMesi(parseEther("100"));
    const before = await outboxCount();
    const response = await postJson(`${relayer.url}/relay/tip`, await make(fan));
    expect(response.status).toBe(status);
    expect(response.body.error).toBe(code);
    expect(response.body.message.length).toBeGreaterThan(10);
    expect(await outboxCount()).toBe(before);
  });

  test("past the monthly sponsorship: 402 saying how to pay gas yourself", async () => {
    const fan = await fanWithMesi(parseEther("1000"));
    const first = await postJson(`${relayer.url}/relay/tip`, await signTip(fan, parseEther("10")));
    expect(first.status).toBe(202);
    await waitConfirmed(first.body.requestId);
    let response = first;
    for (let i = 0; i < 5 && response.status === 202; i++) {
      response = await postJson(`${relayer.url}/relay/tip`, await signTip(fan, parseEther("10")));
      if (response.status === 202) await waitConfirmed(response.body.requestId);
    }
    expect(response.status).toBe(402);
    expect(response.body.error).toBe("sponsorship_exhausted");
    expect(response.body.message).toMatch(/pay the gas yourself/);
    expect(response.body.message).toMatch(/tipWithPermit/);
  });
});

describe("gasless stablecoin tip (EIP-3009 receiveWithAuthorization)", () => {
  async function fanWithUsdc(amount: bigint): Promise<PrivateKeyAccount> {
    const fan = privateKeyToAccount(generatePrivateKey());
    await mesi.adminWrite(mesi.addresses.usdc, abis.TestUSDC, "mint", [fan.address, amount]);
    return fan;
  }

  test("the relayer submits a signed USDC tip; the creator is credited in $MESI", async () => {
    const fan = await fanWithUsdc(20_000_000n);
    const request = await signStablecoinTip(fan, 5_000_000n);
    const response = await postJson(`${relayer.url}/relay/stablecoin-tip`, request);
    expect(response.status).toBe(202);
    await waitConfirmed(response.body.requestId);
    const balance = await mesi.publicClient.readContract({
      address: mesi.addresses.usdc,
      abi: abis.TestUSDC,
      functionName: "balanceOf",
      args: [fan.address],
    });
    expect(balance).toBe(15_000_000n);
    const again = await postJson(`${relayer.url}/relay/stablecoin-tip`, request);
    expect(again.status).toBe(409);
    expect(again.body.error).toBe("nonce_used");
  });

  test.each([
    [
      "bad signature",
      (fan: PrivateKeyAccount) =>
        signStablecoinTip(fan, 1_000_000n, { signer: privateKeyToAccount(generatePrivateKey()) }),
      400,
      "invalid_signature",
    ],
    [
      "expired",
      (fan: PrivateKeyAccount) => signStablecoinTip(fan, 1_000_000n, { validBefore: now() - 1n }),
      400,
      "authorization_expired",
    ],
    [
      "more than the balance",
      (fan: PrivateKeyAccount) => signStablecoinTip(fan, 50_000_000n),
      400,
      "insufficient_balance",
    ],
  ] as const)("%s → %s %s, nothing queued", async (_name, make, status, code) => {
    const fan = await fanWithUsdc(2_000_000n);
    const before = await outboxCount();
    const response = await postJson(`${relayer.url}/relay/stablecoin-tip`, await make(fan));
    expect(response.status).toBe(status);
    expect(response.body.error).toBe(code);
    expect(await outboxCount()).toBe(before);
  });
});
