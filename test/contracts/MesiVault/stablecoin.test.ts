import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { network } from "hardhat";
import { encodeAbiParameters, keccak256, toHex, zeroAddress, zeroHash, type Address, type Hex } from "viem";

import { addr, Channel, deployVault, FAN_USDC, FLOAT, MESI, sign3009, USDC, type VaultSystem } from "./fixture.ts";

const MEMO = keccak256(toHex("from USDC"));
const LINK_ID = keccak256(toHex("tip-link-7"));

interface StableAuth {
  fan: Address;
  stablecoin: Address;
  creator: Address;
  stableAmount: bigint;
  minMesiOut: bigint;
  channel: number;
  channelRef: Hex;
  memoHash: Hex;
  validAfter: bigint;
  validBefore: bigint;
  salt: Hex;
}

const tipNonce = (a: StableAuth) =>
  keccak256(
    encodeAbiParameters(
      [
        { type: "address" },
        { type: "uint256" },
        { type: "uint8" },
        { type: "bytes32" },
        { type: "bytes32" },
        { type: "bytes32" },
      ],
      [a.creator, a.minMesiOut, a.channel, a.channelRef, a.memoHash, a.salt],
    ),
  );

describe("MesiVault stablecoin tips", async () => {
  const connection = await network.create();
  const { viem, networkHelpers } = connection;
  const { time } = networkHelpers;
  const deploy = () => deployVault(connection);

  async function stableAuth(s: VaultSystem, overrides: Partial<StableAuth> = {}): Promise<StableAuth> {
    return {
      fan: addr(s.fan),
      stablecoin: s.usdc.address,
      creator: addr(s.creator),
      stableAmount: USDC(3),
      minMesiOut: MESI(300),
      channel: Channel.TipLink,
      channelRef: LINK_ID,
      memoHash: MEMO,
      validAfter: 0n,
      validBefore: BigInt(await time.latest()) + 3600n,
      salt: keccak256(toHex("salt-1")),
      ...overrides,
    };
  }

  async function signStable(s: VaultSystem, auth: StableAuth, signer = s.fan) {
    return sign3009(signer, auth.stablecoin, "ReceiveWithAuthorization", {
      from: auth.fan,
      to: s.vault.address,
      value: auth.stableAmount,
      validAfter: auth.validAfter,
      validBefore: auth.validBefore,
      nonce: tipNonce(auth),
    });
  }

  const stablePaths = {
    tipWithStablecoin: (s: VaultSystem, fan: VaultSystem["fan"], creator: Address, stableAmount: bigint, min = 0n) =>
      s.vault.write.tipWithStablecoin([s.usdc.address, creator, stableAmount, min, 0, zeroHash, zeroHash], {
        account: fan.account,
      }),
    tipWithStablecoinAuthorization: async (
      s: VaultSystem,
      fan: VaultSystem["fan"],
      creator: Address,
      stableAmount: bigint,
      min = 0n,
    ) => {
      const auth = await stableAuth(s, { fan: addr(fan), creator, stableAmount, minMesiOut: min });
      const { v, r, s: sig } = await signStable(s, auth, fan);
      return s.vault.write.tipWithStablecoinAuthorization([auth, v, r, sig], { account: s.outsider.account });
    },
    collectStablecoinAndCredit: (
      s: VaultSystem,
      fan: VaultSystem["fan"],
      creator: Address,
      stableAmount: bigint,
      min = 0n,
    ) =>
      s.vault.write.collectStablecoinAndCredit([addr(fan), s.usdc.address, stableAmount, min, creator], {
        account: s.module.account,
      }),
  } as const;

  for (const [name, pay] of Object.entries(stablePaths)) {
    describe(`${name}: shared requirements`, () => {
      it("takes the quote from the float, credits it net of the fee and keeps the stablecoin", async () => {
        const s = await networkHelpers.loadFixture(deploy);
        await s.wait(pay(s, s.fan, addr(s.creator), USDC(2), MESI(200)));
        assert.deepEqual(await s.vault.read.earningsOf([addr(s.creator)]), [MESI(180), 0n, MESI(20)]);
        assert.equal(await s.vault.read.floatBalance(), FLOAT - MESI(200));
        assert.equal(await s.usdc.read.balanceOf([s.vault.address]), USDC(2));
        assert.equal(await s.usdc.read.balanceOf([addr(s.fan)]), FAN_USDC - USDC(2));
      });

      it("reverts Vault_SlippageExceeded below minMesiOut", async () => {
        const s = await networkHelpers.loadFixture(deploy);
        await viem.assertions.revertWithCustomErrorWithArgs(
          pay(s, s.fan, addr(s.creator), USDC(2), MESI(200) + 1n),
          s.vault,
          "Vault_SlippageExceeded",
          [MESI(200), MESI(200) + 1n],
        );
      });

      it("reverts Vault_FloatInsufficient when the float is short", async () => {
        const s = await networkHelpers.loadFixture(deploy);
        await s.wait(s.vault.write.withdrawFloat([addr(s.admin), FLOAT - MESI(100)]));
        await viem.assertions.revertWithCustomErrorWithArgs(
          pay(s, s.fan, addr(s.creator), USDC(2)),
          s.vault,
          "Vault_FloatInsufficient",
          [MESI(200), MESI(100)],
        );
      });

      it("reverts the converter's Converter_NotListed for a delisted stablecoin", async () => {
        const s = await networkHelpers.loadFixture(deploy);
        await s.wait(s.converter.write.delist([s.usdc.address]));
        await viem.assertions.revertWithCustomErrorWithArgs(
          pay(s, s.fan, addr(s.creator), USDC(2)),
          s.converter,
          "Converter_NotListed",
          [s.usdc.address],
        );
      });

      it("reverts Vault_AmountZero for a zero amount", async () => {
        const s = await networkHelpers.loadFixture(deploy);
        await viem.assertions.revertWithCustomError(pay(s, s.fan, addr(s.creator), 0n), s.vault, "Vault_AmountZero");
      });

      it("reverts Vault_InvalidCreator, Vault_SelfPayment, Vault_Blocked and Vault_Paused", async () => {
        const s = await networkHelpers.loadFixture(deploy);
        await viem.assertions.revertWithCustomErrorWithArgs(
          pay(s, s.fan, zeroAddress, USDC(1)),
          s.vault,
          "Vault_InvalidCreator",
          [zeroAddress],
        );
        await viem.assertions.revertWithCustomErrorWithArgs(
          pay(s, s.fan, addr(s.fan), USDC(1)),
          s.vault,
          "Vault_SelfPayment",
          [addr(s.fan)],
        );
        await s.wait(s.vault.write.blockFan([addr(s.fan)], { account: s.creator.account }));
        await viem.assertions.revertWithCustomErrorWithArgs(
          pay(s, s.fan, addr(s.creator), USDC(1)),
          s.vault,
          "Vault_Blocked",
          [addr(s.creator), addr(s.fan)],
        );
        await s.wait(s.vault.write.pause({ account: s.pauser.account }));
        await viem.assertions.revertWithCustomError(pay(s, s.fan2, addr(s.creator), USDC(1)), s.vault, "Vault_Paused");
      });
    });
  }

  describe("tipWithStablecoin", () => {
    it("emits StablecoinTipped with the converted amount", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      await viem.assertions.emitWithArgs(
        s.vault.write.tipWithStablecoin(
          [s.usdc.address, addr(s.creator), USDC("1.5"), MESI(150), Channel.Stream, LINK_ID, MEMO],
          { account: s.fan.account },
        ),
        s.vault,
        "StablecoinTipped",
        [addr(s.creator), addr(s.fan), s.usdc.address, USDC("1.5"), MESI(150), MESI(15), Channel.Stream, LINK_ID, MEMO],
      );
    });

    it("reverts Vault_AmountZero when the quote rounds to zero", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      const dust = await viem.deployContract("TestUSDC");
      await s.wait(s.converter.write.scheduleListing([dust.address, 1n]));
      await s.wait(s.converter.write.setRate([dust.address, 1n]));
      await s.wait(dust.write.mint([addr(s.fan), 10n ** 17n]));
      await s.wait(dust.write.approve([s.vault.address, 10n ** 17n], { account: s.fan.account }));
      await viem.assertions.revertWithCustomError(
        s.vault.write.tipWithStablecoin([dust.address, addr(s.creator), 10n ** 17n, 0n, 0, zeroHash, zeroHash], {
          account: s.fan.account,
        }),
        s.vault,
        "Vault_AmountZero",
      );
    });

    it("refuses $MESI as a stablecoin even if the converter lists it", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      await s.wait(s.converter.write.scheduleListing([s.mesi.address, 10n ** 18n]));
      await s.wait(s.converter.write.setRate([s.mesi.address, 10n ** 18n]));
      await viem.assertions.revertWithCustomErrorWithArgs(
        s.vault.write.tipWithStablecoin([s.mesi.address, addr(s.creator), MESI(1), 0n, 0, zeroHash, zeroHash], {
          account: s.fan.account,
        }),
        s.vault,
        "Vault_InvalidSource",
        [1],
      );
    });

    it("reverts the stablecoin's ERC20InsufficientAllowance without an allowance", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      await s.wait(s.usdc.write.approve([s.vault.address, 0n], { account: s.fan.account }));
      await viem.assertions.revertWithCustomErrorWithArgs(
        s.vault.write.tipWithStablecoin([s.usdc.address, addr(s.creator), USDC(1), 0n, 0, zeroHash, zeroHash], {
          account: s.fan.account,
        }),
        s.usdc,
        "ERC20InsufficientAllowance",
        [s.vault.address, 0n, USDC(1)],
      );
    });
  });

  describe("tipWithStablecoinAuthorization (EIP-3009)", () => {
    it("pulls with receiveWithAuthorization, emits StablecoinTipped and uses the authorization", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      const auth = await stableAuth(s);
      assert.equal(await s.vault.read.stablecoinTipNonce([auth]), tipNonce(auth));
      const { v, r, s: sig } = await signStable(s, auth);
      const hash = s.vault.write.tipWithStablecoinAuthorization([auth, v, r, sig], { account: s.outsider.account });
      await viem.assertions.emitWithArgs(hash, s.vault, "StablecoinTipped", [
        addr(s.creator),
        addr(s.fan),
        s.usdc.address,
        USDC(3),
        MESI(300),
        MESI(30),
        Channel.TipLink,
        LINK_ID,
        MEMO,
      ]);
      assert.equal(await s.usdc.read.authorizationState([addr(s.fan), tipNonce(auth)]), true);
      assert.equal(await s.usdc.read.balanceOf([s.vault.address]), USDC(3));
    });

    it("cannot be replayed", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      const auth = await stableAuth(s);
      const { v, r, s: sig } = await signStable(s, auth);
      await s.wait(s.vault.write.tipWithStablecoinAuthorization([auth, v, r, sig]));
      await viem.assertions.revertWithCustomErrorWithArgs(
        s.vault.write.tipWithStablecoinAuthorization([auth, v, r, sig]),
        s.usdc,
        "ERC3009_AuthorizationUsed",
        [addr(s.fan), tipNonce(auth)],
      );
    });

    it("cannot be redirected: another creator, minimum, memo, channel or salt breaks the signature", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      const auth = await stableAuth(s);
      const { v, r, s: sig } = await signStable(s, auth);
      for (const changed of [
        { ...auth, creator: addr(s.creator2) },
        { ...auth, minMesiOut: 0n },
        { ...auth, memoHash: zeroHash },
        { ...auth, channel: Channel.Profile },
        { ...auth, channelRef: zeroHash },
        { ...auth, salt: zeroHash },
        { ...auth, stableAmount: USDC(4) },
      ]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          s.vault.write.tipWithStablecoinAuthorization([changed, v, r, sig]),
          s.usdc,
          "ERC3009_InvalidSignature",
          [addr(s.fan)],
        );
      }
      // Nobody but the vault (the payee) can submit the authorization to the token.
      await viem.assertions.revertWithCustomErrorWithArgs(
        s.usdc.write.receiveWithAuthorization(
          [
            addr(s.fan),
            s.vault.address,
            auth.stableAmount,
            auth.validAfter,
            auth.validBefore,
            tipNonce(auth),
            v,
            r,
            sig,
          ],
          { account: s.outsider.account },
        ),
        s.usdc,
        "ERC3009_CallerNotPayee",
        [addr(s.outsider), s.vault.address],
      );
      // Still usable as signed.
      await s.wait(s.vault.write.tipWithStablecoinAuthorization([auth, v, r, sig]));
    });

    it("respects validAfter and validBefore", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      const now = BigInt(await time.latest());
      const early = await stableAuth(s, { validAfter: now + 100n, validBefore: now + 200n });
      const e = await signStable(s, early);
      await time.setNextBlockTimestamp(now + 100n);
      await viem.assertions.revertWithCustomErrorWithArgs(
        s.vault.write.tipWithStablecoinAuthorization([early, e.v, e.r, e.s]),
        s.usdc,
        "ERC3009_AuthorizationNotYetValid",
        [now + 100n, now + 100n],
      );
      await time.setNextBlockTimestamp(now + 200n);
      await viem.assertions.revertWithCustomErrorWithArgs(
        s.vault.write.tipWithStablecoinAuthorization([early, e.v, e.r, e.s]),
        s.usdc,
        "ERC3009_AuthorizationExpired",
        [now + 200n, now + 200n],
      );
    });

    it("applies the vault's own checks before the token's (slippage with a valid signature)", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      const auth = await stableAuth(s, { minMesiOut: MESI(301) });
      const { v, r, s: sig } = await signStable(s, auth);
      await viem.assertions.revertWithCustomErrorWithArgs(
        s.vault.write.tipWithStablecoinAuthorization([auth, v, r, sig]),
        s.vault,
        "Vault_SlippageExceeded",
        [MESI(300), MESI(301)],
      );
    });
  });

  describe("withdrawStablecoin", () => {
    it("lets the admin withdraw reserves and emits StablecoinWithdrawn", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      await s.wait(stablePaths.tipWithStablecoin(s, s.fan, addr(s.creator), USDC(5)));
      await viem.assertions.emitWithArgs(
        s.vault.write.withdrawStablecoin([s.usdc.address, addr(s.treasury), USDC(4)]),
        s.vault,
        "StablecoinWithdrawn",
        [s.usdc.address, addr(s.treasury), USDC(4)],
      );
      assert.equal(await s.usdc.read.balanceOf([addr(s.treasury)]), USDC(4));
      assert.equal(await s.usdc.read.balanceOf([s.vault.address]), USDC(1));
    });

    it("reverts Vault_InsufficientReserve above the balance, and always for $MESI", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      await s.wait(stablePaths.tipWithStablecoin(s, s.fan, addr(s.creator), USDC(5)));
      await viem.assertions.revertWithCustomErrorWithArgs(
        s.vault.write.withdrawStablecoin([s.usdc.address, addr(s.treasury), USDC(5) + 1n]),
        s.vault,
        "Vault_InsufficientReserve",
        [s.usdc.address, USDC(5) + 1n, USDC(5)],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        s.vault.write.withdrawStablecoin([s.mesi.address, addr(s.treasury), 1n]),
        s.vault,
        "Vault_InsufficientReserve",
        [s.mesi.address, 1n, 0n],
      );
    });

    it("reverts Vault_InvalidRecipient and Vault_AmountZero", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      for (const to of [zeroAddress, s.vault.address]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          s.vault.write.withdrawStablecoin([s.usdc.address, to, 1n]),
          s.vault,
          "Vault_InvalidRecipient",
          [to],
        );
      }
      await viem.assertions.revertWithCustomError(
        s.vault.write.withdrawStablecoin([s.usdc.address, addr(s.treasury), 0n]),
        s.vault,
        "Vault_AmountZero",
      );
    });
  });
});
