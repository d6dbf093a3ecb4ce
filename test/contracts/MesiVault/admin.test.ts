import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { network } from "hardhat";
import { getAddress, zeroAddress, zeroHash, type Address, type Hex } from "viem";

import {
  assertDefaultAdminOnly,
  assertEveryFunctionListed,
  DEFAULT_ADMIN_RULES_OPEN,
} from "../fixtures/accessControl.ts";
import {
  addr,
  deployVault,
  FEE_BPS,
  HOLD,
  MESI,
  NO_PERMIT,
  ref,
  signTip,
  ROLES,
  Source,
  USDC,
  type VaultSystem,
} from "./fixture.ts";

describe("MesiVault administration", async () => {
  const connection = await network.create();
  const { viem, networkHelpers } = connection;
  const { time } = networkHelpers;
  const deploy = () => deployVault(connection);

  describe("constructor and views", () => {
    it("stores its dependencies and defaults, and emits each parameter's event", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      assert.equal(await s.vault.read.mesi(), getAddress(s.mesi.address));
      assert.equal(await s.vault.read.converter(), getAddress(s.converter.address));
      assert.equal(await s.vault.read.treasury(), addr(s.treasury));
      assert.equal(await s.vault.read.feeBps(), FEE_BPS);
      assert.equal(await s.vault.read.holdPeriod(), HOLD);
      assert.equal(await s.vault.read.paused(), false);
      assert.equal(await s.vault.read.MAX_FEE_BPS(), 2000n);
      assert.equal(await s.vault.read.MAX_HOLD_PERIOD(), 180n * 24n * 3600n);
      assert.equal(await s.vault.read.defaultAdmin(), addr(s.admin));
      assert.equal(await s.vault.read.feePool(), 0n);
      assert.equal(await s.vault.read.escrowed(), 0n);

      const fresh = await viem.deployContract("MesiVault", [
        s.mesi.address,
        s.converter.address,
        addr(s.treasury),
        0,
        addr(s.admin),
      ]);
      const deployment = await fresh.getEvents.FeeUpdated({ fromBlock: 0n });
      assert.deepEqual(
        deployment.map((e) => [e.args.oldBps, e.args.newBps]),
        [[0n, FEE_BPS]],
      );
      assert.deepEqual(
        (await fresh.getEvents.HoldPeriodUpdated({ fromBlock: 0n })).map((e) => [e.args.oldSeconds, e.args.newSeconds]),
        [[0n, HOLD]],
      );
      assert.deepEqual(
        (await fresh.getEvents.TreasuryUpdated({ fromBlock: 0n })).map((e) => [e.args.oldTreasury, e.args.newTreasury]),
        [[zeroAddress, addr(s.treasury)]],
      );
      assert.deepEqual(
        (await fresh.getEvents.ConverterUpdated({ fromBlock: 0n })).map((e) => [
          e.args.oldConverter,
          e.args.newConverter,
        ]),
        [[zeroAddress, getAddress(s.converter.address)]],
      );
    });

    it("reverts Vault_ZeroAddress for a zero token, converter or treasury", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      const good = [s.mesi.address, s.converter.address, addr(s.treasury)] as const;
      for (let i = 0; i < 3; i++) {
        const args = [...good] as [Address, Address, Address];
        args[i] = zeroAddress;
        await viem.assertions.revertWithCustomError(
          viem.deployContract("MesiVault", [...args, 0, addr(s.admin)]),
          s.vault,
          "Vault_ZeroAddress",
        );
      }
    });
  });

  describe("parameters", () => {
    it("setFeeBps up to MAX_FEE_BPS, emits FeeUpdated; above reverts Vault_FeeTooHigh", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      await viem.assertions.emitWithArgs(s.vault.write.setFeeBps([2000n]), s.vault, "FeeUpdated", [FEE_BPS, 2000n]);
      assert.equal(await s.vault.read.feeBps(), 2000n);
      await viem.assertions.revertWithCustomErrorWithArgs(
        s.vault.write.setFeeBps([2001n]),
        s.vault,
        "Vault_FeeTooHigh",
        [2001n, 2000n],
      );
      await s.wait(s.vault.write.tip([addr(s.creator), MESI(10), 0, zeroHash, zeroHash], { account: s.fan.account }));
      assert.deepEqual(await s.vault.read.earningsOf([addr(s.creator)]), [MESI(8), 0n, MESI(2)]);
    });

    it("setHoldPeriod up to MAX_HOLD_PERIOD, emits HoldPeriodUpdated; above reverts Vault_HoldTooLong", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      const max = 180n * 24n * 3600n;
      await viem.assertions.emitWithArgs(s.vault.write.setHoldPeriod([max]), s.vault, "HoldPeriodUpdated", [HOLD, max]);
      assert.equal(await s.vault.read.holdPeriod(), max);
      await viem.assertions.revertWithCustomErrorWithArgs(
        s.vault.write.setHoldPeriod([max + 1n]),
        s.vault,
        "Vault_HoldTooLong",
        [max + 1n, max],
      );
    });

    it("setTreasury emits TreasuryUpdated; zero reverts Vault_ZeroAddress", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      await viem.assertions.emitWithArgs(s.vault.write.setTreasury([addr(s.outsider)]), s.vault, "TreasuryUpdated", [
        addr(s.treasury),
        addr(s.outsider),
      ]);
      assert.equal(await s.vault.read.treasury(), addr(s.outsider));
      await viem.assertions.revertWithCustomError(
        s.vault.write.setTreasury([zeroAddress]),
        s.vault,
        "Vault_ZeroAddress",
      );
    });

    it("setConverter emits ConverterUpdated and the new converter's rates apply; zero reverts", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      const next = await viem.deployContract("StableConverter", [0, addr(s.admin)]);
      await s.wait(next.write.grantRole([ROLES.rateSetter, addr(s.admin)]));
      await s.wait(next.write.scheduleListing([s.usdc.address, 2n * 10n ** 32n]));
      await s.wait(next.write.setRate([s.usdc.address, 2n * 10n ** 32n]));
      await viem.assertions.emitWithArgs(s.vault.write.setConverter([next.address]), s.vault, "ConverterUpdated", [
        s.converter.address,
        next.address,
      ]);
      await s.wait(
        s.vault.write.tipWithStablecoin([s.usdc.address, addr(s.creator), USDC(1), MESI(200), 0, zeroHash, zeroHash], {
          account: s.fan.account,
        }),
      );
      assert.deepEqual(await s.vault.read.earningsOf([addr(s.creator)]), [MESI(180), 0n, MESI(20)]);
      await viem.assertions.revertWithCustomError(
        s.vault.write.setConverter([zeroAddress]),
        s.vault,
        "Vault_ZeroAddress",
      );
    });

    it("pause / unpause emit Paused / Unpaused; pausing twice reverts; unpausing when live is a no-op", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      const noop = await s.wait(s.vault.write.unpause({ account: s.pauser.account }));
      assert.equal(noop.logs.length, 0);
      await viem.assertions.emitWithArgs(s.vault.write.pause({ account: s.pauser.account }), s.vault, "Paused", [
        addr(s.pauser),
      ]);
      assert.equal(await s.vault.read.paused(), true);
      await viem.assertions.revertWithCustomError(
        s.vault.write.pause({ account: s.pauser.account }),
        s.vault,
        "Vault_Paused",
      );
      await viem.assertions.emitWithArgs(s.vault.write.unpause({ account: s.pauser.account }), s.vault, "Unpaused", [
        addr(s.pauser),
      ]);
      assert.equal(await s.vault.read.paused(), false);
    });

    it("keeps parameters independent in their shared slot", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      await s.wait(s.vault.write.setFeeBps([123n]));
      await s.wait(s.vault.write.pause({ account: s.pauser.account }));
      await s.wait(s.vault.write.setHoldPeriod([77n]));
      await s.wait(s.vault.write.setTreasury([addr(s.outsider)]));
      assert.equal(await s.vault.read.feeBps(), 123n);
      assert.equal(await s.vault.read.paused(), true);
      assert.equal(await s.vault.read.holdPeriod(), 77n);
      assert.equal(await s.vault.read.treasury(), addr(s.outsider));
    });

    it("hands the admin role over in two steps (AccessControlDefaultAdminRules)", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      await viem.assertions.revertWithCustomError(
        s.vault.write.grantRole([ROLES.admin, addr(s.outsider)]),
        s.vault,
        "AccessControlEnforcedDefaultAdminRules",
      );
      await s.wait(s.vault.write.beginDefaultAdminTransfer([addr(s.outsider)]));
      await s.wait(s.vault.write.acceptDefaultAdminTransfer({ account: s.outsider.account }));
      assert.equal(await s.vault.read.defaultAdmin(), addr(s.outsider));
      await s.wait(s.vault.write.setFeeBps([0n], { account: s.outsider.account }));
    });
  });

  describe("pause matrix", () => {
    it("stops every new payment and nothing else", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      const relayer = { account: s.relayer.account };
      const module = { account: s.module.account };
      const fan = { account: s.fan.account };
      const credit = (name: string, source: number) => ({
        paymentRef: ref(name),
        fan: addr(s.fan),
        creator: addr(s.creator),
        amount: MESI(10),
        source,
        channel: 0,
        channelRef: zeroHash,
      });
      // State to unwind while paused.
      await s.wait(s.vault.write.tip([addr(s.creator), MESI(100), 0, zeroHash, zeroHash], fan));
      await s.wait(s.vault.write.tip([addr(s.creator2), MESI(100), 0, zeroHash, zeroHash], fan));
      await s.wait(
        s.vault.write.creditBatch([[credit("settle-me", Source.Fiat), credit("reverse-me", Source.Fiat)]], relayer),
      );
      await s.wait(s.vault.write.fundEscrow([addr(s.fan), addr(s.creator), MESI(50)], module));
      await s.wait(
        s.vault.write.tipWithStablecoin([s.usdc.address, addr(s.creator), USDC(1), 0n, 0, zeroHash, zeroHash], fan),
      );
      await s.wait(s.vault.write.pause({ account: s.pauser.account }));

      const deadline = BigInt(await time.latest()) + 3600n;
      const auth = {
        fan: addr(s.fan),
        creator: addr(s.creator),
        amount: 1n,
        channel: 0,
        channelRef: zeroHash,
        memoHash: zeroHash,
        nonce: 0n,
        deadline,
      };
      const signature = await signTip(s.fan, s.vault.address, auth);
      const payments: [string, () => Promise<Hex>][] = [
        ["tip", () => s.vault.write.tip([addr(s.creator), 1n, 0, zeroHash, zeroHash], fan)],
        [
          "tipWithPermit",
          () => s.vault.write.tipWithPermit([addr(s.creator), 1n, 0, zeroHash, zeroHash, NO_PERMIT], fan),
        ],
        ["tipBySig", () => s.vault.write.tipBySig([auth, signature, NO_PERMIT])],
        [
          "tipWithStablecoin",
          () => s.vault.write.tipWithStablecoin([s.usdc.address, addr(s.creator), 1n, 0n, 0, zeroHash, zeroHash], fan),
        ],
        [
          "tipWithStablecoinAuthorization",
          () =>
            s.vault.write.tipWithStablecoinAuthorization([
              {
                fan: addr(s.fan),
                stablecoin: s.usdc.address,
                creator: addr(s.creator),
                stableAmount: 1n,
                minMesiOut: 0n,
                channel: 0,
                channelRef: zeroHash,
                memoHash: zeroHash,
                validAfter: 0n,
                validBefore: deadline,
                salt: zeroHash,
              },
              27,
              zeroHash,
              zeroHash,
            ]),
        ],
        ["credit", () => s.vault.write.credit([credit("new-1", Source.Fiat)], relayer)],
        ["creditBatch", () => s.vault.write.creditBatch([[credit("new-2", Source.RelayerStablecoin)]], relayer)],
        ["collectAndCredit", () => s.vault.write.collectAndCredit([addr(s.fan), addr(s.creator), 1n], module)],
        [
          "collectStablecoinAndCredit",
          () =>
            s.vault.write.collectStablecoinAndCredit([addr(s.fan), s.usdc.address, 1n, 0n, addr(s.creator)], module),
        ],
        [
          "creditFromFloat",
          () => s.vault.write.creditFromFloat([ref("new-3"), addr(s.fan), addr(s.creator), 1n, Source.Fiat], module),
        ],
        ["fundEscrow", () => s.vault.write.fundEscrow([addr(s.fan), addr(s.creator), 1n], module)],
      ];
      for (const [name, pay] of payments) {
        await assert.doesNotReject(
          viem.assertions.revertWithCustomError(pay(), s.vault, "Vault_Paused"),
          `${name} should revert Vault_Paused`,
        );
      }

      // Everything else still works.
      await s.wait(s.vault.write.reverseCredit([ref("reverse-me")], relayer));
      await time.increase(HOLD);
      await s.wait(s.vault.write.settleCredits([[ref("settle-me")]]));
      await s.wait(s.vault.write.payOutEscrow([addr(s.creator), MESI(30), addr(s.fan), MESI(20)], module));
      await s.wait(s.vault.write.claim([addr(s.creator)], { account: s.creator.account }));
      await s.wait(s.vault.write.sweepFees([[addr(s.creator2)]]));
      await s.wait(s.vault.write.withdrawFees());
      await s.wait(s.mesi.write.approve([s.vault.address, MESI(1)]));
      await s.wait(s.vault.write.fundFloat([MESI(1)]));
      await s.wait(s.vault.write.withdrawFloat([addr(s.admin), MESI(1)]));
      await s.wait(s.vault.write.withdrawStablecoin([s.usdc.address, addr(s.admin), USDC(1)]));
      await s.wait(s.vault.write.blockFan([addr(s.fan2)], { account: s.creator.account }));
      await s.wait(s.vault.write.unblockFan([addr(s.fan2)], { account: s.creator.account }));
      await s.wait(s.vault.write.setFeeBps([500n]));
      // creator: 90 (tip) + 10 fiat settled − 1 fee + 30 escrow − 3 fee + 90 stablecoin tip (100 MESI − 10)
      assert.equal(await s.mesi.read.balanceOf([addr(s.creator)]), MESI(90 + 9 + 27 + 90));
      assert.equal(await s.mesi.read.balanceOf([addr(s.treasury)]), MESI(10 + 1 + 3 + 10 + 10));
    });
  });

  describe("access-control matrix", () => {
    type Call = (s: VaultSystem, account: VaultSystem["admin"]["account"]) => Promise<Hex>;
    const privileged: [string, Hex, Call][] = [
      [
        "credit",
        ROLES.relayer,
        (s, account) =>
          s.vault.write.credit(
            [
              {
                paymentRef: ref("x"),
                fan: addr(s.fan),
                creator: addr(s.creator),
                amount: 1n,
                source: Source.Fiat,
                channel: 0,
                channelRef: zeroHash,
              },
            ],
            { account },
          ),
      ],
      ["creditBatch", ROLES.relayer, (s, account) => s.vault.write.creditBatch([[]], { account })],
      ["reverseCredit", ROLES.relayer, (s, account) => s.vault.write.reverseCredit([ref("x")], { account })],
      ["openLedger", ROLES.module, (s, account) => s.vault.write.openLedger([addr(s.creator)], { account })],
      [
        "collectAndCredit",
        ROLES.module,
        (s, account) => s.vault.write.collectAndCredit([addr(s.fan), addr(s.creator), 1n], { account }),
      ],
      [
        "collectStablecoinAndCredit",
        ROLES.module,
        (s, account) =>
          s.vault.write.collectStablecoinAndCredit([addr(s.fan), s.usdc.address, 1n, 0n, addr(s.creator)], { account }),
      ],
      [
        "creditFromFloat",
        ROLES.module,
        (s, account) =>
          s.vault.write.creditFromFloat([ref("x"), addr(s.fan), addr(s.creator), 1n, Source.Fiat], { account }),
      ],
      ["setEscrowModule", ROLES.admin, (s, account) => s.vault.write.setEscrowModule([account.address], { account })],
      ["withdrawFloat", ROLES.admin, (s, account) => s.vault.write.withdrawFloat([account.address, 1n], { account })],
      [
        "withdrawStablecoin",
        ROLES.admin,
        (s, account) => s.vault.write.withdrawStablecoin([s.usdc.address, account.address, 1n], { account }),
      ],
      ["setFeeBps", ROLES.admin, (s, account) => s.vault.write.setFeeBps([0n], { account })],
      ["sweepExcess", ROLES.admin, (s, account) => s.vault.write.sweepExcess([[]], { account })],
      ["lockModules", ROLES.admin, (s, account) => s.vault.write.lockModules({ account })],
      ["scheduleModule", ROLES.admin, (s, account) => s.vault.write.scheduleModule([account.address], { account })],
      [
        "cancelModuleSchedule",
        ROLES.admin,
        (s, account) => s.vault.write.cancelModuleSchedule([account.address], { account }),
      ],
      ["setHoldPeriod", ROLES.admin, (s, account) => s.vault.write.setHoldPeriod([0n], { account })],
      ["setTreasury", ROLES.admin, (s, account) => s.vault.write.setTreasury([account.address], { account })],
      ["setConverter", ROLES.admin, (s, account) => s.vault.write.setConverter([account.address], { account })],
      [
        "grantRole",
        ROLES.admin,
        (s, account) => s.vault.write.grantRole([ROLES.relayer, account.address], { account }),
      ],
      [
        "revokeRole",
        ROLES.admin,
        (s, account) => s.vault.write.revokeRole([ROLES.relayer, addr(s.relayer)], { account }),
      ],
      ["pause", ROLES.pauser, (s, account) => s.vault.write.pause({ account })],
      ["unpause", ROLES.pauser, (s, account) => s.vault.write.unpause({ account })],
    ];

    it("every privileged function reverts AccessControlUnauthorizedAccount for every account without its role", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      const holders: Record<Hex, Address> = {
        [ROLES.admin]: addr(s.admin),
        [ROLES.relayer]: addr(s.relayer),
        [ROLES.module]: addr(s.module),
        [ROLES.pauser]: addr(s.pauser),
      };
      const accounts = [
        s.admin,
        s.pauser,
        s.relayer,
        s.module,
        s.fan,
        s.fan2,
        s.creator,
        s.creator2,
        s.treasury,
        s.outsider,
      ];
      let checked = 0;
      for (const [name, role, call] of privileged) {
        for (const w of accounts) {
          if (addr(w) === holders[role]) continue;
          assert.equal(await s.vault.read.hasRole([role, addr(w)]), false);
          await assert.doesNotReject(
            viem.assertions.revertWithCustomErrorWithArgs(
              call(s, w.account),
              s.vault,
              "AccessControlUnauthorizedAccount",
              [addr(w), role],
            ),
            `${name} by ${addr(w)}`,
          );
          checked++;
        }
      }
      assert.equal(checked, privileged.length * (accounts.length - 1));
    });

    it("refuses the default-admin transfer to every other account; every ABI function is in the matrix or open", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      const others = [s.pauser, s.relayer, s.module, s.fan, s.creator, s.treasury, s.outsider];
      const defaultAdminOnly = await assertDefaultAdminOnly(s.vault, viem.assertions, others);
      assertEveryFunctionListed("MesiVault", s.vault.abi, {
        // The matrix above, the escrow-module test below and the default-admin transfer just checked.
        guarded: [...privileged.map(([name]) => name), "fundEscrow", "payOutEscrow", ...defaultAdminOnly],
        openByDesign: {
          ...DEFAULT_ADMIN_RULES_OPEN,
          tip: "a fan pays from their own allowance",
          tipWithPermit: "a fan pays with their own permit",
          tipBySig: "anyone submits a fan's signed tip (the signature is checked)",
          tipWithStablecoin: "a fan pays from their own stablecoin allowance",
          tipWithStablecoinAuthorization: "anyone submits a fan's EIP-3009 authorization (checked by the token)",
          onTransferReceived: "ERC-1363 hook: only $MESI gets past Vault_NotMesi",
          claim: "a creator claims their own cleared earnings",
          openAccount: "any user opens their own Mesi account so others can pay them (msg.sender only)",
          settleCredits: "anyone settles credits whose hold has passed; the amounts are fixed",
          sweepFees: "anyone moves owed fees into the pool; the amounts are fixed",
          withdrawFees: "pays the fee pool only to the configured treasury",
          fundFloat: "only adds the caller's own $MESI to the float",
          blockFan: "a creator edits their own block list",
          unblockFan: "a creator edits their own block list",
        },
      });
    });

    it("fundEscrow and payOutEscrow revert Vault_NotEscrowModule for every account but the escrow module", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      assert.equal(await s.vault.read.escrowModule(), addr(s.module));
      const others = [s.admin, s.pauser, s.relayer, s.fan, s.fan2, s.creator, s.creator2, s.treasury, s.outsider];
      for (const w of others) {
        const account = w.account;
        for (const call of [
          s.vault.write.fundEscrow([addr(s.fan), addr(s.creator), 1n], { account }),
          s.vault.write.payOutEscrow([addr(s.creator), 0n, addr(s.fan), 1n], { account }),
        ]) {
          await viem.assertions.revertWithCustomErrorWithArgs(call, s.vault, "Vault_NotEscrowModule", [addr(w)]);
        }
      }
    });
  });

  describe("setEscrowModule", () => {
    it("names the escrow module (event), only while nothing is escrowed, and the new module takes over", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      const module = { account: s.module.account };
      await s.wait(s.vault.write.fundEscrow([addr(s.fan), addr(s.creator), MESI(5)], module));
      await viem.assertions.revertWithCustomErrorWithArgs(
        s.vault.write.setEscrowModule([addr(s.outsider)]),
        s.vault,
        "Vault_EscrowInUse",
        [addr(s.module), MESI(5)],
      );
      await s.wait(s.vault.write.payOutEscrow([addr(s.creator), 0n, addr(s.fan), MESI(5)], module));
      await viem.assertions.emitWithArgs(
        s.vault.write.setEscrowModule([addr(s.outsider)]),
        s.vault,
        "EscrowModuleUpdated",
        [addr(s.module), addr(s.outsider)],
      );
      assert.equal(await s.vault.read.escrowModule(), addr(s.outsider));
      await viem.assertions.revertWithCustomErrorWithArgs(
        s.vault.write.fundEscrow([addr(s.fan), addr(s.creator), 1n], module),
        s.vault,
        "Vault_NotEscrowModule",
        [addr(s.module)],
      );
      await s.wait(s.vault.write.fundEscrow([addr(s.fan), addr(s.creator), 1n], { account: s.outsider.account }));
      assert.equal(await s.vault.read.escrowed(), 1n);
      // Zero turns escrow off once it is empty again.
      await s.wait(s.vault.write.payOutEscrow([addr(s.creator), 1n, addr(s.fan), 0n], { account: s.outsider.account }));
      await s.wait(s.vault.write.setEscrowModule([zeroAddress]));
      assert.equal(await s.vault.read.escrowModule(), zeroAddress);
    });

    it("fundEscrow reverts Vault_EscrowFull past 2^96 - 1 escrowed in all", async () => {
      const s = await networkHelpers.loadFixture(deploy);
      const max = 2n ** 96n - 1n;
      await s.wait(s.mesi.write.transfer([addr(s.fan), max]));
      await s.wait(s.mesi.write.approve([s.vault.address, max + 1n], { account: s.fan.account }));
      const module = { account: s.module.account };
      await s.wait(s.vault.write.fundEscrow([addr(s.fan), addr(s.creator), max - 1n], module));
      await viem.assertions.revertWithCustomErrorWithArgs(
        s.vault.write.fundEscrow([addr(s.fan), addr(s.creator), 2n], module),
        s.vault,
        "Vault_EscrowFull",
        [2n, 1n],
      );
      await s.wait(s.vault.write.fundEscrow([addr(s.fan), addr(s.creator), 1n], module));
      assert.equal(await s.vault.read.escrowed(), max);
    });
  });
});
