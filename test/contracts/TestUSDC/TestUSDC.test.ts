import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { network } from "hardhat";
import { getAddress, keccak256, parseSignature, toHex, type Address, type Hex } from "viem";

const NAME = "USD Coin (Mesi local test)";
const TYPES = {
  TransferWithAuthorization: [
    { name: "from", type: "address" },
    { name: "to", type: "address" },
    { name: "value", type: "uint256" },
    { name: "validAfter", type: "uint256" },
    { name: "validBefore", type: "uint256" },
    { name: "nonce", type: "bytes32" },
  ],
  ReceiveWithAuthorization: [
    { name: "from", type: "address" },
    { name: "to", type: "address" },
    { name: "value", type: "uint256" },
    { name: "validAfter", type: "uint256" },
    { name: "validBefore", type: "uint256" },
    { name: "nonce", type: "bytes32" },
  ],
  CancelAuthorization: [
    { name: "authorizer", type: "address" },
    { name: "nonce", type: "bytes32" },
  ],
} as const;

describe("TestUSDC", async () => {
  const connection = await network.create();
  const { viem, networkHelpers } = connection;
  const { time } = networkHelpers;

  async function deploy() {
    const [alice, bob, carol] = await viem.getWalletClients();
    const usdc = await viem.deployContract("TestUSDC");
    const publicClient = await viem.getPublicClient();
    await publicClient.waitForTransactionReceipt({
      hash: await usdc.write.mint([alice.account.address, 1_000_000_000n]),
    });
    return { usdc, alice, bob, carol };
  }
  type Sys = Awaited<ReturnType<typeof deploy>>;
  const a = (w: { account: { address: Address } }) => getAddress(w.account.address);

  async function sign(
    s: Sys,
    signer: Sys["alice"],
    primaryType: "TransferWithAuthorization" | "ReceiveWithAuthorization",
    message: { from: Address; to: Address; value: bigint; validAfter: bigint; validBefore: bigint; nonce: Hex },
  ) {
    const signature = await signer.signTypedData({
      domain: { name: NAME, version: "1", chainId: await signer.getChainId(), verifyingContract: s.usdc.address },
      types: { [primaryType]: TYPES[primaryType] } as never,
      primaryType,
      message,
    } as never);
    const { r, s: sv, v } = parseSignature(signature);
    return { v: Number(v), r, s: sv };
  }
  async function auth(
    s: Sys,
    overrides: Partial<{
      from: Address;
      to: Address;
      value: bigint;
      validAfter: bigint;
      validBefore: bigint;
      nonce: Hex;
    }> = {},
  ) {
    return {
      from: a(s.alice),
      to: a(s.bob),
      value: 250_000n,
      validAfter: 0n,
      validBefore: BigInt(await time.latest()) + 3600n,
      nonce: keccak256(toHex(`nonce-${Math.random()}`)),
      ...overrides,
    };
  }
  const args = (m: Awaited<ReturnType<typeof auth>>, sig: { v: number; r: Hex; s: Hex }) =>
    [m.from, m.to, m.value, m.validAfter, m.validBefore, m.nonce, sig.v, sig.r, sig.s] as const;

  it("is a clearly labelled 6-decimal test token with an open mint", async () => {
    const { usdc, alice, carol } = await networkHelpers.loadFixture(deploy);
    assert.equal(await usdc.read.name(), NAME);
    assert.equal(await usdc.read.symbol(), "USDC");
    assert.equal(await usdc.read.decimals(), 6);
    assert.equal(await usdc.read.balanceOf([alice.account.address]), 1_000_000_000n);
    await usdc.write.mint([carol.account.address, 5n], { account: carol.account });
    assert.equal(await usdc.read.totalSupply(), 1_000_000_005n);
  });

  it("exposes the EIP-3009 typehashes exactly", async () => {
    const { usdc } = await networkHelpers.loadFixture(deploy);
    assert.equal(
      await usdc.read.TRANSFER_WITH_AUTHORIZATION_TYPEHASH(),
      keccak256(
        toHex(
          "TransferWithAuthorization(address from,address to,uint256 value,uint256 validAfter,uint256 validBefore,bytes32 nonce)",
        ),
      ),
    );
    assert.equal(
      await usdc.read.RECEIVE_WITH_AUTHORIZATION_TYPEHASH(),
      keccak256(
        toHex(
          "ReceiveWithAuthorization(address from,address to,uint256 value,uint256 validAfter,uint256 validBefore,bytes32 nonce)",
        ),
      ),
    );
    assert.equal(
      await usdc.read.CANCEL_AUTHORIZATION_TYPEHASH(),
      keccak256(toHex("CancelAuthorization(address authorizer,bytes32 nonce)")),
    );
  });

  it("accepts an EIP-2612 permit", async () => {
    const s = await networkHelpers.loadFixture(deploy);
    const deadline = BigInt(await time.latest()) + 600n;
    const signature = await s.alice.signTypedData({
      domain: { name: NAME, version: "1", chainId: await s.alice.getChainId(), verifyingContract: s.usdc.address },
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
      message: { owner: a(s.alice), spender: a(s.bob), value: 9n, nonce: 0n, deadline },
    });
    const { r, s: sv, v } = parseSignature(signature);
    await s.usdc.write.permit([a(s.alice), a(s.bob), 9n, deadline, Number(v), r, sv], { account: s.carol.account });
    assert.equal(await s.usdc.read.allowance([a(s.alice), a(s.bob)]), 9n);
  });

  describe("transferWithAuthorization", () => {
    it("moves the funds when anyone submits, marks the nonce used and emits AuthorizationUsed", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      const m = await auth(s);
      const sig = await sign(s, s.alice, "TransferWithAuthorization", m);
      assert.equal(await s.usdc.read.authorizationState([a(s.alice), m.nonce]), false);
      await viem.assertions.emitWithArgs(
        s.usdc.write.transferWithAuthorization(args(m, sig), { account: s.carol.account }),
        s.usdc,
        "AuthorizationUsed",
        [a(s.alice), m.nonce],
      );
      assert.equal(await s.usdc.read.balanceOf([a(s.bob)]), 250_000n);
      assert.equal(await s.usdc.read.authorizationState([a(s.alice), m.nonce]), true);
      await viem.assertions.revertWithCustomErrorWithArgs(
        s.usdc.write.transferWithAuthorization(args(m, sig)),
        s.usdc,
        "ERC3009_AuthorizationUsed",
        [a(s.alice), m.nonce],
      );
    });

    it("enforces the validity window: after validAfter, before validBefore", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      const now = BigInt(await time.latest());
      const m = await auth(s, { validAfter: now + 10n, validBefore: now + 20n });
      const sig = await sign(s, s.alice, "TransferWithAuthorization", m);
      await time.setNextBlockTimestamp(now + 10n);
      await viem.assertions.revertWithCustomErrorWithArgs(
        s.usdc.write.transferWithAuthorization(args(m, sig)),
        s.usdc,
        "ERC3009_AuthorizationNotYetValid",
        [now + 10n, now + 10n],
      );
      await time.setNextBlockTimestamp(now + 20n);
      await viem.assertions.revertWithCustomErrorWithArgs(
        s.usdc.write.transferWithAuthorization(args(m, sig)),
        s.usdc,
        "ERC3009_AuthorizationExpired",
        [now + 20n, now + 20n],
      );
      const m2 = await auth(s, { validAfter: now + 20n, validBefore: now + 40n });
      await time.setNextBlockTimestamp(now + 21n);
      await s.usdc.write.transferWithAuthorization(args(m2, await sign(s, s.alice, "TransferWithAuthorization", m2)));
    });

    it("rejects another signer, a changed field and the receive-form signature", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      const m = await auth(s);
      const byBob = await sign(s, s.bob, "TransferWithAuthorization", m);
      await viem.assertions.revertWithCustomErrorWithArgs(
        s.usdc.write.transferWithAuthorization(args(m, byBob)),
        s.usdc,
        "ERC3009_InvalidSignature",
        [a(s.alice)],
      );
      const sig = await sign(s, s.alice, "TransferWithAuthorization", m);
      await viem.assertions.revertWithCustomErrorWithArgs(
        s.usdc.write.transferWithAuthorization(args({ ...m, value: m.value + 1n }, sig)),
        s.usdc,
        "ERC3009_InvalidSignature",
        [a(s.alice)],
      );
      const receiveSig = await sign(s, s.alice, "ReceiveWithAuthorization", m);
      await viem.assertions.revertWithCustomErrorWithArgs(
        s.usdc.write.transferWithAuthorization(args(m, receiveSig)),
        s.usdc,
        "ERC3009_InvalidSignature",
        [a(s.alice)],
      );
    });

    it("reverts ERC20InsufficientBalance beyond the balance", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      const m = await auth(s, { value: 1_000_000_001n });
      await viem.assertions.revertWithCustomErrorWithArgs(
        s.usdc.write.transferWithAuthorization(args(m, await sign(s, s.alice, "TransferWithAuthorization", m))),
        s.usdc,
        "ERC20InsufficientBalance",
        [a(s.alice), 1_000_000_000n, 1_000_000_001n],
      );
    });

    it("accepts an ERC-1271 wallet as the authorizer", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      const wallet = await viem.deployContract("ERC1271Wallet", [a(s.carol)]);
      await s.usdc.write.mint([wallet.address, 100n]);
      const m = await auth(s, { from: getAddress(wallet.address), value: 60n });
      await s.usdc.write.transferWithAuthorization(args(m, await sign(s, s.carol, "TransferWithAuthorization", m)));
      assert.equal(await s.usdc.read.balanceOf([a(s.bob)]), 60n);
    });
  });

  describe("receiveWithAuthorization", () => {
    it("only the payee may submit", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      const m = await auth(s);
      const sig = await sign(s, s.alice, "ReceiveWithAuthorization", m);
      await viem.assertions.revertWithCustomErrorWithArgs(
        s.usdc.write.receiveWithAuthorization(args(m, sig), { account: s.carol.account }),
        s.usdc,
        "ERC3009_CallerNotPayee",
        [a(s.carol), a(s.bob)],
      );
      await viem.assertions.emitWithArgs(
        s.usdc.write.receiveWithAuthorization(args(m, sig), { account: s.bob.account }),
        s.usdc,
        "AuthorizationUsed",
        [a(s.alice), m.nonce],
      );
      assert.equal(await s.usdc.read.balanceOf([a(s.bob)]), 250_000n);
    });

    it("rejects a transfer-form signature", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      const m = await auth(s);
      const sig = await sign(s, s.alice, "TransferWithAuthorization", m);
      await viem.assertions.revertWithCustomErrorWithArgs(
        s.usdc.write.receiveWithAuthorization(args(m, sig), { account: s.bob.account }),
        s.usdc,
        "ERC3009_InvalidSignature",
        [a(s.alice)],
      );
    });
  });

  describe("cancelAuthorization", () => {
    it("cancels an unused authorization, which can then not be used or cancelled again", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      const m = await auth(s);
      const signature = await s.alice.signTypedData({
        domain: { name: NAME, version: "1", chainId: await s.alice.getChainId(), verifyingContract: s.usdc.address },
        types: { CancelAuthorization: TYPES.CancelAuthorization },
        primaryType: "CancelAuthorization",
        message: { authorizer: a(s.alice), nonce: m.nonce },
      });
      const { r, s: sv, v } = parseSignature(signature);
      const cancelArgs = [a(s.alice), m.nonce, Number(v), r, sv] as const;
      // Signed by someone else: rejected.
      const other = parseSignature(
        await s.bob.signTypedData({
          domain: { name: NAME, version: "1", chainId: await s.bob.getChainId(), verifyingContract: s.usdc.address },
          types: { CancelAuthorization: TYPES.CancelAuthorization },
          primaryType: "CancelAuthorization",
          message: { authorizer: a(s.alice), nonce: m.nonce },
        }),
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        s.usdc.write.cancelAuthorization([a(s.alice), m.nonce, Number(other.v), other.r, other.s]),
        s.usdc,
        "ERC3009_InvalidSignature",
        [a(s.alice)],
      );
      await viem.assertions.emitWithArgs(
        s.usdc.write.cancelAuthorization(cancelArgs, { account: s.carol.account }),
        s.usdc,
        "AuthorizationCanceled",
        [a(s.alice), m.nonce],
      );
      assert.equal(await s.usdc.read.authorizationState([a(s.alice), m.nonce]), true);
      await viem.assertions.revertWithCustomErrorWithArgs(
        s.usdc.write.cancelAuthorization(cancelArgs),
        s.usdc,
        "ERC3009_AuthorizationUsed",
        [a(s.alice), m.nonce],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        s.usdc.write.transferWithAuthorization(args(m, await sign(s, s.alice, "TransferWithAuthorization", m))),
        s.usdc,
        "ERC3009_AuthorizationUsed",
        [a(s.alice), m.nonce],
      );
    });
  });
});
