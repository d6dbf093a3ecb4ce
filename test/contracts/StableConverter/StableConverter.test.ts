import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { network } from "hardhat";
import { getAddress, keccak256, toHex, zeroAddress, type Address } from "viem";

import {
  assertDefaultAdminOnly,
  assertEveryFunctionListed,
  DEFAULT_ADMIN_RULES_OPEN,
} from "../fixtures/accessControl.ts";

const RATE_SETTER = keccak256(toHex("RATE_SETTER_ROLE"));
const ADMIN = `0x${"00".repeat(32)}` as const;
const RATE = 10n ** 32n; // USDC (6 decimals) at 1 MESI = 0.01 USD

describe("StableConverter", async () => {
  const connection = await network.create();
  const { viem, networkHelpers } = connection;

  async function deploy() {
    const [admin, setter, outsider] = await viem.getWalletClients();
    const converter = await viem.deployContract("StableConverter", [0, admin.account.address]);
    const publicClient = await viem.getPublicClient();
    await publicClient.waitForTransactionReceipt({
      hash: await converter.write.grantRole([RATE_SETTER, setter.account.address]),
    });
    const usdc = getAddress(`0x${"11".repeat(20)}`);
    const dai = getAddress(`0x${"22".repeat(20)}`);
    return { converter, admin, setter, outsider, usdc, dai, publicClient };
  }
  const a = (w: { account: { address: Address } }) => getAddress(w.account.address);
  /** Lists `coin` at `rate`: the admin schedules it (no delay here), then the rate setter lists it. */
  const list = async (system: Awaited<ReturnType<typeof deploy>>, coin: Address, rate: bigint) => {
    const { converter, setter, publicClient } = system;
    await publicClient.waitForTransactionReceipt({ hash: await converter.write.scheduleListing([coin, rate]) });
    await publicClient.waitForTransactionReceipt({
      hash: await converter.write.setRate([coin, rate], { account: setter.account }),
    });
  };

  it("starts with the default bound (1000 bps) and nothing listed", async () => {
    const { converter, usdc } = await networkHelpers.loadFixture(deploy);
    assert.equal(await converter.read.maxRateChangeBps(), 1000n);
    assert.equal(await converter.read.rateOf([usdc]), 0n);
    assert.equal(await converter.read.RATE_SCALE(), 10n ** 18n);
    const events = await converter.getEvents.MaxRateChangeUpdated({ fromBlock: 0n });
    assert.deepEqual(
      events.map((e) => [e.args.oldBps, e.args.newBps]),
      [[0n, 1000n]],
    );
  });

  describe("setRate", () => {
    it("lists only at the rate the admin scheduled, and emits RateUpdated with oldRate 0", async () => {
      const { converter, setter, usdc } = await networkHelpers.loadFixture(deploy);
      await viem.assertions.revertWithCustomErrorWithArgs(
        converter.write.setRate([usdc, RATE], { account: setter.account }),
        converter,
        "Converter_ListingNotScheduled",
        [usdc, 0n, 0],
      );
      await converter.write.scheduleListing([usdc, RATE]);
      await viem.assertions.emitWithArgs(
        converter.write.setRate([usdc, RATE], { account: setter.account }),
        converter,
        "RateUpdated",
        [usdc, 0n, RATE, a(setter)],
      );
      assert.equal(await converter.read.rateOf([usdc]), RATE);
    });

    it("allows a change up to the bound of the window's starting rate in either direction, not beyond", async () => {
      const system = await networkHelpers.loadFixture(deploy);
      const { converter, setter, usdc } = system;
      const as = { account: setter.account };
      await list(system, usdc, RATE);
      await viem.assertions.emitWithArgs(
        converter.write.setRate([usdc, (RATE * 11n) / 10n], as),
        converter,
        "RateUpdated",
        [usdc, RATE, (RATE * 11n) / 10n, a(setter)],
      );
      // Within the same hour every update is bounded against RATE, the rate the window started with.
      await converter.write.setRate([usdc, (RATE * 9n) / 10n], as);
      const tooHigh = (RATE * 11n) / 10n + 1n;
      await viem.assertions.revertWithCustomErrorWithArgs(
        converter.write.setRate([usdc, tooHigh], as),
        converter,
        "Converter_RateChangeTooLarge",
        [usdc, RATE, tooHigh, 1000n],
      );
      const tooLow = (RATE * 9n) / 10n - 1n;
      await viem.assertions.revertWithCustomErrorWithArgs(
        converter.write.setRate([usdc, tooLow], as),
        converter,
        "Converter_RateChangeTooLarge",
        [usdc, RATE, tooLow, 1000n],
      );
      // An hour later a new window starts from the current rate.
      await networkHelpers.time.increase(3600);
      await converter.write.setRate([usdc, (((RATE * 9n) / 10n) * 11n) / 10n], as);
      assert.equal(await converter.read.rateOf([usdc]), (((RATE * 9n) / 10n) * 11n) / 10n);
    });

    it("reverts Converter_RateZero for a zero rate", async () => {
      const { converter, setter, usdc } = await networkHelpers.loadFixture(deploy);
      await viem.assertions.revertWithCustomErrorWithArgs(
        converter.write.setRate([usdc, 0n], { account: setter.account }),
        converter,
        "Converter_RateZero",
        [usdc],
      );
    });
  });

  describe("delist", () => {
    it("sets the rate to zero, emits StablecoinDelisted; quotes then revert; relisting needs a new schedule", async () => {
      const system = await networkHelpers.loadFixture(deploy);
      const { converter, setter, usdc } = system;
      const as = { account: setter.account };
      await list(system, usdc, RATE);
      await viem.assertions.emitWithArgs(converter.write.delist([usdc], as), converter, "StablecoinDelisted", [
        usdc,
        RATE,
      ]);
      assert.equal(await converter.read.rateOf([usdc]), 0n);
      await viem.assertions.revertWithCustomErrorWithArgs(
        converter.read.quote([usdc, 1n]),
        converter,
        "Converter_NotListed",
        [usdc],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        converter.write.setRate([usdc, RATE * 5n], as),
        converter,
        "Converter_ListingNotScheduled",
        [usdc, 0n, 0],
      );
      await list(system, usdc, RATE * 5n);
      assert.equal(await converter.read.rateOf([usdc]), RATE * 5n);
    });

    it("reverts Converter_NotListed for a stablecoin never listed", async () => {
      const { converter, setter, dai } = await networkHelpers.loadFixture(deploy);
      await viem.assertions.revertWithCustomErrorWithArgs(
        converter.write.delist([dai], { account: setter.account }),
        converter,
        "Converter_NotListed",
        [dai],
      );
    });
  });

  describe("setMaxRateChangeBps", () => {
    it("sets the bound in (0, 10_000] and emits MaxRateChangeUpdated", async () => {
      const system = await networkHelpers.loadFixture(deploy);
      const { converter, setter, usdc } = system;
      await viem.assertions.emitWithArgs(
        converter.write.setMaxRateChangeBps([10_000n]),
        converter,
        "MaxRateChangeUpdated",
        [1000n, 10_000n],
      );
      await list(system, usdc, RATE);
      await converter.write.setRate([usdc, RATE * 2n], { account: setter.account });
      await converter.write.setMaxRateChangeBps([1n]);
      assert.equal(await converter.read.maxRateChangeBps(), 1n);
      for (const bad of [0n, 10_001n]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          converter.write.setMaxRateChangeBps([bad]),
          converter,
          "Converter_InvalidMaxChange",
          [bad],
        );
      }
    });
  });

  describe("quotes", () => {
    it("quote rounds down and quoteStableIn rounds up, so quote(quoteStableIn(x)) >= x", async () => {
      const system = await networkHelpers.loadFixture(deploy);
      const { converter, usdc, dai } = system;
      await list(system, usdc, RATE);
      assert.equal(await converter.read.quote([usdc, 1_500_000n]), 150n * 10n ** 18n);
      assert.equal(await converter.read.quoteStableIn([usdc, 150n * 10n ** 18n]), 1_500_000n);
      // One MESI wei needs one USDC base unit (rounded up); a USDC base unit buys 1e14 wei.
      assert.equal(await converter.read.quoteStableIn([usdc, 1n]), 1n);
      assert.equal(await converter.read.quote([usdc, 1n]), 10n ** 14n);
      // An awkward rate: 3 wei per 1e18 base units.
      await list(system, dai, 3n);
      assert.equal(await converter.read.quote([dai, 10n ** 18n - 1n]), 2n);
      const stableIn = await converter.read.quoteStableIn([dai, 7n]);
      assert.equal(stableIn, 2_333_333_333_333_333_334n);
      assert.ok((await converter.read.quote([dai, stableIn])) >= 7n);
      assert.equal(await converter.read.quote([dai, stableIn - 1n]), 6n);
    });

    it("quoteStableIn reverts Converter_NotListed when not listed", async () => {
      const { converter, usdc } = await networkHelpers.loadFixture(deploy);
      await viem.assertions.revertWithCustomErrorWithArgs(
        converter.read.quoteStableIn([usdc, 1n]),
        converter,
        "Converter_NotListed",
        [usdc],
      );
    });
  });

  it("access-control matrix: every privileged function reverts for every account without its role", async () => {
    const system = await networkHelpers.loadFixture(deploy);
    const { converter, admin, setter, outsider, usdc } = system;
    await list(system, usdc, RATE);
    const calls = [
      [
        "scheduleListing",
        ADMIN,
        (account: typeof admin.account) => converter.write.scheduleListing([usdc, RATE], { account }),
      ],
      ["setRate", RATE_SETTER, (account: typeof admin.account) => converter.write.setRate([usdc, RATE], { account })],
      ["delist", RATE_SETTER, (account: typeof admin.account) => converter.write.delist([usdc], { account })],
      [
        "setMaxRateChangeBps",
        ADMIN,
        (account: typeof admin.account) => converter.write.setMaxRateChangeBps([5n], { account }),
      ],
      [
        "grantRole",
        ADMIN,
        (account: typeof admin.account) => converter.write.grantRole([RATE_SETTER, zeroAddress], { account }),
      ],
      [
        "revokeRole",
        ADMIN,
        (account: typeof admin.account) => converter.write.revokeRole([RATE_SETTER, a(setter)], { account }),
      ],
    ] as const;
    const holders = { [RATE_SETTER]: a(setter), [ADMIN]: a(admin) } as Record<string, Address>;
    for (const [name, role, call] of calls) {
      for (const w of [admin, setter, outsider]) {
        if (a(w) === holders[role]) continue;
        await assert.doesNotReject(
          viem.assertions.revertWithCustomErrorWithArgs(
            call(w.account),
            converter,
            "AccessControlUnauthorizedAccount",
            [a(w), role],
          ),
          `${name} by ${a(w)}`,
        );
      }
    }
    const defaultAdminOnly = await assertDefaultAdminOnly(converter, viem.assertions, [setter, outsider]);
    assertEveryFunctionListed("StableConverter", converter.abi, {
      guarded: [...calls.map(([name]) => name), ...defaultAdminOnly],
      openByDesign: DEFAULT_ADMIN_RULES_OPEN,
    });
  });
});
