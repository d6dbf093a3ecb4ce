import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { network } from "hardhat";
import { getAddress, zeroAddress, zeroHash, type Hex } from "viem";

import { addr, deployVault, FLOAT, MESI, type VaultSystem } from "./fixture.ts";

describe("MesiVault claims, fees, float and blocks", async () => {
  const connection = await network.create();
  const { viem, networkHelpers } = connection;
  const deploy = () => deployVault(connection);

  const tip = (s: VaultSystem, creator = s.creator, amount = MESI(100), fan = s.fan) =>
    s.wait(s.vault.write.tip([addr(creator), amount, 0, zeroHash, zeroHash], { account: fan.account }));

  describe("claim", () => {
    it("pays all cleared earnings to `to`, sweeps fees owed to the pool and emits Claimed", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      await tip(s);
      await tip(s, s.creator, MESI(50), s.fan2);
      await viem.assertions.emitWithArgs(
        s.vault.write.claim([addr(s.outsider)], { account: s.creator.account }),
        s.vault,
        "Claimed",
        [addr(s.creator), addr(s.outsider), MESI(135), MESI(15)],
      );
      assert.equal(await s.mesi.read.balanceOf([addr(s.outsider)]), MESI(135));
      assert.deepEqual(await s.vault.read.earningsOf([addr(s.creator)]), [0n, 0n, 0n]);
      assert.equal(await s.vault.read.feePool(), MESI(15));
      // The call returns the amount.
      await tip(s);
      const { result } = await s.vault.simulate.claim([addr(s.creator)], { account: addr(s.creator) });
      assert.equal(result, MESI(90));
    });

    it("keeps pending (held) earnings out of the claim", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      await tip(s);
      await s.wait(
        s.vault.write.credit(
          [
            {
              paymentRef: `0x${"11".repeat(32)}`,
              fan: addr(s.fan),
              creator: addr(s.creator),
              amount: MESI(30),
              source: 2,
              channel: 0,
              channelRef: zeroHash,
            },
          ],
          { account: s.relayer.account },
        ),
      );
      await s.wait(s.vault.write.claim([addr(s.creator)], { account: s.creator.account }));
      assert.deepEqual(await s.vault.read.earningsOf([addr(s.creator)]), [0n, MESI(30), 0n]);
    });

    it("reverts Vault_NothingToClaim with no cleared earnings (even with fees owed)", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      await viem.assertions.revertWithCustomErrorWithArgs(
        s.vault.write.claim([addr(s.creator)], { account: s.creator.account }),
        s.vault,
        "Vault_NothingToClaim",
        [addr(s.creator)],
      );
      await tip(s);
      await s.wait(s.vault.write.claim([addr(s.creator)], { account: s.creator.account }));
      await viem.assertions.revertWithCustomErrorWithArgs(
        s.vault.write.claim([addr(s.creator)], { account: s.creator.account }),
        s.vault,
        "Vault_NothingToClaim",
        [addr(s.creator)],
      );
    });

    it("reverts Vault_InvalidRecipient for the zero address and the vault", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      await tip(s);
      for (const to of [zeroAddress, s.vault.address]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          s.vault.write.claim([to], { account: s.creator.account }),
          s.vault,
          "Vault_InvalidRecipient",
          [to],
        );
      }
    });

    it("with a zero fee, claims without touching the pool", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      await s.wait(s.vault.write.setFeeBps([0n]));
      await tip(s);
      await viem.assertions.emitWithArgs(
        s.vault.write.claim([addr(s.creator)], { account: s.creator.account }),
        s.vault,
        "Claimed",
        [addr(s.creator), addr(s.creator), MESI(100), 0n],
      );
      assert.equal(await s.vault.read.feePool(), 0n);
    });
  });

  describe("openLedger and openAccount", () => {
    const gasOf = async (s: VaultSystem, hash: Promise<Hex>) => (await s.wait(hash)).gasUsed;

    it("openLedger opens an account (module only), once: idempotent, one AccountOpened, no amount changed", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      const who = addr(s.outsider);
      assert.equal(await s.vault.read.isLedgerOpen([who]), false);
      await viem.assertions.emitWithArgs(
        s.vault.write.openLedger([who], { account: s.module.account }),
        s.vault,
        "AccountOpened",
        [who],
      );
      const again = await s.wait(s.vault.write.openLedger([who], { account: s.module.account }));
      assert.equal(again.logs.length, 0);
      assert.equal(await s.vault.read.isLedgerOpen([who]), true);
      assert.deepEqual(await s.vault.read.earningsOf([who]), [0n, 0n, 0n]);
      assert.equal(await s.vault.read.isLedgerOpen([addr(s.fan)]), false);
    });

    it("reverts Vault_InvalidCreator for the zero address and the vault", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      for (const creator of [zeroAddress, s.vault.address]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          s.vault.write.openLedger([creator], { account: s.module.account }),
          s.vault,
          "Vault_InvalidCreator",
          [getAddress(creator)],
        );
      }
    });

    it("refuses a tip to an address without an account (Vault_NoAccount) until it opens one itself", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      const before = await s.mesi.read.balanceOf([s.vault.address]);
      await viem.assertions.revertWithCustomErrorWithArgs(
        s.vault.write.tip([addr(s.fan2), MESI(1), 0, zeroHash, zeroHash], { account: s.fan.account }),
        s.vault,
        "Vault_NoAccount",
        [addr(s.fan2)],
      );
      assert.equal(await s.mesi.read.balanceOf([s.vault.address]), before);
      await viem.assertions.emitWithArgs(
        s.vault.write.openAccount({ account: s.fan2.account }),
        s.vault,
        "AccountOpened",
        [addr(s.fan2)],
      );
      await tip(s, s.fan2, MESI(10));
      assert.deepEqual(await s.vault.read.earningsOf([addr(s.fan2)]), [MESI(9), 0n, MESI(1)]);
    });

    it("survives claims, so income after a claim is written to a non-zero word", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      await tip(s);
      await s.wait(s.vault.write.claim([addr(s.creator)], { account: s.creator.account }));
      assert.deepEqual(await s.vault.read.earningsOf([addr(s.creator)]), [0n, 0n, 0n]);
      assert.equal(await s.vault.read.isLedgerOpen([addr(s.creator)]), true);
      const gas = await gasOf(
        s,
        s.vault.write.tip([addr(s.creator), MESI(1), 0, zeroHash, zeroHash], { account: s.fan.account }),
      );
      // A write to a zero word would cost ~17,000 more (over 69,000, instrumented or not).
      assert.ok(gas < 66_000n, `tip after a claim costs ${gas}`);
      assert.deepEqual(await s.vault.read.earningsOf([addr(s.creator)]), [MESI("0.9"), 0n, MESI("0.1")]);
    });
  });

  describe("sweepFees and withdrawFees", () => {
    it("moves fees owed into the pool for the listed creators, skipping those with none", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      await tip(s, s.creator, MESI(100));
      await tip(s, s.creator2, MESI(20));
      const hash = s.vault.write.sweepFees([[addr(s.creator), addr(s.outsider), addr(s.creator2)]], {
        account: s.outsider.account,
      });
      await viem.assertions.emitWithArgs(hash, s.vault, "FeesSwept", [addr(s.creator), MESI(10)]);
      assert.equal(await s.vault.read.feePool(), MESI(12));
      assert.deepEqual(await s.vault.read.earningsOf([addr(s.creator)]), [MESI(90), 0n, 0n]);
      assert.deepEqual(await s.vault.read.earningsOf([addr(s.creator2)]), [MESI(18), 0n, 0n]);
      // A sweep of nothing changes nothing.
      await s.wait(s.vault.write.sweepFees([[addr(s.creator)]]));
      assert.equal(await s.vault.read.feePool(), MESI(12));
    });

    it("reverts Vault_BatchEmpty for an empty list", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      await viem.assertions.revertWithCustomError(s.vault.write.sweepFees([[]]), s.vault, "Vault_BatchEmpty");
    });

    it("pays the pool to the treasury (anyone may call) and returns 0 when empty", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      assert.equal((await s.vault.simulate.withdrawFees()).result, 0n);
      const empty = await s.wait(s.vault.write.withdrawFees({ account: s.outsider.account }));
      assert.equal(empty.logs.length, 0);
      await tip(s);
      await s.wait(s.vault.write.sweepFees([[addr(s.creator)]]));
      await viem.assertions.emitWithArgs(
        s.vault.write.withdrawFees({ account: s.outsider.account }),
        s.vault,
        "FeesWithdrawn",
        [addr(s.treasury), MESI(10)],
      );
      assert.equal(await s.mesi.read.balanceOf([addr(s.treasury)]), MESI(10));
      assert.equal(await s.vault.read.feePool(), 0n);
      // The pool fills again after being emptied.
      await tip(s);
      await s.wait(s.vault.write.claim([addr(s.creator)], { account: s.creator.account }));
      assert.equal(await s.vault.read.feePool(), MESI(10));
    });

    it("pays the treasury in force at withdrawal", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      await tip(s);
      await s.wait(s.vault.write.sweepFees([[addr(s.creator)]]));
      await s.wait(s.vault.write.setTreasury([addr(s.outsider)]));
      await s.wait(s.vault.write.withdrawFees());
      assert.equal(await s.mesi.read.balanceOf([addr(s.outsider)]), MESI(10));
    });
  });

  describe("float", () => {
    it("fundFloat adds the caller's $MESI (anyone) and emits FloatFunded", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      await viem.assertions.emitWithArgs(
        s.vault.write.fundFloat([MESI(5)], { account: s.fan.account }),
        s.vault,
        "FloatFunded",
        [addr(s.fan), MESI(5)],
      );
      assert.equal(await s.vault.read.floatBalance(), FLOAT + MESI(5));
      await viem.assertions.revertWithCustomError(s.vault.write.fundFloat([0n]), s.vault, "Vault_AmountZero");
    });

    it("withdrawFloat pays out of the float and emits FloatWithdrawn", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      await viem.assertions.emitWithArgs(
        s.vault.write.withdrawFloat([addr(s.treasury), MESI(7)]),
        s.vault,
        "FloatWithdrawn",
        [addr(s.treasury), MESI(7)],
      );
      assert.equal(await s.vault.read.floatBalance(), FLOAT - MESI(7));
      assert.equal(await s.mesi.read.balanceOf([addr(s.treasury)]), MESI(7));
    });

    it("withdrawFloat cannot touch creators' earnings: Vault_FloatInsufficient, and checks its arguments", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      await tip(s);
      await viem.assertions.revertWithCustomErrorWithArgs(
        s.vault.write.withdrawFloat([addr(s.treasury), FLOAT + 1n]),
        s.vault,
        "Vault_FloatInsufficient",
        [FLOAT + 1n, FLOAT],
      );
      await viem.assertions.revertWithCustomError(
        s.vault.write.withdrawFloat([addr(s.treasury), 0n]),
        s.vault,
        "Vault_AmountZero",
      );
      for (const to of [zeroAddress, s.vault.address]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          s.vault.write.withdrawFloat([to, 1n]),
          s.vault,
          "Vault_InvalidRecipient",
          [to],
        );
      }
    });
  });

  describe("blocks", () => {
    it("blockFan / unblockFan set the flag and emit FanBlocked / FanUnblocked", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      await viem.assertions.emitWithArgs(
        s.vault.write.blockFan([addr(s.fan)], { account: s.creator.account }),
        s.vault,
        "FanBlocked",
        [addr(s.creator), addr(s.fan)],
      );
      assert.equal(await s.vault.read.isBlocked([addr(s.creator), addr(s.fan)]), true);
      assert.equal(await s.vault.read.isBlocked([addr(s.creator2), addr(s.fan)]), false);
      await viem.assertions.emitWithArgs(
        s.vault.write.unblockFan([addr(s.fan)], { account: s.creator.account }),
        s.vault,
        "FanUnblocked",
        [addr(s.creator), addr(s.fan)],
      );
      assert.equal(await s.vault.read.isBlocked([addr(s.creator), addr(s.fan)]), false);
    });

    it("reverts Vault_AlreadyBlocked, Vault_NotBlocked and Vault_ZeroAddress", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      await s.wait(s.vault.write.blockFan([addr(s.fan)], { account: s.creator.account }));
      await viem.assertions.revertWithCustomErrorWithArgs(
        s.vault.write.blockFan([addr(s.fan)], { account: s.creator.account }),
        s.vault,
        "Vault_AlreadyBlocked",
        [addr(s.creator), addr(s.fan)],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        s.vault.write.unblockFan([addr(s.fan2)], { account: s.creator.account }),
        s.vault,
        "Vault_NotBlocked",
        [addr(s.creator), addr(s.fan2)],
      );
      await viem.assertions.revertWithCustomError(
        s.vault.write.blockFan([zeroAddress], { account: s.creator.account }),
        s.vault,
        "Vault_ZeroAddress",
      );
    });

    it("a block does not freeze earnings already made: the creator still claims", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      await tip(s);
      await s.wait(s.vault.write.blockFan([addr(s.fan)], { account: s.creator.account }));
      await s.wait(s.vault.write.claim([addr(s.creator)], { account: s.creator.account }));
      assert.equal(await s.mesi.read.balanceOf([addr(s.creator)]), MESI(90));
    });
  });
});
