import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { network } from "hardhat";
import { hashTypedData, keccak256, maxUint256, toHex, zeroAddress, zeroHash, type Address } from "viem";

import {
  addr,
  Channel,
  deployVault,
  FAN_BALANCE,
  feeOf,
  MESI,
  NO_PERMIT,
  signPermit,
  signTip,
  TIP_AUTHORIZATION_TYPES,
  TOTAL_SUPPLY,
  type TipAuthorization,
  type VaultSystem,
} from "./fixture.ts";

const MEMO = keccak256(toHex("great stream!"));
const STREAM_ID = keccak256(toHex("stream-42"));

describe("MesiVault tips", async () => {
  const connection = await network.create();
  const { viem, networkHelpers } = connection;
  const { time } = networkHelpers;
  const deploy = () => deployVault(connection);

  async function authFor(s: VaultSystem, overrides: Partial<TipAuthorization> = {}): Promise<TipAuthorization> {
    return {
      fan: addr(s.fan),
      creator: addr(s.creator),
      amount: MESI(25),
      channel: Channel.Stream,
      channelRef: STREAM_ID,
      memoHash: MEMO,
      nonce: await s.vault.read.nonces([addr(s.fan)]),
      deadline: BigInt(await time.latest()) + 3600n,
      ...overrides,
    };
  }

  /** The four ways a fan tips in $MESI from their wallet, as `fan`. */
  const tipPaths = {
    transferAndCall: async (s: VaultSystem, fan: VaultSystem["fan"], creator: Address, amount: bigint) => {
      const data = await s.vault.read.encodeTipData([creator, Channel.Profile, zeroHash, MEMO]);
      return s.mesi.write.transferAndCall([s.vault.address, amount, data], { account: fan.account });
    },
    tip: (s: VaultSystem, fan: VaultSystem["fan"], creator: Address, amount: bigint) =>
      s.vault.write.tip([creator, amount, Channel.Profile, zeroHash, MEMO], { account: fan.account }),
    tipWithPermit: (s: VaultSystem, fan: VaultSystem["fan"], creator: Address, amount: bigint) =>
      s.vault.write.tipWithPermit([creator, amount, Channel.Profile, zeroHash, MEMO, NO_PERMIT], {
        account: fan.account,
      }),
    tipBySig: async (s: VaultSystem, fan: VaultSystem["fan"], creator: Address, amount: bigint) => {
      const auth = await authFor(s, { fan: addr(fan), creator, amount, nonce: await s.vault.read.nonces([addr(fan)]) });
      const signature = await signTip(fan, s.vault.address, auth);
      return s.vault.write.tipBySig([auth, signature, NO_PERMIT], { account: s.outsider.account });
    },
  } as const;

  describe("tip", () => {
    it("pulls the amount, credits the creator net of the fee and emits Tipped", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      const amount = MESI(100);
      const vaultBefore = await s.mesi.read.balanceOf([s.vault.address]);
      await viem.assertions.emitWithArgs(
        s.vault.write.tip([addr(s.creator), amount, Channel.Stream, STREAM_ID, MEMO], { account: s.fan.account }),
        s.vault,
        "Tipped",
        [addr(s.creator), addr(s.fan), amount, MESI(10), Channel.Stream, STREAM_ID, MEMO],
      );
      assert.deepEqual(await s.vault.read.earningsOf([addr(s.creator)]), [MESI(90), 0n, MESI(10)]);
      assert.equal(await s.mesi.read.balanceOf([s.vault.address]), vaultBefore + amount);
      assert.equal(await s.mesi.read.balanceOf([addr(s.fan)]), FAN_BALANCE - amount);
      assert.equal(await s.mesi.read.allowance([addr(s.fan), s.vault.address]), FAN_BALANCE - amount);
    });

    it("accumulates repeated tips from several fans", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      await s.wait(s.vault.write.tip([addr(s.creator), MESI(10), 0, zeroHash, zeroHash], { account: s.fan.account }));
      await s.wait(s.vault.write.tip([addr(s.creator), MESI(30), 1, zeroHash, zeroHash], { account: s.fan2.account }));
      await s.wait(s.vault.write.tip([addr(s.creator), 7n, 3, STREAM_ID, zeroHash], { account: s.fan.account }));
      // 7 wei: fee rounds down to 0.
      assert.deepEqual(await s.vault.read.earningsOf([addr(s.creator)]), [MESI(36) + 7n, 0n, MESI(4)]);
    });

    it("rounds the fee down (creator's favour)", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      await viem.assertions.emitWithArgs(
        s.vault.write.tip([addr(s.creator), 19_999n, 0, zeroHash, zeroHash], { account: s.fan.account }),
        s.vault,
        "Tipped",
        [addr(s.creator), addr(s.fan), 19_999n, 1_999n, 0, zeroHash, zeroHash],
      );
      assert.deepEqual(await s.vault.read.earningsOf([addr(s.creator)]), [18_000n, 0n, 1_999n]);
    });

    it("has no upper limit: tips almost the whole supply", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      const whale = s.admin;
      const amount = await s.mesi.read.balanceOf([addr(whale)]);
      assert.ok(amount > TOTAL_SUPPLY - MESI(20_000_000));
      await s.wait(s.mesi.write.approve([s.vault.address, amount]));
      await viem.assertions.emitWithArgs(
        s.vault.write.tip([addr(s.creator), amount, 0, zeroHash, zeroHash]),
        s.vault,
        "Tipped",
        [addr(s.creator), addr(whale), amount, feeOf(amount), 0, zeroHash, zeroHash],
      );
      assert.deepEqual(await s.vault.read.earningsOf([addr(s.creator)]), [amount - feeOf(amount), 0n, feeOf(amount)]);
      await s.wait(s.vault.write.claim([addr(s.creator)], { account: s.creator.account }));
      assert.equal(await s.mesi.read.balanceOf([addr(s.creator)]), amount - feeOf(amount));
    });

    it("reverts SafeCastOverflowedUintDowncast for amounts of 2^128 and more (beyond any $MESI balance)", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      await viem.assertions.revertWithCustomErrorWithArgs(
        s.vault.write.tip([addr(s.creator), 2n ** 128n, 0, zeroHash, zeroHash], { account: s.fan.account }),
        s.vault,
        "SafeCastOverflowedUintDowncast",
        [128, 2n ** 128n],
      );
    });

    it("reverts with the token's ERC20InsufficientAllowance without an allowance", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      await s.wait(s.mesi.write.approve([s.vault.address, 0n], { account: s.fan.account }));
      await viem.assertions.revertWithCustomErrorWithArgs(
        s.vault.write.tip([addr(s.creator), 5n, 0, zeroHash, zeroHash], { account: s.fan.account }),
        s.mesi,
        "ERC20InsufficientAllowance",
        [s.vault.address, 0n, 5n],
      );
    });

    it("rejects an out-of-range channel at decoding", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      await viem.assertions.revert(
        s.fan.writeContract({
          address: s.vault.address,
          abi: s.vault.abi,
          functionName: "tip",
          args: [addr(s.creator), 5n, 4 as never, zeroHash, zeroHash],
        }),
      );
    });
  });

  for (const [name, pay] of Object.entries(tipPaths)) {
    describe(`${name}: shared requirements`, () => {
      it("reverts Vault_AmountZero for 0", async () => {
        const s = await networkHelpers.loadFixture(deploy);
        await viem.assertions.revertWithCustomError(pay(s, s.fan, addr(s.creator), 0n), s.vault, "Vault_AmountZero");
      });

      it("reverts Vault_InvalidCreator for the zero address and for the vault itself", async () => {
        const s = await networkHelpers.loadFixture(deploy);
        await viem.assertions.revertWithCustomErrorWithArgs(
          pay(s, s.fan, zeroAddress, 1n),
          s.vault,
          "Vault_InvalidCreator",
          [zeroAddress],
        );
        await viem.assertions.revertWithCustomErrorWithArgs(
          pay(s, s.fan, s.vault.address, 1n),
          s.vault,
          "Vault_InvalidCreator",
          [s.vault.address],
        );
      });

      it("reverts Vault_SelfPayment when the fan is the creator", async () => {
        const s = await networkHelpers.loadFixture(deploy);
        await viem.assertions.revertWithCustomErrorWithArgs(
          pay(s, s.fan, addr(s.fan), 1n),
          s.vault,
          "Vault_SelfPayment",
          [addr(s.fan)],
        );
      });

      it("reverts Vault_Blocked for a blocked fan and works again after unblocking", async () => {
        const s = await networkHelpers.loadFixture(deploy);
        await s.wait(s.vault.write.blockFan([addr(s.fan)], { account: s.creator.account }));
        await viem.assertions.revertWithCustomErrorWithArgs(
          pay(s, s.fan, addr(s.creator), 1n),
          s.vault,
          "Vault_Blocked",
          [addr(s.creator), addr(s.fan)],
        );
        // Another creator is unaffected.
        await s.wait(pay(s, s.fan, addr(s.creator2), 1n));
        await s.wait(s.vault.write.unblockFan([addr(s.fan)], { account: s.creator.account }));
        await s.wait(pay(s, s.fan, addr(s.creator), 1n));
        assert.equal((await s.vault.read.earningsOf([addr(s.creator)]))[0], 1n);
      });

      it("reverts Vault_Paused while paused and works after unpausing", async () => {
        const s = await networkHelpers.loadFixture(deploy);
        await s.wait(s.vault.write.pause({ account: s.pauser.account }));
        await viem.assertions.revertWithCustomError(pay(s, s.fan, addr(s.creator), 1n), s.vault, "Vault_Paused");
        await s.wait(s.vault.write.unpause({ account: s.pauser.account }));
        await s.wait(pay(s, s.fan, addr(s.creator), MESI(1)));
        assert.equal((await s.vault.read.earningsOf([addr(s.creator)]))[0], MESI("0.9"));
      });
    });
  }

  describe("tipWithPermit", () => {
    it("applies the permit and tips in one transaction", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      await s.wait(s.mesi.write.approve([s.vault.address, 0n], { account: s.fan.account }));
      const deadline = BigInt(await time.latest()) + 600n;
      const permit = await signPermit(s.fan, s.mesi, "Mesi", s.vault.address, MESI(40), deadline);
      await viem.assertions.emitWithArgs(
        s.vault.write.tipWithPermit([addr(s.creator), MESI(40), Channel.Messenger, zeroHash, MEMO, permit], {
          account: s.fan.account,
        }),
        s.vault,
        "Tipped",
        [addr(s.creator), addr(s.fan), MESI(40), MESI(4), Channel.Messenger, zeroHash, MEMO],
      );
      assert.equal(await s.mesi.read.allowance([addr(s.fan), s.vault.address]), 0n);
      assert.equal(await s.mesi.read.nonces([addr(s.fan)]), 1n);
    });

    it("tolerates a front-run permit: goes on with the allowance already in place", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      await s.wait(s.mesi.write.approve([s.vault.address, 0n], { account: s.fan.account }));
      const deadline = BigInt(await time.latest()) + 600n;
      const permit = await signPermit(s.fan, s.mesi, "Mesi", s.vault.address, MESI(40), deadline);
      // An observer submits the fan's permit first.
      await s.wait(
        s.mesi.write.permit(
          [addr(s.fan), s.vault.address, permit.value, permit.deadline, permit.v, permit.r, permit.s],
          {
            account: s.outsider.account,
          },
        ),
      );
      await viem.assertions.emit(
        s.vault.write.tipWithPermit([addr(s.creator), MESI(40), 0, zeroHash, MEMO, permit], { account: s.fan.account }),
        s.vault,
        "Tipped",
      );
      assert.deepEqual(await s.vault.read.earningsOf([addr(s.creator)]), [MESI(36), 0n, MESI(4)]);
    });

    it("reverts ERC20InsufficientAllowance when the permit fails and no allowance is in place", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      await s.wait(s.mesi.write.approve([s.vault.address, 0n], { account: s.fan.account }));
      const deadline = BigInt(await time.latest()) + 600n;
      // Signed by the wrong key: the permit call fails inside the try/catch.
      const bad = await signPermit(s.fan2, s.mesi, "Mesi", s.vault.address, MESI(40), deadline);
      await viem.assertions.revertWithCustomErrorWithArgs(
        s.vault.write.tipWithPermit([addr(s.creator), MESI(40), 0, zeroHash, MEMO, bad], { account: s.fan.account }),
        s.mesi,
        "ERC20InsufficientAllowance",
        [s.vault.address, 0n, MESI(40)],
      );
    });
  });

  describe("tipBySig", () => {
    it("credits a fan's signed tip submitted by anyone, uses the nonce and emits Tipped", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      const auth = await authFor(s);
      const signature = await signTip(s.fan, s.vault.address, auth);
      await viem.assertions.emitWithArgs(
        s.vault.write.tipBySig([auth, signature, NO_PERMIT], { account: s.outsider.account }),
        s.vault,
        "Tipped",
        [addr(s.creator), addr(s.fan), MESI(25), MESI("2.5"), Channel.Stream, STREAM_ID, MEMO],
      );
      assert.equal(await s.vault.read.nonces([addr(s.fan)]), 1n);
      assert.equal(await s.mesi.read.balanceOf([addr(s.fan)]), FAN_BALANCE - MESI(25));
    });

    it("digest matches EIP-712 (domain MesiVault/1)", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      const auth = await authFor(s);
      const expected = hashTypedData({
        domain: {
          name: "MesiVault",
          version: "1",
          chainId: await s.publicClient.getChainId(),
          verifyingContract: s.vault.address,
        },
        types: TIP_AUTHORIZATION_TYPES,
        primaryType: "TipAuthorization",
        message: auth,
      });
      assert.equal(await s.vault.read.tipAuthorizationDigest([auth]), expected);
      const [, name, version] = await s.vault.read.eip712Domain();
      assert.equal(name, "MesiVault");
      assert.equal(version, "1");
    });

    it("reverts InvalidAccountNonce on replay and for a future nonce", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      const auth = await authFor(s);
      const signature = await signTip(s.fan, s.vault.address, auth);
      await s.wait(s.vault.write.tipBySig([auth, signature, NO_PERMIT], { account: s.outsider.account }));
      await viem.assertions.revertWithCustomErrorWithArgs(
        s.vault.write.tipBySig([auth, signature, NO_PERMIT], { account: s.outsider.account }),
        s.vault,
        "InvalidAccountNonce",
        [addr(s.fan), 1n],
      );
      const future = await authFor(s, { nonce: 5n });
      await viem.assertions.revertWithCustomErrorWithArgs(
        s.vault.write.tipBySig([future, await signTip(s.fan, s.vault.address, future), NO_PERMIT]),
        s.vault,
        "InvalidAccountNonce",
        [addr(s.fan), 1n],
      );
    });

    it("reverts Vault_SignatureExpired after the deadline; the deadline itself is fine", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      const deadline = BigInt(await time.latest()) + 100n;
      const auth = await authFor(s, { deadline });
      const signature = await signTip(s.fan, s.vault.address, auth);
      await time.setNextBlockTimestamp(deadline + 1n);
      await viem.assertions.revertWithCustomErrorWithArgs(
        s.vault.write.tipBySig([auth, signature, NO_PERMIT]),
        s.vault,
        "Vault_SignatureExpired",
        [deadline, deadline + 1n],
      );
      const s2 = await networkHelpers.loadFixture(deploy);
      const auth2 = await authFor(s2, { deadline: BigInt(await time.latest()) + 100n });
      await time.setNextBlockTimestamp(auth2.deadline);
      await s2.wait(s2.vault.write.tipBySig([auth2, await signTip(s2.fan, s2.vault.address, auth2), NO_PERMIT]));
      assert.equal(await s2.vault.read.nonces([addr(s2.fan)]), 1n);
    });

    it("reverts Vault_InvalidSignature for another signer or a tampered field", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      const auth = await authFor(s);
      const byOther = await signTip(s.fan2, s.vault.address, auth);
      await viem.assertions.revertWithCustomErrorWithArgs(
        s.vault.write.tipBySig([auth, byOther, NO_PERMIT]),
        s.vault,
        "Vault_InvalidSignature",
        [addr(s.fan)],
      );
      const signature = await signTip(s.fan, s.vault.address, auth);
      for (const tampered of [
        { ...auth, amount: auth.amount + 1n },
        { ...auth, creator: addr(s.creator2) },
        { ...auth, channel: Channel.Profile },
        { ...auth, memoHash: zeroHash },
        { ...auth, deadline: auth.deadline + 1n },
      ]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          s.vault.write.tipBySig([tampered, signature, NO_PERMIT]),
          s.vault,
          "Vault_InvalidSignature",
          [addr(s.fan)],
        );
      }
      await viem.assertions.revertWithCustomErrorWithArgs(
        s.vault.write.tipBySig([auth, "0x1234", NO_PERMIT]),
        s.vault,
        "Vault_InvalidSignature",
        [addr(s.fan)],
      );
    });

    it("applies the fan's permit in the same transaction (gasless first tip)", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      await s.wait(s.mesi.write.approve([s.vault.address, 0n], { account: s.fan.account }));
      const auth = await authFor(s);
      const permit = await signPermit(s.fan, s.mesi, "Mesi", s.vault.address, maxUint256, auth.deadline);
      await s.wait(
        s.vault.write.tipBySig([auth, await signTip(s.fan, s.vault.address, auth), permit], {
          account: s.outsider.account,
        }),
      );
      assert.equal(await s.mesi.read.allowance([addr(s.fan), s.vault.address]), maxUint256);
      assert.deepEqual(await s.vault.read.earningsOf([addr(s.creator)]), [MESI("22.5"), 0n, MESI("2.5")]);
    });

    it("tolerates a front-run permit in a signed tip", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      await s.wait(s.mesi.write.approve([s.vault.address, 0n], { account: s.fan.account }));
      const auth = await authFor(s);
      const permit = await signPermit(s.fan, s.mesi, "Mesi", s.vault.address, MESI(25), auth.deadline);
      await s.wait(
        s.mesi.write.permit([
          addr(s.fan),
          s.vault.address,
          permit.value,
          permit.deadline,
          permit.v,
          permit.r,
          permit.s,
        ]),
      );
      await s.wait(s.vault.write.tipBySig([auth, await signTip(s.fan, s.vault.address, auth), permit]));
      assert.equal((await s.vault.read.earningsOf([addr(s.creator)]))[0], MESI("22.5"));
    });

    it("accepts an ERC-1271 contract wallet as the fan", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      const wallet = await viem.deployContract("ERC1271Wallet", [addr(s.fan2)]);
      await s.wait(s.mesi.write.transfer([wallet.address, MESI(100)]));
      await s.wait(wallet.write.approve([s.mesi.address, s.vault.address, MESI(100)], { account: s.fan2.account }));
      const auth = await authFor(s, { fan: wallet.address, nonce: 0n });
      await viem.assertions.emitWithArgs(
        s.vault.write.tipBySig([auth, await signTip(s.fan2, s.vault.address, auth), NO_PERMIT]),
        s.vault,
        "Tipped",
        [addr(s.creator), wallet.address, MESI(25), MESI("2.5"), Channel.Stream, STREAM_ID, MEMO],
      );
      const next = await authFor(s, { fan: wallet.address, nonce: 1n });
      await viem.assertions.revertWithCustomErrorWithArgs(
        s.vault.write.tipBySig([next, await signTip(s.fan, s.vault.address, next), NO_PERMIT]),
        s.vault,
        "Vault_InvalidSignature",
        [wallet.address],
      );
    });

    it("checks the signature before the nonce: a wrong nonce under a bad signature reverts Vault_InvalidSignature", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      // Both checks fail here, so the error names the one that runs first (the nonce check would say
      // InvalidAccountNonce(fan, 0)): nobody learns a fan's nonce from a signature that is not the fan's.
      const stale = await authFor(s, { nonce: 7n });
      await viem.assertions.revertWithCustomErrorWithArgs(
        s.vault.write.tipBySig([stale, await signTip(s.fan2, s.vault.address, stale), NO_PERMIT]),
        s.vault,
        "Vault_InvalidSignature",
        [addr(s.fan)],
      );
      // The fan's own signature on the same wrong nonce: now only the nonce check fails.
      await viem.assertions.revertWithCustomErrorWithArgs(
        s.vault.write.tipBySig([stale, await signTip(s.fan, s.vault.address, stale), NO_PERMIT]),
        s.vault,
        "InvalidAccountNonce",
        [addr(s.fan), 0n],
      );
    });
  });
});
