// MesiTickets.buyBySig: a fan signs an EIP-712 BuyAuthorization (domain "MesiTickets"/"1"), anyone — normally the
// relayer — submits it and pays the gas; the fan pays the $MESI and receives the tickets.
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { network } from "hardhat";
import {
  getAddress,
  hashTypedData,
  keccak256,
  maxUint256,
  parseSignature,
  toHex,
  zeroHash,
  type Address,
  type Hex,
} from "viem";
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";

import { assertVaultConservation, deployModules, MESI, publicRules, type Modules } from "../fixtures/modules.ts";
import { signMesiPermit, type PermitArgs } from "../fixtures/permit.ts";

const STREAM = 1n;
const PRICE = MESI(50);
const SUPPLY = 100;
const FEE_BPS = 1000n;
const Source = { Mesi: 0 } as const;
const NO_PERMIT: PermitArgs = { value: 0n, deadline: 0n, v: 0, r: zeroHash, s: zeroHash };
const feeOf = (amount: bigint) => (amount * FEE_BPS) / 10_000n;

const BUY_AUTHORIZATION_TYPES = {
  BuyAuthorization: [
    { name: "fan", type: "address" },
    { name: "streamId", type: "uint256" },
    { name: "quantity", type: "uint32" },
    { name: "maxTotalPrice", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
} as const;

type BuyAuthorization = {
  fan: Address;
  streamId: bigint;
  quantity: number;
  maxTotalPrice: bigint;
  nonce: bigint;
  deadline: bigint;
};

/** Anything that signs EIP-712 data: a local key, or a Hardhat wallet client. */
interface TypedDataSigner {
  signTypedData(parameters: Parameters<PrivateKeyAccount["signTypedData"]>[0]): Promise<Hex>;
}

describe("MesiTickets.buyBySig", async () => {
  const connection = await network.create();
  const { networkHelpers } = connection;
  const { time } = networkHelpers;

  /** Stream 1 of `creator` on sale (50 MESI, 100 tickets); fans approved the vault. */
  async function saleFixture() {
    const m = await deployModules(connection);
    const { registry, tickets, mesi, vault, creator, fan, fan2, wait } = m;
    await wait(registry.write.createStream([publicRules, "ipfs://stream-1"], { account: creator.account }));
    await wait(tickets.write.configureSale([STREAM, PRICE, SUPPLY, false, 0], { account: creator.account }));
    for (const w of [fan, fan2]) await wait(mesi.write.approve([vault.address, maxUint256], { account: w.account }));
    return { ...m, chainId: await m.publicClient.getChainId() };
  }
  type Fixture = Modules & { chainId: number };
  const load = () => networkHelpers.loadFixture(saleFixture);

  async function authFor(m: Fixture, fan: Address, overrides: Partial<BuyAuthorization> = {}) {
    return {
      fan,
      streamId: STREAM,
      quantity: 2,
      maxTotalPrice: PRICE * 2n,
      nonce: await m.tickets.read.nonces([fan]),
      deadline: BigInt(await time.latest()) + 3600n,
      ...overrides,
    } satisfies BuyAuthorization;
  }

  function signBuy(m: Fixture, signer: TypedDataSigner, auth: BuyAuthorization): Promise<Hex> {
    return signer.signTypedData({
      domain: { name: "MesiTickets", version: "1", chainId: m.chainId, verifyingContract: m.tickets.address },
      types: BUY_AUTHORIZATION_TYPES,
      primaryType: "BuyAuthorization",
      message: auth,
    });
  }

  /** An EIP-2612 permit of $MESI for the vault, signed with a local key (a fan who has never sent a transaction). */
  async function signPermitWithKey(m: Fixture, owner: PrivateKeyAccount, value: bigint, deadline: bigint) {
    const nonce = await m.mesi.read.nonces([owner.address]);
    const signature = await owner.signTypedData({
      domain: { name: "Mesi", version: "1", chainId: m.chainId, verifyingContract: m.mesi.address },
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
      message: { owner: owner.address, spender: m.vault.address, value, nonce, deadline },
    });
    const { r, s, v, yParity } = parseSignature(signature);
    return { value, deadline, v: v === undefined ? yParity + 27 : Number(v), r, s } satisfies PermitArgs;
  }

  /** A fan that only ever signs: a fresh key holding $MESI and no native gas. */
  async function gaslessFan(m: Fixture, amount: bigint): Promise<PrivateKeyAccount> {
    const fan = privateKeyToAccount(generatePrivateKey());
    await m.wait(m.mesi.write.transfer([fan.address, amount]));
    return fan;
  }

  describe("happy path", () => {
    it("a fan with no native gas signs; the relayer submits with the permit and pays the gas", async () => {
      const m = await load();
      const { tickets, vault, mesi, creator, relayer, viem, publicClient } = m;
      const fan = await gaslessFan(m, MESI(1000));
      assert.equal(await publicClient.getBalance({ address: fan.address }), 0n);
      const auth = await authFor(m, fan.address);
      const total = PRICE * 2n;
      const permit = await signPermitWithKey(m, fan, total, auth.deadline);
      const relayerEthBefore = await publicClient.getBalance({ address: relayer.account.address });

      const hash = tickets.write.buyBySig([auth, await signBuy(m, fan, auth), permit], { account: relayer.account });
      await viem.assertions.emitWithArgs(hash, tickets, "TicketsPurchased", [
        STREAM,
        creator.account.address,
        fan.address,
        2,
        total,
        feeOf(total),
        Source.Mesi,
        zeroHash,
        2,
      ]);
      await viem.assertions.emitWithArgs(hash, vault, "ModuleCredited", [
        tickets.address,
        creator.account.address,
        fan.address,
        total,
        feeOf(total),
      ]);
      assert.equal(await tickets.read.balanceOf([fan.address, STREAM]), 2n);
      assert.equal(await mesi.read.balanceOf([fan.address]), MESI(1000) - total);
      assert.equal(await mesi.read.allowance([fan.address, vault.address]), 0n, "the permit was spent exactly");
      assert.deepEqual(await vault.read.earningsOf([creator.account.address]), [
        total - feeOf(total),
        0n,
        feeOf(total),
      ]);
      assert.equal(await tickets.read.nonces([fan.address]), 1n);
      assert.equal((await tickets.read.saleOf([STREAM])).sold, 2);
      assert.equal(await publicClient.getBalance({ address: fan.address }), 0n, "the fan paid no gas");
      assert.ok(
        (await publicClient.getBalance({ address: relayer.account.address })) < relayerEthBefore,
        "the relayer paid the gas",
      );
      await assertVaultConservation(m, [creator.account.address, m.creator2.account.address]);
    });

    it("with an allowance already in place no permit is needed (value 0); anyone may submit", async () => {
      const m = await load();
      const { tickets, fan, other } = m;
      const auth = await authFor(m, fan.account.address, { quantity: 1, maxTotalPrice: maxUint256 });
      await m.wait(tickets.write.buyBySig([auth, await signBuy(m, fan, auth), NO_PERMIT], { account: other.account }));
      assert.equal(await tickets.read.balanceOf([fan.account.address, STREAM]), 1n);
      assert.equal(await tickets.read.balanceOf([other.account.address, STREAM]), 0n);
      // Sequential nonces: the next purchase signs nonce 1.
      const next = await authFor(m, fan.account.address, { quantity: 1 });
      assert.equal(next.nonce, 1n);
      await m.wait(tickets.write.buyBySig([next, await signBuy(m, fan, next), NO_PERMIT], { account: other.account }));
      assert.equal(await tickets.read.balanceOf([fan.account.address, STREAM]), 2n);
    });

    it("the deadline itself is still valid", async () => {
      const m = await load();
      const auth = await authFor(m, m.fan.account.address, { deadline: BigInt(await time.latest()) + 100n });
      const signature = await signBuy(m, m.fan, auth);
      await time.setNextBlockTimestamp(auth.deadline);
      await m.wait(m.tickets.write.buyBySig([auth, signature, NO_PERMIT], { account: m.relayer.account }));
      assert.equal(await m.tickets.read.nonces([m.fan.account.address]), 1n);
    });

    it("digest matches EIP-712 (domain MesiTickets/1) and the published typehash", async () => {
      const m = await load();
      const auth = await authFor(m, m.fan.account.address);
      const expected = hashTypedData({
        domain: { name: "MesiTickets", version: "1", chainId: m.chainId, verifyingContract: m.tickets.address },
        types: BUY_AUTHORIZATION_TYPES,
        primaryType: "BuyAuthorization",
        message: auth,
      });
      assert.equal(await m.tickets.read.buyAuthorizationDigest([auth]), expected);
      const [, name, version, chainId, verifyingContract] = await m.tickets.read.eip712Domain();
      assert.deepEqual(
        [name, version, chainId, verifyingContract],
        ["MesiTickets", "1", BigInt(m.chainId), getAddress(m.tickets.address)],
      );
      assert.equal(
        await m.tickets.read.BUY_AUTHORIZATION_TYPEHASH(),
        keccak256(
          toHex(
            "BuyAuthorization(address fan,uint256 streamId,uint32 quantity,uint256 maxTotalPrice,uint256 nonce,uint256 deadline)",
          ),
        ),
      );
    });
  });

  describe("signature, deadline and nonce", () => {
    it("reverts Tickets_SignatureExpired after the deadline", async () => {
      const m = await load();
      const deadline = BigInt(await time.latest()) + 100n;
      const auth = await authFor(m, m.fan.account.address, { deadline });
      const signature = await signBuy(m, m.fan, auth);
      await time.setNextBlockTimestamp(deadline + 1n);
      await m.viem.assertions.revertWithCustomErrorWithArgs(
        m.tickets.write.buyBySig([auth, signature, NO_PERMIT], { account: m.relayer.account }),
        m.tickets,
        "Tickets_SignatureExpired",
        [deadline, deadline + 1n],
      );
    });

    it("reverts Tickets_InvalidSignature for another signer, a tampered field or a malformed signature", async () => {
      const m = await load();
      const { tickets, fan, fan2, relayer, viem } = m;
      const auth = await authFor(m, fan.account.address);
      const as = { account: relayer.account };
      await viem.assertions.revertWithCustomErrorWithArgs(
        tickets.write.buyBySig([auth, await signBuy(m, fan2, auth), NO_PERMIT], as),
        tickets,
        "Tickets_InvalidSignature",
        [fan.account.address],
      );
      const signature = await signBuy(m, fan, auth);
      for (const tampered of [
        { ...auth, streamId: 2n },
        { ...auth, quantity: 3 },
        { ...auth, maxTotalPrice: auth.maxTotalPrice + 1n },
        { ...auth, deadline: auth.deadline + 1n },
      ]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          tickets.write.buyBySig([tampered, signature, NO_PERMIT], as),
          tickets,
          "Tickets_InvalidSignature",
          [fan.account.address],
        );
      }
      // Re-addressed to another fan: not that fan's signature either.
      await viem.assertions.revertWithCustomErrorWithArgs(
        tickets.write.buyBySig([{ ...auth, fan: fan2.account.address }, signature, NO_PERMIT], as),
        tickets,
        "Tickets_InvalidSignature",
        [fan2.account.address],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        tickets.write.buyBySig([auth, "0x1234", NO_PERMIT], as),
        tickets,
        "Tickets_InvalidSignature",
        [fan.account.address],
      );
      assert.equal((await tickets.read.saleOf([STREAM])).sold, 0);
    });

    it("checks the signature before the nonce: a wrong nonce under a bad signature reverts Tickets_InvalidSignature", async () => {
      const m = await load();
      const { tickets, fan, fan2, relayer, viem } = m;
      const as = { account: relayer.account };
      // Both checks fail, so the error names the one that runs first (the nonce check would say
      // InvalidAccountNonce(fan, 0)).
      const stale = await authFor(m, fan.account.address, { nonce: 3n });
      await viem.assertions.revertWithCustomErrorWithArgs(
        tickets.write.buyBySig([stale, await signBuy(m, fan2, stale), NO_PERMIT], as),
        tickets,
        "Tickets_InvalidSignature",
        [fan.account.address],
      );
      // The fan's own signature on the same wrong nonce: only the nonce check fails.
      await viem.assertions.revertWithCustomErrorWithArgs(
        tickets.write.buyBySig([stale, await signBuy(m, fan, stale), NO_PERMIT], as),
        tickets,
        "InvalidAccountNonce",
        [fan.account.address, 0n],
      );
    });

    it("reverts InvalidAccountNonce on replay and for a future nonce", async () => {
      const m = await load();
      const { tickets, fan, relayer, viem } = m;
      const auth = await authFor(m, fan.account.address);
      const signature = await signBuy(m, fan, auth);
      await m.wait(tickets.write.buyBySig([auth, signature, NO_PERMIT], { account: relayer.account }));
      await viem.assertions.revertWithCustomErrorWithArgs(
        tickets.write.buyBySig([auth, signature, NO_PERMIT], { account: relayer.account }),
        tickets,
        "InvalidAccountNonce",
        [fan.account.address, 1n],
      );
      const future = await authFor(m, fan.account.address, { nonce: 5n });
      await viem.assertions.revertWithCustomErrorWithArgs(
        tickets.write.buyBySig([future, await signBuy(m, fan, future), NO_PERMIT], { account: relayer.account }),
        tickets,
        "InvalidAccountNonce",
        [fan.account.address, 1n],
      );
      assert.equal(await tickets.read.balanceOf([fan.account.address, STREAM]), 2n, "bought once");
    });

    it("the ticket nonces are the contract's own: a vault tip nonce does not move them", async () => {
      const m = await load();
      assert.equal(await m.vault.read.nonces([m.fan.account.address]), 0n);
      const auth = await authFor(m, m.fan.account.address);
      await m.wait(m.tickets.write.buyBySig([auth, await signBuy(m, m.fan, auth), NO_PERMIT]));
      assert.equal(await m.tickets.read.nonces([m.fan.account.address]), 1n);
      assert.equal(await m.vault.read.nonces([m.fan.account.address]), 0n);
    });
  });

  describe("purchase checks, as buy", () => {
    it("a fan the creator blocked cannot buy (Vault_Blocked); the nonce stays unused", async () => {
      const m = await load();
      const { tickets, vault, creator, fan, relayer, viem } = m;
      await m.wait(vault.write.blockFan([fan.account.address], { account: creator.account }));
      const auth = await authFor(m, fan.account.address);
      await viem.assertions.revertWithCustomErrorWithArgs(
        tickets.write.buyBySig([auth, await signBuy(m, fan, auth), NO_PERMIT], { account: relayer.account }),
        vault,
        "Vault_Blocked",
        [creator.account.address, fan.account.address],
      );
      assert.equal(await tickets.read.nonces([fan.account.address]), 0n);
      assert.equal((await tickets.read.saleOf([STREAM])).sold, 0);
    });

    it("reverts Tickets_SoldOut above the remaining supply", async () => {
      const m = await load();
      const { tickets, creator, fan, relayer, viem } = m;
      await m.wait(tickets.write.configureSale([STREAM, PRICE, 3, false, 0], { account: creator.account }));
      const auth = await authFor(m, fan.account.address, { quantity: 4, maxTotalPrice: maxUint256 });
      await viem.assertions.revertWithCustomErrorWithArgs(
        tickets.write.buyBySig([auth, await signBuy(m, fan, auth), NO_PERMIT], { account: relayer.account }),
        tickets,
        "Tickets_SoldOut",
        [STREAM, 4, 3],
      );
    });

    it("reverts Tickets_PriceTooHigh above the signed maximum, also when the creator raised the price after signing", async () => {
      const m = await load();
      const { tickets, creator, fan, relayer, viem } = m;
      const low = await authFor(m, fan.account.address, { maxTotalPrice: PRICE * 2n - 1n });
      await viem.assertions.revertWithCustomErrorWithArgs(
        tickets.write.buyBySig([low, await signBuy(m, fan, low), NO_PERMIT], { account: relayer.account }),
        tickets,
        "Tickets_PriceTooHigh",
        [STREAM, PRICE * 2n, PRICE * 2n - 1n],
      );
      const auth = await authFor(m, fan.account.address);
      const signature = await signBuy(m, fan, auth);
      await m.wait(tickets.write.configureSale([STREAM, PRICE + 1n, SUPPLY, false, 0], { account: creator.account }));
      await viem.assertions.revertWithCustomErrorWithArgs(
        tickets.write.buyBySig([auth, signature, NO_PERMIT], { account: relayer.account }),
        tickets,
        "Tickets_PriceTooHigh",
        [STREAM, (PRICE + 1n) * 2n, PRICE * 2n],
      );
    });

    it("reverts Vault_Paused while the vault is paused; the same signature works after unpausing", async () => {
      const m = await load();
      const { tickets, vault, fan, relayer, viem } = m;
      const auth = await authFor(m, fan.account.address);
      const signature = await signBuy(m, fan, auth);
      await m.wait(vault.write.pause());
      await viem.assertions.revertWithCustomError(
        tickets.write.buyBySig([auth, signature, NO_PERMIT], { account: relayer.account }),
        vault,
        "Vault_Paused",
      );
      await m.wait(vault.write.unpause());
      await m.wait(tickets.write.buyBySig([auth, signature, NO_PERMIT], { account: relayer.account }));
      assert.equal(await tickets.read.balanceOf([fan.account.address, STREAM]), 2n);
    });

    it("reverts Tickets_NoSale for a stream without a sale", async () => {
      const m = await load();
      const auth = await authFor(m, m.fan.account.address, { streamId: 7n });
      await m.viem.assertions.revertWithCustomErrorWithArgs(
        m.tickets.write.buyBySig([auth, await signBuy(m, m.fan, auth), NO_PERMIT]),
        m.tickets,
        "Tickets_NoSale",
        [7n],
      );
    });
  });

  describe("ERC-1271 wallets", () => {
    it("accepts a contract wallet's signature; the wallet receives the tickets", async () => {
      const m = await load();
      const { tickets, mesi, vault, creator, fan, fan2, relayer, viem } = m;
      const wallet = await viem.deployContract("ERC1271TicketWallet", [fan2.account.address]);
      await m.wait(mesi.write.transfer([wallet.address, MESI(500)]));
      await m.wait(wallet.write.approve([mesi.address, vault.address, MESI(500)], { account: fan2.account }));
      const auth = await authFor(m, wallet.address, { quantity: 3, maxTotalPrice: PRICE * 3n });
      await viem.assertions.emitWithArgs(
        tickets.write.buyBySig([auth, await signBuy(m, fan2, auth), NO_PERMIT], { account: relayer.account }),
        tickets,
        "TicketsPurchased",
        [STREAM, creator.account.address, wallet.address, 3, PRICE * 3n, feeOf(PRICE * 3n), Source.Mesi, zeroHash, 3],
      );
      assert.equal(await tickets.read.balanceOf([wallet.address, STREAM]), 3n);
      assert.equal(await mesi.read.balanceOf([wallet.address]), MESI(500) - PRICE * 3n);
      // Someone other than the wallet's owner cannot sign for it.
      const next = await authFor(m, wallet.address);
      await viem.assertions.revertWithCustomErrorWithArgs(
        tickets.write.buyBySig([next, await signBuy(m, fan, next), NO_PERMIT], { account: relayer.account }),
        tickets,
        "Tickets_InvalidSignature",
        [getAddress(wallet.address)],
      );
    });

    it("a wallet that cannot hold ERC-1155 tokens is refused (ERC1155InvalidReceiver) and pays nothing", async () => {
      const m = await load();
      const { tickets, mesi, vault, fan2, relayer, viem } = m;
      const wallet = await viem.deployContract("ERC1271Wallet", [fan2.account.address]);
      await m.wait(mesi.write.transfer([wallet.address, MESI(500)]));
      await m.wait(wallet.write.approve([mesi.address, vault.address, MESI(500)], { account: fan2.account }));
      const auth = await authFor(m, wallet.address);
      await viem.assertions.revertWithCustomErrorWithArgs(
        tickets.write.buyBySig([auth, await signBuy(m, fan2, auth), NO_PERMIT], { account: relayer.account }),
        tickets,
        "ERC1155InvalidReceiver",
        [getAddress(wallet.address)],
      );
      assert.equal(await mesi.read.balanceOf([wallet.address]), MESI(500));
    });
  });

  describe("permit", () => {
    it("tolerates a front-run permit: the allowance it set is used", async () => {
      const m = await load();
      const { tickets, mesi, vault, relayer, other } = m;
      const fan = await gaslessFan(m, MESI(1000));
      const auth = await authFor(m, fan.address);
      const permit = await signPermitWithKey(m, fan, PRICE * 2n, auth.deadline);
      await m.wait(
        mesi.write.permit([fan.address, vault.address, permit.value, permit.deadline, permit.v, permit.r, permit.s], {
          account: other.account,
        }),
      );
      await m.wait(tickets.write.buyBySig([auth, await signBuy(m, fan, auth), permit], { account: relayer.account }));
      assert.equal(await tickets.read.balanceOf([fan.address, STREAM]), 2n);
    });

    it("an invalid permit (its value is not what was signed) is ignored; the pull reverts ERC20InsufficientAllowance", async () => {
      const m = await load();
      const { tickets, mesi, vault, relayer, viem } = m;
      const fan = await gaslessFan(m, MESI(1000));
      const auth = await authFor(m, fan.address);
      const bad = { ...(await signPermitWithKey(m, fan, PRICE * 2n, auth.deadline)), value: PRICE * 3n };
      await viem.assertions.revertWithCustomErrorWithArgs(
        tickets.write.buyBySig([auth, await signBuy(m, fan, auth), bad], { account: relayer.account }),
        mesi,
        "ERC20InsufficientAllowance",
        [vault.address, 0n, PRICE * 2n],
      );
    });

    it("a permit signed by a Hardhat wallet (fixture helper) works the same", async () => {
      const m = await load();
      const { tickets, mesi, vault, fan, relayer } = m;
      await m.wait(mesi.write.approve([vault.address, 0n], { account: fan.account }));
      const auth = await authFor(m, fan.account.address);
      const permit = await signMesiPermit(fan, mesi, vault.address, maxUint256, auth.deadline);
      await m.wait(tickets.write.buyBySig([auth, await signBuy(m, fan, auth), permit], { account: relayer.account }));
      assert.equal(await mesi.read.allowance([fan.account.address, vault.address]), maxUint256);
      assert.equal(await tickets.read.balanceOf([fan.account.address, STREAM]), 2n);
    });

    it("without a permit and without an allowance the pull reverts ERC20InsufficientAllowance", async () => {
      const m = await load();
      const { tickets, mesi, vault, relayer, viem } = m;
      const fan = await gaslessFan(m, MESI(1000));
      const auth = await authFor(m, fan.address);
      await viem.assertions.revertWithCustomErrorWithArgs(
        tickets.write.buyBySig([auth, await signBuy(m, fan, auth), NO_PERMIT], { account: relayer.account }),
        mesi,
        "ERC20InsufficientAllowance",
        [vault.address, 0n, PRICE * 2n],
      );
    });
  });
});
