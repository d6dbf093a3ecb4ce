import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { network } from "hardhat";
import { getAddress, zeroAddress } from "viem";

import {
  addr,
  deployVault,
  FAN_BALANCE,
  FEE_BPS,
  FLOAT,
  HOLD,
  MESI,
  ref,
  Source,
  Status,
  USDC,
  type VaultSystem,
} from "./fixture.ts";

describe("MesiVault modules", async () => {
  const connection = await network.create();
  const { viem, networkHelpers } = connection;
  const { time } = networkHelpers;
  const deploy = () => deployVault(connection);
  const asModule = (s: VaultSystem) => ({ account: s.module.account });
  const simulateAsModule = (s: VaultSystem) => ({ account: addr(s.module) });

  describe("collectAndCredit", () => {
    it("pulls from the fan, credits the creator net of the fee, returns the fee and emits ModuleCredited", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      const { result } = await s.vault.simulate.collectAndCredit(
        [addr(s.fan), addr(s.creator), MESI(50)],
        simulateAsModule(s),
      );
      assert.equal(result, MESI(5));
      await viem.assertions.emitWithArgs(
        s.vault.write.collectAndCredit([addr(s.fan), addr(s.creator), MESI(50)], asModule(s)),
        s.vault,
        "ModuleCredited",
        [addr(s.module), addr(s.creator), addr(s.fan), MESI(50), MESI(5)],
      );
      assert.deepEqual(await s.vault.read.earningsOf([addr(s.creator)]), [MESI(45), 0n, MESI(5)]);
      assert.equal(await s.mesi.read.balanceOf([addr(s.fan)]), FAN_BALANCE - MESI(50));
    });

    it("reverts Vault_AmountZero, Vault_InvalidCreator, Vault_SelfPayment, Vault_Blocked, Vault_Paused", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      const call = (fan: `0x${string}`, creator: `0x${string}`, amount: bigint) =>
        s.vault.write.collectAndCredit([fan, creator, amount], asModule(s));
      await viem.assertions.revertWithCustomError(call(addr(s.fan), addr(s.creator), 0n), s.vault, "Vault_AmountZero");
      await viem.assertions.revertWithCustomErrorWithArgs(
        call(addr(s.fan), zeroAddress, 1n),
        s.vault,
        "Vault_InvalidCreator",
        [zeroAddress],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        call(addr(s.fan), addr(s.fan), 1n),
        s.vault,
        "Vault_SelfPayment",
        [addr(s.fan)],
      );
      await s.wait(s.vault.write.blockFan([addr(s.fan)], { account: s.creator.account }));
      await viem.assertions.revertWithCustomErrorWithArgs(
        call(addr(s.fan), addr(s.creator), 1n),
        s.vault,
        "Vault_Blocked",
        [addr(s.creator), addr(s.fan)],
      );
      await s.wait(s.vault.write.pause({ account: s.pauser.account }));
      await viem.assertions.revertWithCustomError(call(addr(s.fan2), addr(s.creator), 1n), s.vault, "Vault_Paused");
    });
  });

  describe("collectStablecoinAndCredit", () => {
    it("returns (mesiAmount, fee) and emits ModuleStablecoinCredited", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      const args = [addr(s.fan), s.usdc.address, USDC(1), MESI(100), addr(s.creator)] as const;
      const { result } = await s.vault.simulate.collectStablecoinAndCredit(args, simulateAsModule(s));
      assert.deepEqual(result, [MESI(100), MESI(10)]);
      await viem.assertions.emitWithArgs(
        s.vault.write.collectStablecoinAndCredit(args, asModule(s)),
        s.vault,
        "ModuleStablecoinCredited",
        [addr(s.module), addr(s.creator), addr(s.fan), s.usdc.address, USDC(1), MESI(100), MESI(10)],
      );
      assert.equal(await s.vault.read.floatBalance(), FLOAT - MESI(100));
    });
  });

  describe("creditFromFloat", () => {
    it("credits a fiat module purchase as held, purpose 1, returning (0, clearsAt)", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      const now = BigInt(await time.latest()) + 5n;
      await time.setNextBlockTimestamp(now);
      await viem.assertions.emitWithArgs(
        s.vault.write.creditFromFloat([ref("tkt-1"), addr(s.fan), addr(s.creator), MESI(20), Source.Fiat], asModule(s)),
        s.vault,
        "Credited",
        [
          ref("tkt-1"),
          addr(s.creator),
          addr(s.fan),
          MESI(20),
          0n,
          Source.Fiat,
          0,
          `0x${"00".repeat(32)}`,
          1,
          now + HOLD,
        ],
      );
      assert.deepEqual(await s.vault.read.creditOf([ref("tkt-1")]), [
        Status.Held,
        addr(s.creator),
        addr(s.fan),
        MESI(20),
        now + HOLD,
        FEE_BPS,
      ]);
      assert.equal(await s.vault.read.floatBalance(), FLOAT - MESI(20));
    });

    it("credits a relayer-stablecoin purchase at once, returning (fee, now)", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      const args = [ref("tkt-2"), addr(s.fan), addr(s.creator), MESI(20), Source.RelayerStablecoin] as const;
      const { result } = await s.vault.simulate.creditFromFloat(args, simulateAsModule(s));
      assert.equal(result[0], MESI(2));
      await s.wait(s.vault.write.creditFromFloat(args, asModule(s)));
      assert.deepEqual(await s.vault.read.earningsOf([addr(s.creator)]), [MESI(18), 0n, MESI(2)]);
    });

    it("shares reference uniqueness with relayer credits and has the same checks", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      await s.wait(
        s.vault.write.credit(
          [
            {
              paymentRef: ref("pi_9"),
              fan: addr(s.fan),
              creator: addr(s.creator),
              amount: 1n,
              source: Source.Fiat,
              channel: 0,
              channelRef: `0x${"00".repeat(32)}`,
            },
          ],
          { account: s.relayer.account },
        ),
      );
      const call = (r: `0x${string}`, fan: `0x${string}`, creator: `0x${string}`, amount: bigint, source: number) =>
        s.vault.write.creditFromFloat([r, fan, creator, amount, source], asModule(s));
      await viem.assertions.revertWithCustomErrorWithArgs(
        call(ref("pi_9"), addr(s.fan), addr(s.creator), 1n, Source.Fiat),
        s.vault,
        "Vault_PaymentRefUsed",
        [ref("pi_9")],
      );
      await viem.assertions.revertWithCustomError(
        call(`0x${"00".repeat(32)}`, addr(s.fan), addr(s.creator), 1n, Source.Fiat),
        s.vault,
        "Vault_PaymentRefZero",
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        call(ref("n"), addr(s.fan), addr(s.creator), 1n, Source.Stablecoin),
        s.vault,
        "Vault_InvalidSource",
        [Source.Stablecoin],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        call(ref("n"), addr(s.fan), addr(s.creator), FLOAT + 1n, Source.RelayerStablecoin),
        s.vault,
        "Vault_FloatInsufficient",
        [FLOAT + 1n, FLOAT - 1n],
      );
      await s.wait(s.vault.write.blockFan([addr(s.fan)], { account: s.creator.account }));
      await viem.assertions.revertWithCustomErrorWithArgs(
        call(ref("n"), addr(s.fan), addr(s.creator), 1n, Source.Fiat),
        s.vault,
        "Vault_Blocked",
        [addr(s.creator), addr(s.fan)],
      );
      await s.wait(s.vault.write.pause({ account: s.pauser.account }));
      await viem.assertions.revertWithCustomError(
        call(ref("n"), addr(s.fan2), addr(s.creator), 1n, Source.Fiat),
        s.vault,
        "Vault_Paused",
      );
    });
  });

  describe("escrow", () => {
    it("fundEscrow pulls into escrowed without an event of its own (the escrow module's event carries it)", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      const hash = await s.vault.write.fundEscrow([addr(s.fan), addr(s.creator), MESI(60)], asModule(s));
      const receipt = await s.publicClient.waitForTransactionReceipt({ hash });
      const vaultLogs = receipt.logs.filter((log) => getAddress(log.address) === getAddress(s.vault.address));
      assert.deepEqual(vaultLogs, [], "no vault event");
      assert.equal(await s.vault.read.escrowed(), MESI(60));
      assert.equal(await s.mesi.read.balanceOf([addr(s.fan)]), FAN_BALANCE - MESI(60));
    });

    it("fundEscrow reverts Vault_AmountZero, Vault_InvalidCreator, Vault_SelfPayment, Vault_Blocked, Vault_Paused", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      const call = (fan: `0x${string}`, creator: `0x${string}`, amount: bigint) =>
        s.vault.write.fundEscrow([fan, creator, amount], asModule(s));
      await viem.assertions.revertWithCustomError(call(addr(s.fan), addr(s.creator), 0n), s.vault, "Vault_AmountZero");
      await viem.assertions.revertWithCustomErrorWithArgs(
        call(addr(s.fan), zeroAddress, 1n),
        s.vault,
        "Vault_InvalidCreator",
        [zeroAddress],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        call(addr(s.fan), addr(s.fan), 1n),
        s.vault,
        "Vault_SelfPayment",
        [addr(s.fan)],
      );
      await s.wait(s.vault.write.blockFan([addr(s.fan)], { account: s.creator.account }));
      await viem.assertions.revertWithCustomErrorWithArgs(
        call(addr(s.fan), addr(s.creator), 1n),
        s.vault,
        "Vault_Blocked",
        [addr(s.creator), addr(s.fan)],
      );
      await s.wait(s.vault.write.pause({ account: s.pauser.account }));
      await viem.assertions.revertWithCustomError(call(addr(s.fan2), addr(s.creator), 1n), s.vault, "Vault_Paused");
    });

    it("payOutEscrow splits: creator part net of fee, fan part transferred, returns the fee", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      await s.wait(s.vault.write.fundEscrow([addr(s.fan), addr(s.creator), MESI(100)], asModule(s)));
      const args = [addr(s.creator), MESI(60), addr(s.fan), MESI(40)] as const;
      assert.equal((await s.vault.simulate.payOutEscrow(args, simulateAsModule(s))).result, MESI(6));
      const hash = await s.vault.write.payOutEscrow(args, asModule(s));
      const receipt = await s.publicClient.waitForTransactionReceipt({ hash });
      const vaultLogs = receipt.logs.filter((log) => getAddress(log.address) === getAddress(s.vault.address));
      assert.deepEqual(vaultLogs, [], "no vault event");
      assert.equal(await s.vault.read.escrowed(), 0n);
      assert.deepEqual(await s.vault.read.earningsOf([addr(s.creator)]), [MESI(54), 0n, MESI(6)]);
      assert.equal(await s.mesi.read.balanceOf([addr(s.fan)]), FAN_BALANCE - MESI(60));
    });

    it("payOutEscrow refunds a blocked fan in full and works while paused", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      await s.wait(s.vault.write.fundEscrow([addr(s.fan), addr(s.creator), MESI(100)], asModule(s)));
      await s.wait(s.vault.write.blockFan([addr(s.fan)], { account: s.creator.account }));
      await s.wait(s.vault.write.pause({ account: s.pauser.account }));
      await s.wait(s.vault.write.payOutEscrow([addr(s.creator), 0n, addr(s.fan), MESI(100)], asModule(s)));
      assert.equal(await s.mesi.read.balanceOf([addr(s.fan)]), FAN_BALANCE);
      assert.deepEqual(await s.vault.read.earningsOf([addr(s.creator)]), [0n, 0n, 0n]);
    });

    it("payOutEscrow releases wholly to the creator (fan may be zero then)", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      await s.wait(s.vault.write.fundEscrow([addr(s.fan), addr(s.creator), MESI(10)], asModule(s)));
      await s.wait(s.vault.write.payOutEscrow([addr(s.creator), MESI(10), zeroAddress, 0n], asModule(s)));
      assert.deepEqual(await s.vault.read.earningsOf([addr(s.creator)]), [MESI(9), 0n, MESI(1)]);
    });

    it("payOutEscrow reverts Vault_EscrowInsufficient, Vault_AmountZero, Vault_InvalidCreator, Vault_InvalidRecipient", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      await s.wait(s.vault.write.fundEscrow([addr(s.fan), addr(s.creator), MESI(10)], asModule(s)));
      const call = (creator: `0x${string}`, ca: bigint, fan: `0x${string}`, fa: bigint) =>
        s.vault.write.payOutEscrow([creator, ca, fan, fa], asModule(s));
      await viem.assertions.revertWithCustomErrorWithArgs(
        call(addr(s.creator), MESI(6), addr(s.fan), MESI(5)),
        s.vault,
        "Vault_EscrowInsufficient",
        [MESI(11), MESI(10)],
      );
      await viem.assertions.revertWithCustomError(
        call(addr(s.creator), 0n, addr(s.fan), 0n),
        s.vault,
        "Vault_AmountZero",
      );
      for (const bad of [zeroAddress, s.vault.address]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          call(bad, 1n, addr(s.fan), 0n),
          s.vault,
          "Vault_InvalidCreator",
          [bad],
        );
        await viem.assertions.revertWithCustomErrorWithArgs(
          call(addr(s.creator), 0n, bad, 1n),
          s.vault,
          "Vault_InvalidRecipient",
          [bad],
        );
      }
    });
  });
});
