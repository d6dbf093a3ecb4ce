// CreatorRegistry.subscribe against the real MesiVault and MesiToken: payment, fee, trials, renewals, tier
// switches, expiry and every revert path (the registry's own and the vault's).
import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";

import { getAddress, parseEther } from "viem";

import { connect, DAY, FAN_BALANCE, MODULE_ROLE, PERIOD } from "./fixture.ts";

const FEE_BPS = 1000n;
const feeOf = (amount: bigint) => (amount * FEE_BPS) / 10_000n;

const BRONZE = 1; // 5 MESI, rank 1, 7-day trial
const SILVER = 2; // 12 MESI, rank 2, no trial
const GOLD = 3; // 30 MESI, rank 3, 3-day trial
const PRICES = { [BRONZE]: parseEther("5"), [SILVER]: parseEther("12"), [GOLD]: parseEther("30") } as const;

describe("CreatorRegistry.subscribe", async () => {
  const { viem, networkHelpers, admin, creator, fan, other, deploy, as, addr, nextTimestamp } = await connect();

  async function withTiers() {
    const contracts = await deploy();
    const { registry } = contracts;
    await registry.write.register(["ipfs://creator"], as(creator));
    await registry.write.createTier([PRICES[BRONZE], 1, 7, "bronze"], as(creator));
    await registry.write.createTier([PRICES[SILVER], 2, 0, "silver"], as(creator));
    await registry.write.createTier([PRICES[GOLD], 3, 3, "gold"], as(creator));
    return contracts;
  }

  let registry: Awaited<ReturnType<typeof deploy>>["registry"];
  let vault: Awaited<ReturnType<typeof deploy>>["vault"];
  let mesi: Awaited<ReturnType<typeof deploy>>["mesi"];

  beforeEach(async () => {
    ({ registry, vault, mesi } = await networkHelpers.loadFixture(withTiers));
  });

  const subscribe = (tierId: number, periods: number, wallet = fan) =>
    registry.write.subscribe([creator.account.address, tierId, periods], as(wallet));
  const subscriptionOf = (wallet = fan) =>
    registry.read.subscriptionOf([creator.account.address, wallet.account.address]);
  const isSubscribed = (minRank: number, wallet = fan) =>
    registry.read.isSubscribed([creator.account.address, wallet.account.address, minRank]);

  describe("paid", () => {
    it("collects price × periods through the vault, credits the creator minus the fee, emits Subscribed", async () => {
      const paid = PRICES[SILVER] * 3n;
      const fee = feeOf(paid);
      const t = await nextTimestamp();
      const hash = subscribe(SILVER, 3);
      await viem.assertions.emitWithArgs(hash, registry, "Subscribed", [
        addr(fan),
        addr(creator),
        SILVER,
        2,
        3,
        paid,
        fee,
        false,
        t + 3n * PERIOD,
      ]);
      await viem.assertions.emitWithArgs(hash, vault, "ModuleCredited", [
        getAddress(registry.address),
        addr(creator),
        addr(fan),
        paid,
        fee,
      ]);
      assert.equal(await mesi.read.balanceOf([fan.account.address]), FAN_BALANCE - paid);
      assert.deepEqual(await vault.read.earningsOf([creator.account.address]), [paid - fee, 0n, fee]);
      assert.equal(await mesi.read.balanceOf([vault.address]), paid);
      assert.deepEqual(await subscriptionOf(), { tierId: SILVER, rank: 2, expiresAt: t + 3n * PERIOD });
    });

    it("uses the tier's current price", async () => {
      await registry.write.updateTier([SILVER, parseEther("1"), true], as(creator));
      await subscribe(SILVER, 2);
      assert.equal(await mesi.read.balanceOf([fan.account.address]), FAN_BALANCE - parseEther("2"));
    });

    it("accepts 1 and 24 periods", async () => {
      const t = await nextTimestamp();
      await subscribe(SILVER, 1);
      assert.equal((await subscriptionOf()).expiresAt, t + PERIOD);
      const t2 = await nextTimestamp();
      await subscribe(SILVER, 24, other);
      assert.equal((await subscriptionOf(other)).expiresAt, t2 + 24n * PERIOD);
      assert.equal(await mesi.read.balanceOf([other.account.address]), FAN_BALANCE - 24n * PRICES[SILVER]);
    });

    it("isSubscribed holds for ranks up to the tier's until expiresAt, then lapses", async () => {
      await subscribe(SILVER, 1);
      const { expiresAt } = await subscriptionOf();
      for (const [minRank, expected] of [
        [0, true],
        [1, true],
        [2, true],
        [3, false],
      ] as const) {
        assert.equal(await isSubscribed(minRank), expected, `minRank ${minRank}`);
      }
      assert.equal(await isSubscribed(0, other), false);
      await networkHelpers.time.increaseTo(expiresAt - 1n);
      assert.equal(await isSubscribed(2), true);
      await networkHelpers.time.increaseTo(expiresAt);
      assert.equal(await isSubscribed(0), false);
      assert.equal(await isSubscribed(2), false);
    });
  });

  describe("renewal and tier switches", () => {
    it("renewing the same tier extends from the current expiry", async () => {
      const t = await nextTimestamp();
      await subscribe(SILVER, 2);
      await networkHelpers.time.increase(10n * DAY);
      await viem.assertions.emitWithArgs(subscribe(SILVER, 1), registry, "Subscribed", [
        addr(fan),
        addr(creator),
        SILVER,
        2,
        1,
        PRICES[SILVER],
        feeOf(PRICES[SILVER]),
        false,
        t + 3n * PERIOD,
      ]);
      assert.equal((await subscriptionOf()).expiresAt, t + 3n * PERIOD);
    });

    it("renewing the same tier after it lapsed starts now", async () => {
      await subscribe(SILVER, 1);
      const { expiresAt } = await subscriptionOf();
      await networkHelpers.time.increaseTo(expiresAt + 5n * DAY);
      const t = await nextTimestamp();
      await subscribe(SILVER, 2);
      assert.equal((await subscriptionOf()).expiresAt, t + 2n * PERIOD);
    });

    it("renewing exactly at expiry starts at that instant (now == expiry)", async () => {
      await subscribe(SILVER, 1);
      const { expiresAt } = await subscriptionOf();
      await networkHelpers.time.setNextBlockTimestamp(expiresAt);
      await subscribe(SILVER, 1);
      assert.equal((await subscriptionOf()).expiresAt, expiresAt + PERIOD);
    });

    it("switching tier starts now and the rest of the old tier lapses (up or down)", async () => {
      await subscribe(SILVER, 6);
      await networkHelpers.time.increase(DAY);
      const t = await nextTimestamp();
      await viem.assertions.emitWithArgs(subscribe(GOLD, 1), registry, "Subscribed", [
        addr(fan),
        addr(creator),
        GOLD,
        3,
        1,
        PRICES[GOLD],
        feeOf(PRICES[GOLD]),
        false,
        t + PERIOD,
      ]);
      assert.deepEqual(await subscriptionOf(), { tierId: GOLD, rank: 3, expiresAt: t + PERIOD });
      assert.equal(await isSubscribed(3), true);

      const t2 = await nextTimestamp();
      await subscribe(SILVER, 1);
      assert.deepEqual(await subscriptionOf(), { tierId: SILVER, rank: 2, expiresAt: t2 + PERIOD });
      assert.equal(await isSubscribed(3), false);
    });

    it("keeps subscriptions per creator-fan pair", async () => {
      await registry.write.register(["ipfs://other"], as(other));
      await registry.write.createTier([PRICES[SILVER], 2, 0, ""], as(other));
      await subscribe(SILVER, 1);
      assert.equal(await registry.read.isSubscribed([other.account.address, fan.account.address, 0]), false);
      assert.deepEqual(await registry.read.subscriptionOf([other.account.address, fan.account.address]), {
        tierId: 0,
        rank: 0,
        expiresAt: 0n,
      });
    });
  });

  describe("trials", () => {
    it("a first subscription to a trial tier is free for trialDays, periods ignored", async () => {
      const t = await nextTimestamp();
      const hash = subscribe(BRONZE, 12);
      await viem.assertions.emitWithArgs(hash, registry, "Subscribed", [
        addr(fan),
        addr(creator),
        BRONZE,
        1,
        0,
        0n,
        0n,
        true,
        t + 7n * DAY,
      ]);
      assert.equal(await mesi.read.balanceOf([fan.account.address]), FAN_BALANCE);
      assert.deepEqual(await vault.read.earningsOf([creator.account.address]), [0n, 0n, 0n]);
      assert.deepEqual(await subscriptionOf(), { tierId: BRONZE, rank: 1, expiresAt: t + 7n * DAY });
      assert.equal(await isSubscribed(1), true);
    });

    it("paying for the trial tier afterwards extends from the trial's end", async () => {
      const t = await nextTimestamp();
      await subscribe(GOLD, 1); // 3-day trial
      await viem.assertions.emitWithArgs(subscribe(GOLD, 1), registry, "Subscribed", [
        addr(fan),
        addr(creator),
        GOLD,
        3,
        1,
        PRICES[GOLD],
        feeOf(PRICES[GOLD]),
        false,
        t + 3n * DAY + PERIOD,
      ]);
    });

    it("only the first subscription to a creator gets a trial: not after a trial on another tier", async () => {
      await subscribe(BRONZE, 1); // trial
      const t = await nextTimestamp();
      await viem.assertions.emitWithArgs(subscribe(GOLD, 1), registry, "Subscribed", [
        addr(fan),
        addr(creator),
        GOLD,
        3,
        1,
        PRICES[GOLD],
        feeOf(PRICES[GOLD]),
        false,
        t + PERIOD,
      ]);
    });

    it("only the first subscription to a creator gets a trial: not after a paid tier, even once lapsed", async () => {
      await subscribe(SILVER, 1); // no trial on Silver: paid
      await networkHelpers.time.increase(100n * DAY);
      await subscribe(BRONZE, 1);
      assert.equal(await mesi.read.balanceOf([fan.account.address]), FAN_BALANCE - PRICES[SILVER] - PRICES[BRONZE]);
    });

    it("trials are per creator and per fan", async () => {
      await subscribe(BRONZE, 1);
      await subscribe(BRONZE, 1, other);
      assert.equal(await mesi.read.balanceOf([other.account.address]), FAN_BALANCE);
      await registry.write.register(["ipfs://other"], as(other));
      await registry.write.createTier([PRICES[BRONZE], 1, 2, ""], as(other));
      const t = await nextTimestamp();
      await registry.write.subscribe([other.account.address, 1, 1], as(fan));
      assert.equal(
        (await registry.read.subscriptionOf([other.account.address, fan.account.address])).expiresAt,
        t + 2n * DAY,
      );
      assert.equal(await mesi.read.balanceOf([fan.account.address]), FAN_BALANCE);
    });

    it("a trial still needs 1..24 periods and an active tier", async () => {
      await viem.assertions.revertWithCustomErrorWithArgs(
        subscribe(BRONZE, 0),
        registry,
        "Registry_InvalidPeriods",
        [0],
      );
      await registry.write.updateTier([BRONZE, PRICES[BRONZE], false], as(creator));
      await viem.assertions.revertWithCustomErrorWithArgs(subscribe(BRONZE, 1), registry, "Registry_TierInactive", [
        addr(creator),
        BRONZE,
      ]);
    });

    it("a trial reverts with Vault_Blocked for a blocked fan and Vault_Paused while the vault is paused", async () => {
      await vault.write.blockFan([fan.account.address], as(creator));
      await viem.assertions.revertWithCustomErrorWithArgs(subscribe(BRONZE, 1), registry, "Vault_Blocked", [
        addr(creator),
        addr(fan),
      ]);
      await vault.write.pause(as(admin));
      await viem.assertions.revertWithCustomError(subscribe(BRONZE, 1, other), registry, "Vault_Paused");
      assert.deepEqual(await subscriptionOf(other), { tierId: 0, rank: 0, expiresAt: 0n });
    });
  });

  describe("reverts", () => {
    it("Registry_InvalidPeriods for 0 and above 24", async () => {
      for (const periods of [0, 25, 65535]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          subscribe(SILVER, periods),
          registry,
          "Registry_InvalidPeriods",
          [periods],
        );
      }
    });

    it("Registry_InvalidTier for id 0, an unknown id and an unregistered creator", async () => {
      for (const tierId of [0, 4]) {
        await viem.assertions.revertWithCustomErrorWithArgs(subscribe(tierId, 1), registry, "Registry_InvalidTier", [
          addr(creator),
          tierId,
        ]);
      }
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.subscribe([other.account.address, 1, 1], as(fan)),
        registry,
        "Registry_InvalidTier",
        [addr(other), 1],
      );
    });

    it("Registry_TierInactive for a deactivated tier, renewals included; reactivation restores it", async () => {
      await subscribe(SILVER, 1);
      await registry.write.updateTier([SILVER, PRICES[SILVER], false], as(creator));
      await viem.assertions.revertWithCustomErrorWithArgs(subscribe(SILVER, 1), registry, "Registry_TierInactive", [
        addr(creator),
        SILVER,
      ]);
      // The paid subscription stays valid until it expires.
      assert.equal(await isSubscribed(2), true);
      await registry.write.updateTier([SILVER, PRICES[SILVER], true], as(creator));
      await subscribe(SILVER, 1);
    });

    it("Vault_SelfPayment when the creator subscribes to themselves (trial or paid)", async () => {
      for (const tierId of [BRONZE, SILVER]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          registry.write.subscribe([creator.account.address, tierId, 1], as(creator)),
          registry,
          "Vault_SelfPayment",
          [addr(creator)],
        );
      }
    });

    it("Vault_Blocked from the vault for a blocked fan paying", async () => {
      await vault.write.blockFan([fan.account.address], as(creator));
      await viem.assertions.revertWithCustomErrorWithArgs(subscribe(SILVER, 1), vault, "Vault_Blocked", [
        addr(creator),
        addr(fan),
      ]);
      assert.deepEqual(await subscriptionOf(), { tierId: 0, rank: 0, expiresAt: 0n });
      await vault.write.unblockFan([fan.account.address], as(creator));
      await subscribe(SILVER, 1);
    });

    it("Vault_Paused from the vault while paused; works again once unpaused", async () => {
      await vault.write.pause(as(admin));
      await viem.assertions.revertWithCustomError(subscribe(SILVER, 1), vault, "Vault_Paused");
      await vault.write.unpause(as(admin));
      await subscribe(SILVER, 1);
    });

    it("ERC20InsufficientAllowance / ERC20InsufficientBalance from the token", async () => {
      await mesi.write.approve([vault.address, PRICES[SILVER] - 1n], as(fan));
      await viem.assertions.revertWithCustomErrorWithArgs(subscribe(SILVER, 1), mesi, "ERC20InsufficientAllowance", [
        getAddress(vault.address),
        PRICES[SILVER] - 1n,
        PRICES[SILVER],
      ]);
      await registry.write.updateTier([SILVER, FAN_BALANCE + 1n, true], as(creator));
      await viem.assertions.revertWithCustomErrorWithArgs(
        subscribe(SILVER, 1, other),
        mesi,
        "ERC20InsufficientBalance",
        [addr(other), FAN_BALANCE, FAN_BALANCE + 1n],
      );
      assert.deepEqual(await subscriptionOf(other), { tierId: 0, rank: 0, expiresAt: 0n });
    });

    it("AccessControlUnauthorizedAccount from the vault when the registry lacks MODULE_ROLE", async () => {
      await vault.write.revokeRole([MODULE_ROLE, registry.address], as(admin));
      await viem.assertions.revertWithCustomErrorWithArgs(
        subscribe(SILVER, 1),
        vault,
        "AccessControlUnauthorizedAccount",
        [getAddress(registry.address), MODULE_ROLE],
      );
    });
  });

  describe("large values", () => {
    it("charges a price near the whole supply exactly", async () => {
      const supply = await mesi.read.totalSupply();
      // The admin holds the rest of the supply; move it all to the fan and price one tier at a tenth of it.
      await mesi.write.transfer([fan.account.address, await mesi.read.balanceOf([admin.account.address])], as(admin));
      const balance = await mesi.read.balanceOf([fan.account.address]);
      const price = balance / 10n;
      await registry.write.updateTier([SILVER, price, true], as(creator));
      await subscribe(SILVER, 10);
      assert.equal(await mesi.read.balanceOf([fan.account.address]), balance - price * 10n);
      assert.deepEqual(await vault.read.earningsOf([creator.account.address]), [
        price * 10n - feeOf(price * 10n),
        0n,
        feeOf(price * 10n),
      ]);
      assert.ok(price * 10n <= supply);
    });
  });
});
