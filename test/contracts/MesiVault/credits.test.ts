import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { network } from "hardhat";
import { keccak256, toHex, zeroAddress, zeroHash, type Address, type Hex } from "viem";

import {
  addr,
  Channel,
  deployVault,
  FEE_BPS,
  feeOf,
  FLOAT,
  HOLD,
  MESI,
  ref,
  Source,
  Status,
  type VaultSystem,
} from "./fixture.ts";

const STREAM_ID = keccak256(toHex("stream-9"));

interface CreditArgs {
  paymentRef: Hex;
  fan: Address;
  creator: Address;
  amount: bigint;
  source: number;
  channel: number;
  channelRef: Hex;
}

describe("MesiVault relayer credits", async () => {
  const connection = await network.create();
  const { viem, networkHelpers } = connection;
  const { time } = networkHelpers;
  const deploy = () => deployVault(connection);

  const fiat = (s: VaultSystem, name: string, amount = MESI(50), overrides: Partial<CreditArgs> = {}): CreditArgs => ({
    paymentRef: ref(name),
    fan: addr(s.fan),
    creator: addr(s.creator),
    amount,
    source: Source.Fiat,
    channel: Channel.Stream,
    channelRef: STREAM_ID,
    ...overrides,
  });
  const stable = (s: VaultSystem, name: string, amount = MESI(50), overrides: Partial<CreditArgs> = {}) =>
    fiat(s, name, amount, { source: Source.RelayerStablecoin, ...overrides });

  const asRelayer = (s: VaultSystem) => ({ account: s.relayer.account });

  describe("credit", () => {
    it("holds a fiat credit: pending, creditOf, float debited, Credited with fee 0 and clearsAt", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      const now = BigInt(await time.latest()) + 10n;
      await time.setNextBlockTimestamp(now);
      const c = fiat(s, "pi_1");
      await viem.assertions.emitWithArgs(s.vault.write.credit([c], asRelayer(s)), s.vault, "Credited", [
        c.paymentRef,
        addr(s.creator),
        addr(s.fan),
        MESI(50),
        0n,
        Source.Fiat,
        Channel.Stream,
        STREAM_ID,
        0,
        now + HOLD,
      ]);
      assert.deepEqual(await s.vault.read.earningsOf([addr(s.creator)]), [0n, MESI(50), 0n]);
      assert.equal(await s.vault.read.floatBalance(), FLOAT - MESI(50));
      assert.deepEqual(await s.vault.read.creditOf([c.paymentRef]), [
        Status.Held,
        addr(s.creator),
        addr(s.fan),
        MESI(50),
        now + HOLD,
        FEE_BPS,
      ]);
    });

    it("clears a relayer-stablecoin credit at once with the fee", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      const now = BigInt(await time.latest()) + 10n;
      await time.setNextBlockTimestamp(now);
      const c = stable(s, "deposit_1", MESI(80));
      await viem.assertions.emitWithArgs(s.vault.write.credit([c], asRelayer(s)), s.vault, "Credited", [
        c.paymentRef,
        addr(s.creator),
        addr(s.fan),
        MESI(80),
        MESI(8),
        Source.RelayerStablecoin,
        Channel.Stream,
        STREAM_ID,
        0,
        now,
      ]);
      assert.deepEqual(await s.vault.read.earningsOf([addr(s.creator)]), [MESI(72), 0n, MESI(8)]);
      // Only slot B is stored for a credit cleared at once.
      assert.deepEqual(await s.vault.read.creditOf([c.paymentRef]), [
        Status.Cleared,
        zeroAddress,
        addr(s.fan),
        0n,
        now,
        FEE_BPS,
      ]);
    });

    it("refuses a reference it has seen, whatever the source", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      await s.wait(s.vault.write.credit([fiat(s, "pi_1")], asRelayer(s)));
      await s.wait(s.vault.write.credit([stable(s, "dep_1")], asRelayer(s)));
      for (const again of [fiat(s, "pi_1"), stable(s, "pi_1"), fiat(s, "dep_1", 1n, { creator: addr(s.creator2) })]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          s.vault.write.credit([again], asRelayer(s)),
          s.vault,
          "Vault_PaymentRefUsed",
          [again.paymentRef],
        );
      }
    });

    it("reverts Vault_PaymentRefZero, Vault_AmountZero and Vault_InvalidSource", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      await viem.assertions.revertWithCustomError(
        s.vault.write.credit([fiat(s, "x", MESI(1), { paymentRef: zeroHash })], asRelayer(s)),
        s.vault,
        "Vault_PaymentRefZero",
      );
      await viem.assertions.revertWithCustomError(
        s.vault.write.credit([fiat(s, "x", 0n)], asRelayer(s)),
        s.vault,
        "Vault_AmountZero",
      );
      for (const source of [Source.Mesi, Source.Stablecoin]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          s.vault.write.credit([fiat(s, "x", MESI(1), { source })], asRelayer(s)),
          s.vault,
          "Vault_InvalidSource",
          [source],
        );
      }
    });

    it("reverts Vault_InvalidCreator, Vault_SelfPayment and Vault_Blocked", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      await viem.assertions.revertWithCustomErrorWithArgs(
        s.vault.write.credit([fiat(s, "x", MESI(1), { creator: zeroAddress })], asRelayer(s)),
        s.vault,
        "Vault_InvalidCreator",
        [zeroAddress],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        s.vault.write.credit([fiat(s, "x", MESI(1), { fan: addr(s.creator) })], asRelayer(s)),
        s.vault,
        "Vault_SelfPayment",
        [addr(s.creator)],
      );
      await s.wait(s.vault.write.blockFan([addr(s.fan)], { account: s.creator.account }));
      for (const c of [fiat(s, "x"), stable(s, "y")]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          s.vault.write.credit([c], asRelayer(s)),
          s.vault,
          "Vault_Blocked",
          [addr(s.creator), addr(s.fan)],
        );
      }
    });

    it("reverts Vault_FloatInsufficient above the float", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      await viem.assertions.revertWithCustomErrorWithArgs(
        s.vault.write.credit([stable(s, "big", FLOAT + 1n)], asRelayer(s)),
        s.vault,
        "Vault_FloatInsufficient",
        [FLOAT + 1n, FLOAT],
      );
      await s.wait(s.vault.write.credit([stable(s, "all", FLOAT)], asRelayer(s)));
      assert.equal(await s.vault.read.floatBalance(), 0n);
    });

    it("bounds held fiat credits to uint96 (card limits) but not relayer-stablecoin credits", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      const big = 2n ** 96n;
      await s.wait(s.mesi.write.approve([s.vault.address, big]));
      await s.wait(s.vault.write.fundFloat([big]));
      await viem.assertions.revertWithCustomErrorWithArgs(
        s.vault.write.credit([fiat(s, "huge", big)], asRelayer(s)),
        s.vault,
        "SafeCastOverflowedUintDowncast",
        [96, big],
      );
      await s.wait(s.vault.write.credit([fiat(s, "max", big - 1n)], asRelayer(s)));
      await s.wait(s.vault.write.credit([stable(s, "huge", FLOAT)], asRelayer(s)));
      assert.deepEqual(await s.vault.read.earningsOf([addr(s.creator)]), [
        FLOAT - feeOf(FLOAT),
        big - 1n,
        feeOf(FLOAT),
      ]);
    });

    it("with a zero hold period, a fiat credit is settleable at once and never reversible", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      await s.wait(s.vault.write.setHoldPeriod([0n]));
      const c = fiat(s, "pi_0");
      await s.wait(s.vault.write.credit([c], asRelayer(s)));
      const [, , , , clearsAt] = await s.vault.read.creditOf([c.paymentRef]);
      assert.equal(clearsAt, BigInt(await time.latest()));
      await viem.assertions.revertWithCustomErrorWithArgs(
        s.vault.write.reverseCredit([c.paymentRef], asRelayer(s)),
        s.vault,
        "Vault_HoldOver",
        [c.paymentRef, clearsAt],
      );
      await s.wait(s.vault.write.settleCredits([[c.paymentRef]]));
      assert.deepEqual(await s.vault.read.earningsOf([addr(s.creator)]), [MESI(45), 0n, MESI(5)]);
    });
  });

  describe("creditBatch", () => {
    it("credits every entry, emits Credited for each and debits the float once by the total", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      const batch = [
        fiat(s, "b1", MESI(10)),
        stable(s, "b2", MESI(20), { creator: addr(s.creator2) }),
        fiat(s, "b3", MESI(30), { fan: addr(s.fan2), channel: Channel.Profile, channelRef: zeroHash }),
      ];
      const receipt = await s.wait(s.vault.write.creditBatch([batch], asRelayer(s)));
      const events = await s.vault.getEvents.Credited(
        {},
        { fromBlock: receipt.blockNumber, toBlock: receipt.blockNumber },
      );
      assert.deepEqual(
        events.map((e) => [e.args.paymentRef, e.args.amount, e.args.fee, e.args.source, e.args.purpose]),
        [
          [ref("b1"), MESI(10), 0n, Source.Fiat, 0],
          [ref("b2"), MESI(20), MESI(2), Source.RelayerStablecoin, 0],
          [ref("b3"), MESI(30), 0n, Source.Fiat, 0],
        ],
      );
      assert.equal(await s.vault.read.floatBalance(), FLOAT - MESI(60));
      assert.deepEqual(await s.vault.read.earningsOf([addr(s.creator)]), [0n, MESI(40), 0n]);
      assert.deepEqual(await s.vault.read.earningsOf([addr(s.creator2)]), [MESI(18), 0n, MESI(2)]);
      assert.equal((await s.vault.read.creditOf([ref("b3")]))[2], addr(s.fan2));
    });

    it("is all or nothing: one bad entry reverts the whole batch", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      await s.wait(s.vault.write.blockFan([addr(s.fan2)], { account: s.creator.account }));
      const cases: [CreditArgs[], string, readonly unknown[]][] = [
        [
          [fiat(s, "a1"), fiat(s, "a2", MESI(1), { fan: addr(s.fan2) }), fiat(s, "a3")],
          "Vault_Blocked",
          [addr(s.creator), addr(s.fan2)],
        ],
        [[fiat(s, "a1"), stable(s, "a2"), fiat(s, "a1")], "Vault_PaymentRefUsed", [ref("a1")]],
        [[stable(s, "a1"), fiat(s, "a2", 0n)], "Vault_AmountZero", []],
        [[stable(s, "a1"), fiat(s, "a2", 1n, { source: Source.Mesi })], "Vault_InvalidSource", [Source.Mesi]],
      ];
      for (const [batch, error, args] of cases) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          s.vault.write.creditBatch([batch], asRelayer(s)),
          s.vault,
          error as "Vault_Blocked",
          args as never,
        );
      }
      assert.deepEqual(await s.vault.read.creditOf([ref("a1")]), [Status.None, zeroAddress, zeroAddress, 0n, 0n, 0n]);
      assert.deepEqual(await s.vault.read.earningsOf([addr(s.creator)]), [0n, 0n, 0n]);
      assert.equal(await s.vault.read.floatBalance(), FLOAT);
    });

    it("checks the float against the batch total", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      const half = FLOAT / 2n;
      await viem.assertions.revertWithCustomErrorWithArgs(
        s.vault.write.creditBatch([[stable(s, "h1", half), fiat(s, "h2", half), stable(s, "h3", 1n)]], asRelayer(s)),
        s.vault,
        "Vault_FloatInsufficient",
        [FLOAT + 1n, FLOAT],
      );
      await s.wait(s.vault.write.creditBatch([[stable(s, "h1", half), fiat(s, "h2", half)]], asRelayer(s)));
      assert.equal(await s.vault.read.floatBalance(), 0n);
    });

    it("reverts Vault_BatchEmpty and Vault_Paused", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      await viem.assertions.revertWithCustomError(
        s.vault.write.creditBatch([[]], asRelayer(s)),
        s.vault,
        "Vault_BatchEmpty",
      );
      await s.wait(s.vault.write.pause({ account: s.pauser.account }));
      await viem.assertions.revertWithCustomError(
        s.vault.write.creditBatch([[fiat(s, "p")]], asRelayer(s)),
        s.vault,
        "Vault_Paused",
      );
      await viem.assertions.revertWithCustomError(
        s.vault.write.credit([fiat(s, "p")], asRelayer(s)),
        s.vault,
        "Vault_Paused",
      );
    });
  });

  describe("settleCredits", () => {
    it("clears held credits once their hold is over, at the fee rate in force when they were credited", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      await s.wait(
        s.vault.write.creditBatch(
          [[fiat(s, "s1", MESI(100)), fiat(s, "s2", MESI(40), { creator: addr(s.creator2) })]],
          asRelayer(s),
        ),
      );
      const [, , , , clearsAt] = await s.vault.read.creditOf([ref("s1")]);
      await time.setNextBlockTimestamp(clearsAt - 1n);
      await viem.assertions.revertWithCustomErrorWithArgs(
        s.vault.write.settleCredits([[ref("s1")]]),
        s.vault,
        "Vault_HoldNotOver",
        [ref("s1"), clearsAt],
      );
      await s.wait(s.vault.write.setFeeBps([500n]));
      await time.setNextBlockTimestamp(clearsAt);
      const hash = s.vault.write.settleCredits([[ref("s1"), ref("s2")]], { account: s.outsider.account });
      await viem.assertions.emitWithArgs(hash, s.vault, "CreditSettled", [
        ref("s1"),
        addr(s.creator),
        MESI(100),
        MESI(10),
      ]);
      // The fee changed to 5 % during the hold: the credits keep the 10 % they were made with.
      assert.deepEqual(await s.vault.read.earningsOf([addr(s.creator)]), [MESI(90), 0n, MESI(10)]);
      assert.deepEqual(await s.vault.read.earningsOf([addr(s.creator2)]), [MESI(36), 0n, MESI(4)]);
      assert.deepEqual(await s.vault.read.creditOf([ref("s1")]), [
        Status.Cleared,
        addr(s.creator),
        addr(s.fan),
        MESI(100),
        clearsAt,
        FEE_BPS,
      ]);
    });

    it("skips references already cleared (settled or cleared at once) without reverting", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      await s.wait(s.vault.write.creditBatch([[fiat(s, "s1"), stable(s, "s2")]], asRelayer(s)));
      await time.increase(HOLD);
      await s.wait(s.vault.write.settleCredits([[ref("s1")]]));
      const receipt = await s.wait(s.vault.write.settleCredits([[ref("s1"), ref("s2")]]));
      const events = await s.vault.getEvents.CreditSettled(
        {},
        { fromBlock: receipt.blockNumber, toBlock: receipt.blockNumber },
      );
      assert.equal(events.length, 0);
      assert.deepEqual(await s.vault.read.earningsOf([addr(s.creator)]), [MESI(90), 0n, MESI(10)]);
    });

    it("reverts Vault_CreditNotHeld for unknown and reversed references, and Vault_BatchEmpty", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      await s.wait(s.vault.write.credit([fiat(s, "r1")], asRelayer(s)));
      await s.wait(s.vault.write.reverseCredit([ref("r1")], asRelayer(s)));
      await time.increase(HOLD);
      await viem.assertions.revertWithCustomErrorWithArgs(
        s.vault.write.settleCredits([[ref("nope")]]),
        s.vault,
        "Vault_CreditNotHeld",
        [ref("nope"), Status.None],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        s.vault.write.settleCredits([[ref("r1")]]),
        s.vault,
        "Vault_CreditNotHeld",
        [ref("r1"), Status.Reversed],
      );
      await viem.assertions.revertWithCustomError(s.vault.write.settleCredits([[]]), s.vault, "Vault_BatchEmpty");
    });
  });

  describe("reverseCredit", () => {
    it("returns a held credit to the float during its hold and emits CreditReversed", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      const c = fiat(s, "cb1", MESI(70));
      await s.wait(s.vault.write.credit([c], asRelayer(s)));
      const [, , , , clearsAt] = await s.vault.read.creditOf([c.paymentRef]);
      await time.setNextBlockTimestamp(clearsAt - 1n);
      await viem.assertions.emitWithArgs(
        s.vault.write.reverseCredit([c.paymentRef], asRelayer(s)),
        s.vault,
        "CreditReversed",
        [c.paymentRef, addr(s.creator), addr(s.fan), MESI(70)],
      );
      assert.equal(await s.vault.read.floatBalance(), FLOAT);
      assert.deepEqual(await s.vault.read.earningsOf([addr(s.creator)]), [0n, 0n, 0n]);
      assert.deepEqual(await s.vault.read.creditOf([c.paymentRef]), [
        Status.Reversed,
        addr(s.creator),
        addr(s.fan),
        MESI(70),
        clearsAt,
        FEE_BPS,
      ]);
      // The reference stays used.
      await viem.assertions.revertWithCustomError(
        s.vault.write.credit([c], asRelayer(s)),
        s.vault,
        "Vault_PaymentRefUsed",
      );
    });

    it("reverts Vault_HoldOver from clearsAt on", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      const c = fiat(s, "cb2");
      await s.wait(s.vault.write.credit([c], asRelayer(s)));
      const [, , , , clearsAt] = await s.vault.read.creditOf([c.paymentRef]);
      await time.setNextBlockTimestamp(clearsAt);
      await viem.assertions.revertWithCustomErrorWithArgs(
        s.vault.write.reverseCredit([c.paymentRef], asRelayer(s)),
        s.vault,
        "Vault_HoldOver",
        [c.paymentRef, clearsAt],
      );
    });

    it("reverts Vault_CreditNotHeld for unknown, cleared, settled and reversed references", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      await s.wait(s.vault.write.creditBatch([[fiat(s, "f1"), stable(s, "d1"), fiat(s, "f2")]], asRelayer(s)));
      await s.wait(s.vault.write.reverseCredit([ref("f2")], asRelayer(s)));
      await time.increase(HOLD);
      await s.wait(s.vault.write.settleCredits([[ref("f1")]]));
      for (const [r, status] of [
        [ref("none"), Status.None],
        [ref("d1"), Status.Cleared],
        [ref("f1"), Status.Cleared],
        [ref("f2"), Status.Reversed],
      ] as const) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          s.vault.write.reverseCredit([r], asRelayer(s)),
          s.vault,
          "Vault_CreditNotHeld",
          [r, status],
        );
      }
    });
  });
});
