import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { network } from "hardhat";
import {
  encodeAbiParameters,
  getAddress,
  keccak256,
  maxUint256,
  parseEventLogs,
  toHex,
  zeroAddress,
  zeroHash,
  type Address,
} from "viem";

import {
  assertDefaultAdminOnly,
  assertEveryFunctionListed,
  DEFAULT_ADMIN_RULES_OPEN,
} from "../fixtures/accessControl.ts";

import {
  readSessionState,
  sessionIdOf,
  SessionStatus as Status,
  type OneToOneSessionRecord,
} from "../../../deployments/src/one-to-one-session.ts";
import { assertVaultConservation, deployModules, MESI, ROLES, type Modules } from "../fixtures/modules.ts";
import { GAS_GOALS, measureTokenGas } from "../fixtures/gasBaselines.ts";
import { signMesiPermit } from "../fixtures/permit.ts";

const HOUR = 3600;
const DAY = 24 * HOUR;
const TTL = DAY;
const WINDOW = DAY;
const KYF_WINDOW = 2 * DAY;
const MIN_AMOUNT = MESI(100);
const AMOUNT = MESI(250);
const MINUTES = 15;
const FEE_BPS = 1000n;
const feeOf = (amount: bigint) => (amount * FEE_BPS) / 10_000n;
const hash = (s: string) => keccak256(toHex(s));
type Wallet = Modules["fan"];

describe("OneToOneEscrow", async () => {
  const connection = await network.create();
  const { networkHelpers } = connection;
  const { time } = networkHelpers;

  /** The system with `creator` and `creator2` offering 5–30 minute sessions from 100 MESI; fans approved the vault. */
  async function escrowFixture() {
    const m = await deployModules(connection);
    const { escrow, mesi, vault, creator, creator2, fan, fan2, other, wait } = m;
    for (const c of [creator, creator2]) {
      await wait(
        escrow.write.setSettings([{ enabled: true, minMinutes: 5, maxMinutes: 30, minAmount: MIN_AMOUNT }], {
          account: c.account,
        }),
      );
    }
    for (const w of [fan, fan2, other]) {
      await wait(mesi.write.approve([vault.address, maxUint256], { account: w.account }));
    }
    return m;
  }

  /** `fan` requested AMOUNT for MINUTES with `creator` (their first session: id1). */
  async function requestedFixture() {
    const m = await escrowFixture();
    await m.wait(m.escrow.write.request([m.creator.account.address, AMOUNT, MINUTES], { account: m.fan.account }));
    return m;
  }

  /** id1 accepted. */
  async function acceptedFixture() {
    const m = await requestedFixture();
    const id = sessionIdOf(m.fan.account.address, m.creator.account.address, 1n);
    await m.wait(m.escrow.write.accept([await recordOf(m, id)], { account: m.creator.account }));
    return m;
  }

  const load = () => networkHelpers.loadFixture(escrowFixture);
  const loadRequested = () => networkHelpers.loadFixture(requestedFixture);
  const loadAccepted = () => networkHelpers.loadFixture(acceptedFixture);
  const creatorsOf = (m: Modules): Address[] => [m.creator.account.address, m.creator2.account.address];
  /** The first session of `fan` with `creator`. */
  const firstId = (m: Modules) => sessionIdOf(m.fan.account.address, m.creator.account.address, 1n);
  const idOf = (fan: Wallet, creator: Wallet, seq = 1n) =>
    sessionIdOf(fan.account.address, creator.account.address, seq);
  /** Record and status rebuilt from the escrow's events, as the webapp does. */
  const stateOf = (m: Modules, id: bigint) => readSessionState(m.publicClient, { address: m.escrow.address }, id);
  async function recordOf(m: Modules, id: bigint): Promise<OneToOneSessionRecord> {
    return (await stateOf(m, id)).record;
  }
  /** The status kept on chain beside the commitment (the pair's latest session). */
  const statusOnChain = async (m: Modules, record: OneToOneSessionRecord) =>
    (await m.escrow.read.latestSessionOf([record.fan, record.creator]))[1];
  const blockTime = async (m: Modules, txHash: `0x${string}`) => {
    const receipt = await m.publicClient.waitForTransactionReceipt({ hash: txHash });
    return Number((await m.publicClient.getBlock({ blockNumber: receipt.blockNumber })).timestamp);
  };
  const endsOf = (record: OneToOneSessionRecord) => {
    const endsAt = record.startedAt + record.minutes_ * 60;
    return { endsAt, disputeEndsAt: endsAt + record.disputeWindow };
  };

  describe("deployment", () => {
    it("emits EscrowInitialized with the vault and both windows", async () => {
      const { escrow, vault, publicClient } = await load();
      const logs = await publicClient.getContractEvents({
        address: escrow.address,
        abi: escrow.abi,
        eventName: "EscrowInitialized",
        fromBlock: 0n,
      });
      assert.equal(logs.length, 1);
      assert.deepEqual(logs[0]?.args, {
        vault: getAddress(vault.address),
        requestTtl: BigInt(TTL),
        disputeWindow: BigInt(WINDOW),
      });
    });
  });

  describe("settings", () => {
    const U96_MAX = 2n ** 96n - 1n;
    const settingsOf = (m: Modules, w: Wallet) => m.escrow.read.settingsOf([w.account.address]);

    it("bounds are 5 and 30 minutes; a creator's settings default to all zeros (disabled)", async () => {
      const { escrow, fan, other, viem } = await load();
      assert.equal(await escrow.read.MIN_SESSION_MINUTES(), 5);
      assert.equal(await escrow.read.MAX_SESSION_MINUTES(), 30);
      assert.deepEqual(await escrow.read.settingsOf([other.account.address]), {
        enabled: false,
        minMinutes: 0,
        maxMinutes: 0,
        minAmount: 0n,
      });
      assert.equal(await escrow.read.busyUntil([other.account.address]), 0);
      await viem.assertions.revertWithCustomErrorWithArgs(
        escrow.write.request([other.account.address, AMOUNT, MINUTES], { account: fan.account }),
        escrow,
        "Escrow_OneToOneDisabled",
        [getAddress(other.account.address)],
      );
    });

    it("stores the settings and emits OneToOneSettingsUpdated with every field", async () => {
      const m = await load();
      const { escrow, creator, viem } = m;
      const settings = { enabled: true, minMinutes: 10, maxMinutes: 20, minAmount: MESI(3) };
      await viem.assertions.emitWithArgs(
        escrow.write.setSettings([settings], { account: creator.account }),
        escrow,
        "OneToOneSettingsUpdated",
        [getAddress(creator.account.address), true, MESI(3), 10, 20],
      );
      assert.deepEqual(await settingsOf(m, creator), settings);
    });

    it("accepts the duration bounds 5 and 30, equal min and max, and minAmount 2^96 - 1", async () => {
      const m = await load();
      for (const [minMinutes, maxMinutes] of [
        [5, 5],
        [30, 30],
        [5, 30],
      ] as const) {
        const settings = { enabled: true, minMinutes, maxMinutes, minAmount: U96_MAX };
        await m.escrow.write.setSettings([settings], { account: m.creator.account });
        assert.deepEqual(await settingsOf(m, m.creator), settings);
      }
    });

    it("accepts minAmount 0 while disabled", async () => {
      const m = await load();
      const settings = { enabled: false, minMinutes: 5, maxMinutes: 30, minAmount: 0n };
      await m.escrow.write.setSettings([settings], { account: m.creator.account });
      assert.deepEqual(await settingsOf(m, m.creator), settings);
    });

    it("reverts Escrow_InvalidDurationRange outside 5 <= min <= max <= 30, enabled or not", async () => {
      const { escrow, creator, viem } = await load();
      for (const enabled of [true, false]) {
        for (const [minMinutes, maxMinutes] of [
          [0, 0],
          [4, 30],
          [5, 31],
          [20, 10],
          [31, 31],
          [5, 255],
        ] as const) {
          await viem.assertions.revertWithCustomErrorWithArgs(
            escrow.write.setSettings([{ enabled, minMinutes, maxMinutes, minAmount: 1n }], {
              account: creator.account,
            }),
            escrow,
            "Escrow_InvalidDurationRange",
            [minMinutes, maxMinutes],
          );
        }
      }
    });

    it("reverts Escrow_InvalidMinAmount for 0 while enabled and above 2^96 - 1 (no session amount reaches it)", async () => {
      const { escrow, creator, viem } = await load();
      for (const [enabled, minAmount] of [
        [true, 0n],
        [true, U96_MAX + 1n],
        [false, U96_MAX + 1n],
        [false, maxUint256],
      ] as const) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          escrow.write.setSettings([{ enabled, minMinutes: 5, maxMinutes: 30, minAmount }], {
            account: creator.account,
          }),
          escrow,
          "Escrow_InvalidMinAmount",
          [minAmount],
        );
      }
    });

    it("only a creator registered in the registry may set settings: Escrow_NotRegistered for anyone else", async () => {
      const { escrow, admin, fan, moderator, other, viem } = await load();
      for (const w of [admin, fan, moderator, other]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          escrow.write.setSettings([{ enabled: true, minMinutes: 5, maxMinutes: 30, minAmount: 1n }], {
            account: w.account,
          }),
          escrow,
          "Escrow_NotRegistered",
          [getAddress(w.account.address)],
        );
      }
    });

    it("a change keeps the running session's busyUntil and applies to later requests only", async () => {
      const m = await loadAccepted();
      const { escrow, creator, fan2, viem } = m;
      const c = creator.account.address;
      const busy = await escrow.read.busyUntil([c]);
      assert.ok(busy > 0);
      // fan2 requests at the old minimum; then the creator raises it and narrows the durations.
      await escrow.write.request([c, MIN_AMOUNT, 5], { account: fan2.account });
      const settings = { enabled: true, minMinutes: 20, maxMinutes: 25, minAmount: AMOUNT * 2n };
      await escrow.write.setSettings([settings], { account: creator.account });
      assert.equal(await escrow.read.busyUntil([c]), busy);
      assert.deepEqual(await escrow.read.settingsOf([c]), settings);
      // The open request, made under the old settings, is still accepted once the creator is free; the
      // acceptance rewrites busyUntil and keeps the settings.
      await time.increaseTo(busy);
      const id = idOf(fan2, creator);
      const tx = await escrow.write.accept([await recordOf(m, id)], { account: creator.account });
      assert.equal(await escrow.read.busyUntil([c]), (await blockTime(m, tx)) + 5 * 60);
      assert.deepEqual(await escrow.read.settingsOf([c]), settings);
      await viem.assertions.revertWithCustomErrorWithArgs(
        escrow.write.request([c, AMOUNT, 20], { account: m.other.account }),
        escrow,
        "Escrow_AmountBelowMinimum",
        [AMOUNT, AMOUNT * 2n],
      );
    });
  });

  describe("request", () => {
    it("escrows the amount in the vault, commits the record and emits SessionRequested with every field", async () => {
      const m = await load();
      const { escrow, vault, mesi, creator, fan, viem } = m;
      const fanBefore = await mesi.read.balanceOf([fan.account.address]);
      const id = firstId(m);
      const { result } = await escrow.simulate.request([creator.account.address, AMOUNT, MINUTES], {
        account: fan.account.address,
      });
      assert.equal(result, id);
      assert.equal(await escrow.read.sessionIdOf([fan.account.address, creator.account.address, 1n]), id);
      const tx = await escrow.write.request([creator.account.address, AMOUNT, MINUTES], { account: fan.account });
      const requestedAt = await blockTime(m, tx);
      await viem.assertions.emitWithArgs(tx, escrow, "SessionRequested", [
        id,
        fan.account.address,
        creator.account.address,
        AMOUNT,
        MINUTES,
        requestedAt,
        requestedAt + TTL,
        WINDOW,
      ]);
      const receipt = await m.publicClient.waitForTransactionReceipt({ hash: tx });
      assert.deepEqual(
        parseEventLogs({ abi: vault.abi, logs: receipt.logs }).map((l) => l.eventName),
        [],
        "the vault emits nothing for escrow",
      );
      const state = await stateOf(m, id);
      const record = {
        fan: getAddress(fan.account.address),
        creator: getAddress(creator.account.address),
        amount: AMOUNT,
        minutes_: MINUTES,
        requestedAt,
        requestTtl: TTL,
        disputeWindow: WINDOW,
        kyfDeadline: 0,
        startedAt: 0,
      };
      assert.deepEqual(state, { sessionId: id, record, status: Status.Requested });
      assert.equal(await escrow.read.isCurrent([record]), true);
      assert.deepEqual(await escrow.read.latestSessionOf([fan.account.address, creator.account.address]), [
        id,
        Status.Requested,
      ]);
      assert.equal(await vault.read.escrowed(), AMOUNT);
      assert.equal(await mesi.read.balanceOf([fan.account.address]), fanBefore - AMOUNT);
      await assertVaultConservation(m, creatorsOf(m));
    });

    it("accepts the minimum amount and both duration bounds", async () => {
      const m = await load();
      const { escrow, creator, fan, fan2 } = m;
      await escrow.write.request([creator.account.address, MIN_AMOUNT, 5], { account: fan.account });
      await escrow.write.request([creator.account.address, MIN_AMOUNT, 30], { account: fan2.account });
      assert.equal((await recordOf(m, idOf(fan, creator))).minutes_, 5);
      assert.equal((await recordOf(m, idOf(fan2, creator))).minutes_, 30);
    });

    it("one open session per fan and creator: Escrow_SessionOpen until it ends, then the next seq", async () => {
      const m = await loadRequested();
      const { escrow, creator, creator2, fan, viem } = m;
      const id = firstId(m);
      await viem.assertions.revertWithCustomErrorWithArgs(
        escrow.write.request([creator.account.address, AMOUNT, MINUTES], { account: fan.account }),
        escrow,
        "Escrow_SessionOpen",
        [id, Status.Requested],
      );
      // Another creator is another pair.
      await escrow.write.request([creator2.account.address, AMOUNT, MINUTES], { account: fan.account });
      await escrow.write.cancel([await recordOf(m, id)], { account: fan.account });
      await escrow.write.request([creator.account.address, AMOUNT, MINUTES], { account: fan.account });
      const second = idOf(fan, creator, 2n);
      assert.equal(second, id + 1n);
      assert.deepEqual(await escrow.read.latestSessionOf([fan.account.address, creator.account.address]), [
        second,
        Status.Requested,
      ]);
      await escrow.write.accept([await recordOf(m, second)], { account: creator.account });
      await viem.assertions.revertWithCustomErrorWithArgs(
        escrow.write.request([creator.account.address, AMOUNT, MINUTES], { account: fan.account }),
        escrow,
        "Escrow_SessionOpen",
        [second, Status.Accepted],
      );
      await escrow.write.report([await recordOf(m, second), zeroHash], { account: fan.account });
      await viem.assertions.revertWithCustomErrorWithArgs(
        escrow.write.request([creator.account.address, AMOUNT, MINUTES], { account: fan.account }),
        escrow,
        "Escrow_SessionOpen",
        [second, Status.Disputed],
      );
    });

    it("reverts Escrow_SelfSession, Escrow_OneToOneDisabled, Escrow_AmountBelowMinimum, Escrow_InvalidDuration", async () => {
      const { escrow, creator, creator2, fan, viem } = await load();
      const c = creator.account.address;
      await viem.assertions.revertWithCustomErrorWithArgs(
        escrow.write.request([c, AMOUNT, MINUTES], { account: creator.account }),
        escrow,
        "Escrow_SelfSession",
        [c],
      );
      await escrow.write.setSettings([{ enabled: false, minMinutes: 5, maxMinutes: 30, minAmount: MIN_AMOUNT }], {
        account: creator2.account,
      });
      await viem.assertions.revertWithCustomErrorWithArgs(
        escrow.write.request([creator2.account.address, AMOUNT, MINUTES], { account: fan.account }),
        escrow,
        "Escrow_OneToOneDisabled",
        [creator2.account.address],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        escrow.write.request([c, MIN_AMOUNT - 1n, MINUTES], { account: fan.account }),
        escrow,
        "Escrow_AmountBelowMinimum",
        [MIN_AMOUNT - 1n, MIN_AMOUNT],
      );
      await escrow.write.setSettings([{ enabled: true, minMinutes: 10, maxMinutes: 20, minAmount: MIN_AMOUNT }], {
        account: creator.account,
      });
      for (const minutes of [9, 21]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          escrow.write.request([c, AMOUNT, minutes], { account: fan.account }),
          escrow,
          "Escrow_InvalidDuration",
          [minutes, 10, 20],
        );
      }
      await escrow.write.setSettings([{ enabled: false, minMinutes: 10, maxMinutes: 20, minAmount: MIN_AMOUNT }], {
        account: creator.account,
      });
      await viem.assertions.revertWithCustomErrorWithArgs(
        escrow.write.request([c, AMOUNT, 15], { account: fan.account }),
        escrow,
        "Escrow_OneToOneDisabled",
        [c],
      );
    });

    it("reverts SafeCastOverflowedUintDowncast for an amount above uint96", async () => {
      const { escrow, creator, fan, viem } = await load();
      await viem.assertions.revertWithCustomErrorWithArgs(
        escrow.write.request([creator.account.address, 2n ** 96n, MINUTES], { account: fan.account }),
        escrow,
        "SafeCastOverflowedUintDowncast",
        [96, 2n ** 96n],
      );
    });

    it("a blocked fan cannot request (Vault_Blocked)", async () => {
      const { escrow, vault, creator, fan, viem } = await load();
      await vault.write.blockFan([fan.account.address], { account: creator.account });
      await viem.assertions.revertWithCustomErrorWithArgs(
        escrow.write.request([creator.account.address, AMOUNT, MINUTES], { account: fan.account }),
        vault,
        "Vault_Blocked",
        [creator.account.address, fan.account.address],
      );
      assert.deepEqual(await escrow.read.latestSessionOf([fan.account.address, creator.account.address]), [
        0n,
        Status.None,
      ]);
    });

    it("requestWithPermit escrows with a permit and no prior allowance, also when front-run", async () => {
      const m = await load();
      const { escrow, mesi, vault, creator, creator2, fan, other } = m;
      await mesi.write.approve([vault.address, 0n], { account: fan.account });
      const deadline = BigInt((await time.latest()) + HOUR);
      const permit = await signMesiPermit(fan, mesi, vault.address, AMOUNT, deadline);
      await escrow.write.requestWithPermit([creator.account.address, AMOUNT, MINUTES, permit], {
        account: fan.account,
      });
      assert.equal((await recordOf(m, firstId(m))).amount, AMOUNT);
      const permit2 = await signMesiPermit(fan, mesi, vault.address, AMOUNT, deadline);
      await mesi.write.permit(
        [fan.account.address, vault.address, permit2.value, permit2.deadline, permit2.v, permit2.r, permit2.s],
        { account: other.account },
      );
      await escrow.write.requestWithPermit([creator2.account.address, AMOUNT, MINUTES, permit2], {
        account: fan.account,
      });
      assert.equal(await vault.read.escrowed(), AMOUNT * 2n);
    });

    it("requestWithPermit reverts ERC20InsufficientAllowance with a bad permit and no allowance", async () => {
      const { escrow, mesi, vault, creator, fan, viem } = await load();
      await mesi.write.approve([vault.address, 0n], { account: fan.account });
      const permit = { value: AMOUNT, deadline: maxUint256, v: 27, r: zeroHash, s: zeroHash };
      await viem.assertions.revertWithCustomErrorWithArgs(
        escrow.write.requestWithPermit([creator.account.address, AMOUNT, MINUTES, permit], { account: fan.account }),
        mesi,
        "ERC20InsufficientAllowance",
        [vault.address, 0n, AMOUNT],
      );
    });
  });

  describe("request by transferAndCall (wallet path, no approval)", () => {
    const requestData = (creator: Address, minutes: number) =>
      encodeAbiParameters([{ type: "address" }, { type: "uint8" }], [creator, minutes]);
    const requestByTransfer = (m: Modules, fan: Wallet, creator: Address, amount = AMOUNT, minutes = MINUTES) =>
      m.mesi.write.transferAndCall([m.vault.address, amount, requestData(creator, minutes)], { account: fan.account });

    it("escrows through the vault's hook, records the same session and needs no allowance", async () => {
      const m = await load();
      const { escrow, vault, mesi, creator, fan, viem } = m;
      await m.wait(mesi.write.approve([vault.address, 0n], { account: fan.account }));
      assert.equal(
        await vault.read.encodeSessionRequestData([creator.account.address, MINUTES]),
        requestData(creator.account.address, MINUTES),
      );
      const fanBefore = await mesi.read.balanceOf([fan.account.address]);
      const id = firstId(m);
      const tx = await requestByTransfer(m, fan, creator.account.address);
      const requestedAt = await blockTime(m, tx);
      await viem.assertions.emitWithArgs(tx, escrow, "SessionRequested", [
        id,
        getAddress(fan.account.address),
        getAddress(creator.account.address),
        AMOUNT,
        MINUTES,
        requestedAt,
        requestedAt + TTL,
        WINDOW,
      ]);
      assert.equal(await vault.read.escrowed(), AMOUNT);
      assert.equal(await mesi.read.balanceOf([fan.account.address]), fanBefore - AMOUNT);
      assert.equal(await mesi.read.allowance([fan.account.address, vault.address]), 0n);
      await assertVaultConservation(m, creatorsOf(m));
      // The session runs its course like any other.
      await m.wait(escrow.write.accept([await recordOf(m, id)], { account: creator.account }));
      await time.increase(MINUTES * 60 + WINDOW + 1);
      await m.wait(escrow.write.release([await recordOf(m, id)]));
      assert.equal(await vault.read.escrowed(), 0n);
      assert.deepEqual(await vault.read.earningsOf([creator.account.address]), [
        AMOUNT - feeOf(AMOUNT),
        0n,
        feeOf(AMOUNT),
      ]);
    });

    it("every refusal reverts the transfer: the escrow's checks, blocks, pause, zero amount, bad data", async () => {
      const m = await load();
      const { escrow, vault, mesi, creator, fan, admin } = m;
      const c = creator.account.address;
      // The creator holds $MESI too, to try paying themselves.
      await m.wait(mesi.write.transfer([c, AMOUNT], { account: fan.account }));
      const fanBefore = await mesi.read.balanceOf([fan.account.address]);
      const refused: [
        string,
        () => Promise<`0x${string}`>,
        { address: Address; abi: typeof escrow.abi | typeof vault.abi },
        string,
        readonly unknown[],
      ][] = [
        [
          "below the minimum",
          () => requestByTransfer(m, fan, c, MIN_AMOUNT - 1n),
          escrow,
          "Escrow_AmountBelowMinimum",
          [MIN_AMOUNT - 1n, MIN_AMOUNT],
        ],
        ["too long", () => requestByTransfer(m, fan, c, AMOUNT, 31), escrow, "Escrow_InvalidDuration", [31, 5, 30]],
        ["to oneself", () => requestByTransfer(m, creator, c), vault, "Vault_SelfPayment", [getAddress(c)]],
        ["zero amount", () => requestByTransfer(m, fan, c, 0n), vault, "Vault_AmountZero", []],
        [
          "a dirty address word",
          () =>
            mesi.write.transferAndCall(
              [
                vault.address,
                AMOUNT,
                encodeAbiParameters([{ type: "uint256" }, { type: "uint8" }], [2n ** 160n, MINUTES]),
              ],
              { account: fan.account },
            ),
          vault,
          "Vault_InvalidTipData",
          [64n],
        ],
        [
          "minutes above uint8",
          () =>
            mesi.write.transferAndCall(
              [vault.address, AMOUNT, encodeAbiParameters([{ type: "address" }, { type: "uint256" }], [c, 256n])],
              { account: fan.account },
            ),
          vault,
          "Vault_InvalidTipData",
          [64n],
        ],
      ];
      for (const [label, call, contract, error, args] of refused) {
        await assert.doesNotReject(
          m.viem.assertions.revertWithCustomErrorWithArgs(call(), contract as never, error, args as unknown[]),
          label,
        );
      }
      await m.wait(vault.write.blockFan([fan.account.address], { account: creator.account }));
      await m.viem.assertions.revertWithCustomErrorWithArgs(requestByTransfer(m, fan, c), vault, "Vault_Blocked", [
        getAddress(c),
        getAddress(fan.account.address),
      ]);
      await m.wait(vault.write.unblockFan([fan.account.address], { account: creator.account }));
      await m.wait(vault.write.pause({ account: admin.account }));
      await m.viem.assertions.revertWithCustomError(requestByTransfer(m, fan, c), vault, "Vault_Paused");
      await m.wait(vault.write.unpause({ account: admin.account }));
      assert.equal(await mesi.read.balanceOf([fan.account.address]), fanBefore);
      assert.equal(await vault.read.escrowed(), 0n);
      // An open session with the same creator: the second request is refused by the escrow.
      await m.wait(requestByTransfer(m, fan, c));
      await m.viem.assertions.revertWithCustomErrorWithArgs(
        requestByTransfer(m, fan, c),
        escrow,
        "Escrow_SessionOpen",
        [firstId(m), Status.Requested],
      );
    });

    it("onEscrowFunded only from the vault (Escrow_NotVault); no escrow module named: Vault_NoEscrowModule", async () => {
      const m = await load();
      const { escrow, vault, creator, fan, admin } = m;
      await m.viem.assertions.revertWithCustomErrorWithArgs(
        escrow.write.onEscrowFunded([fan.account.address, creator.account.address, AMOUNT, MINUTES], {
          account: fan.account,
        }),
        escrow,
        "Escrow_NotVault",
        [getAddress(fan.account.address)],
      );
      await m.wait(vault.write.setEscrowModule([zeroAddress], { account: admin.account }));
      await m.viem.assertions.revertWithCustomError(
        requestByTransfer(m, fan, creator.account.address),
        vault,
        "Vault_NoEscrowModule",
      );
    });
  });

  describe("record", () => {
    it("every call refuses a record that is not the current one with Escrow_SessionMismatch(latest id)", async () => {
      const m = await loadAccepted();
      const { escrow, creator, fan, other, moderator, viem } = m;
      const id = firstId(m);
      const current = await recordOf(m, id);
      const forged = { ...current, amount: current.amount * 2n };
      const stale = { ...current, startedAt: 0 };
      for (const record of [forged, stale]) {
        assert.equal(await escrow.read.isCurrent([record]), false);
        const calls = [
          () => escrow.write.accept([record], { account: creator.account }),
          () => escrow.write.decline([record], { account: creator.account }),
          () => escrow.write.requestKyf([record], { account: creator.account }),
          () => escrow.write.cancel([record], { account: fan.account }),
          () => escrow.write.report([record, zeroHash], { account: fan.account }),
          () => escrow.write.expire([record], { account: other.account }),
          () => escrow.write.expireKyf([record], { account: other.account }),
          () => escrow.write.release([record], { account: other.account }),
          () => escrow.write.resolve([record, 5000, zeroHash], { account: moderator.account }),
        ];
        for (const call of calls) {
          await viem.assertions.revertWithCustomErrorWithArgs(call(), escrow, "Escrow_SessionMismatch", [id]);
        }
      }
      assert.equal(await escrow.read.isCurrent([current]), true);
    });

    it("a pair without a session: Escrow_SessionMismatch with seq 0; isCurrent false", async () => {
      const m = await load();
      const { escrow, creator, fan, viem } = m;
      const record = {
        fan: fan.account.address,
        creator: creator.account.address,
        amount: AMOUNT,
        minutes_: MINUTES,
        requestedAt: 0,
        requestTtl: 0,
        disputeWindow: 0,
        kyfDeadline: 0,
        startedAt: 0,
      };
      assert.equal(await escrow.read.isCurrent([record]), false);
      await viem.assertions.revertWithCustomErrorWithArgs(
        escrow.write.accept([record], { account: creator.account }),
        escrow,
        "Escrow_SessionMismatch",
        [idOf(fan, creator, 0n)],
      );
    });

    it("an earlier session's record no longer matches once the pair requests again", async () => {
      const m = await loadRequested();
      const { escrow, creator, fan, viem } = m;
      const first = await recordOf(m, firstId(m));
      await escrow.write.decline([first], { account: creator.account });
      await time.increase(1);
      await escrow.write.request([creator.account.address, AMOUNT, MINUTES], { account: fan.account });
      assert.equal(await escrow.read.isCurrent([first]), false);
      await viem.assertions.revertWithCustomErrorWithArgs(
        escrow.write.decline([first], { account: creator.account }),
        escrow,
        "Escrow_SessionMismatch",
        [idOf(fan, creator, 2n)],
      );
    });
  });

  describe("accept", () => {
    it("starts the clock, marks the creator busy and emits SessionAccepted with startedAt/endsAt/disputeEndsAt", async () => {
      const m = await loadRequested();
      const { escrow, creator, fan, viem } = m;
      const id = firstId(m);
      const tx = await escrow.write.accept([await recordOf(m, id)], { account: creator.account });
      const startedAt = await blockTime(m, tx);
      const endsAt = startedAt + MINUTES * 60;
      await viem.assertions.emitWithArgs(tx, escrow, "SessionAccepted", [
        id,
        fan.account.address,
        creator.account.address,
        startedAt,
        endsAt,
        endsAt + WINDOW,
      ]);
      const { record, status } = await stateOf(m, id);
      assert.equal(status, Status.Accepted);
      assert.equal(await statusOnChain(m, record), Status.Accepted);
      assert.equal(record.startedAt, startedAt);
      assert.equal(await escrow.read.isCurrent([record]), true);
      assert.equal(await escrow.read.busyUntil([creator.account.address]), endsAt);
    });

    it("reverts Escrow_NotCreator and Escrow_WrongStatus", async () => {
      const m = await loadRequested();
      const { escrow, creator, fan, viem } = m;
      const id = firstId(m);
      const record = await recordOf(m, id);
      await viem.assertions.revertWithCustomErrorWithArgs(
        escrow.write.accept([record], { account: fan.account }),
        escrow,
        "Escrow_NotCreator",
        [id, fan.account.address],
      );
      await escrow.write.accept([record], { account: creator.account });
      await viem.assertions.revertWithCustomErrorWithArgs(
        escrow.write.accept([await recordOf(m, id)], { account: creator.account }),
        escrow,
        "Escrow_WrongStatus",
        [id, Status.Accepted],
      );
    });

    it("reverts Escrow_RequestExpired from requestedAt + requestTtl on", async () => {
      const m = await loadRequested();
      const { escrow, creator, viem } = m;
      const record = await recordOf(m, firstId(m));
      const expiresAt = record.requestedAt + TTL;
      await time.setNextBlockTimestamp(expiresAt);
      await viem.assertions.revertWithCustomErrorWithArgs(
        escrow.write.accept([record], { account: creator.account }),
        escrow,
        "Escrow_RequestExpired",
        [firstId(m), expiresAt],
      );
    });

    it("one session at a time: Escrow_CreatorBusy until the running session ends", async () => {
      const m = await loadRequested();
      const { escrow, creator, fan2, viem } = m;
      await escrow.write.request([creator.account.address, AMOUNT, 5], { account: fan2.account });
      await escrow.write.accept([await recordOf(m, firstId(m))], { account: creator.account });
      const busyUntil = await escrow.read.busyUntil([creator.account.address]);
      const second = await recordOf(m, idOf(fan2, creator));
      await time.setNextBlockTimestamp(busyUntil - 1);
      await viem.assertions.revertWithCustomErrorWithArgs(
        escrow.write.accept([second], { account: creator.account }),
        escrow,
        "Escrow_CreatorBusy",
        [creator.account.address, busyUntil],
      );
      await time.setNextBlockTimestamp(busyUntil);
      await escrow.write.accept([second], { account: creator.account });
      assert.equal(await escrow.read.busyUntil([creator.account.address]), busyUntil + 5 * 60);
    });

    it("accepting works while the vault is paused (no money moves)", async () => {
      const m = await loadRequested();
      const { escrow, vault, creator } = m;
      await vault.write.pause();
      await escrow.write.accept([await recordOf(m, firstId(m))], { account: creator.account });
      assert.equal((await stateOf(m, firstId(m))).status, Status.Accepted);
    });
  });

  describe("decline / cancel / expire (refunds)", () => {
    it("decline refunds the fan in full and emits SessionRefunded(Declined)", async () => {
      const m = await loadRequested();
      const { escrow, vault, mesi, creator, fan, viem } = m;
      const id = firstId(m);
      const before = await mesi.read.balanceOf([fan.account.address]);
      const record = await recordOf(m, id);
      await viem.assertions.emitWithArgs(
        escrow.write.decline([record], { account: creator.account }),
        escrow,
        "SessionRefunded",
        [id, fan.account.address, creator.account.address, Status.Declined, AMOUNT],
      );
      assert.equal(await mesi.read.balanceOf([fan.account.address]), before + AMOUNT);
      assert.equal(await vault.read.escrowed(), 0n);
      assert.equal(await statusOnChain(m, record), Status.Declined);
      assert.equal((await stateOf(m, id)).status, Status.Declined);
      await assertVaultConservation(m, creatorsOf(m));
    });

    it("decline reverts Escrow_NotCreator, and Escrow_WrongStatus once refunded", async () => {
      const m = await loadRequested();
      const { escrow, creator, fan, viem } = m;
      const id = firstId(m);
      const record = await recordOf(m, id);
      await viem.assertions.revertWithCustomErrorWithArgs(
        escrow.write.decline([record], { account: fan.account }),
        escrow,
        "Escrow_NotCreator",
        [id, fan.account.address],
      );
      await escrow.write.decline([record], { account: creator.account });
      await viem.assertions.revertWithCustomErrorWithArgs(
        escrow.write.decline([record], { account: creator.account }),
        escrow,
        "Escrow_WrongStatus",
        [id, Status.Declined],
      );
    });

    it("cancel refunds the fan and emits SessionRefunded(Cancelled); only the fan, only while Requested", async () => {
      const m = await loadRequested();
      const { escrow, mesi, creator, fan, viem } = m;
      const id = firstId(m);
      const record = await recordOf(m, id);
      await viem.assertions.revertWithCustomErrorWithArgs(
        escrow.write.cancel([record], { account: creator.account }),
        escrow,
        "Escrow_NotFan",
        [id, creator.account.address],
      );
      const before = await mesi.read.balanceOf([fan.account.address]);
      await viem.assertions.emitWithArgs(
        escrow.write.cancel([record], { account: fan.account }),
        escrow,
        "SessionRefunded",
        [id, fan.account.address, creator.account.address, Status.Cancelled, AMOUNT],
      );
      assert.equal(await mesi.read.balanceOf([fan.account.address]), before + AMOUNT);
      await viem.assertions.revertWithCustomErrorWithArgs(
        escrow.write.cancel([record], { account: fan.account }),
        escrow,
        "Escrow_WrongStatus",
        [id, Status.Cancelled],
      );
    });

    it("cancel reverts Escrow_WrongStatus once accepted", async () => {
      const m = await loadAccepted();
      const { escrow, fan, viem } = m;
      await viem.assertions.revertWithCustomErrorWithArgs(
        escrow.write.cancel([await recordOf(m, firstId(m))], { account: fan.account }),
        escrow,
        "Escrow_WrongStatus",
        [firstId(m), Status.Accepted],
      );
    });

    it("expire: anyone refunds from requestedAt + requestTtl on (Escrow_RequestNotExpired before)", async () => {
      const m = await loadRequested();
      const { escrow, creator, fan, other, viem } = m;
      const id = firstId(m);
      const record = await recordOf(m, id);
      const expiresAt = record.requestedAt + TTL;
      await time.setNextBlockTimestamp(expiresAt - 1);
      await viem.assertions.revertWithCustomErrorWithArgs(
        escrow.write.expire([record], { account: other.account }),
        escrow,
        "Escrow_RequestNotExpired",
        [id, expiresAt],
      );
      await time.setNextBlockTimestamp(expiresAt);
      await viem.assertions.emitWithArgs(
        escrow.write.expire([record], { account: other.account }),
        escrow,
        "SessionRefunded",
        [id, fan.account.address, creator.account.address, Status.Expired, AMOUNT],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        escrow.write.expire([record], { account: other.account }),
        escrow,
        "Escrow_WrongStatus",
        [id, Status.Expired],
      );
    });
  });

  describe("KYF", () => {
    it("requestKyf asks the KYF registry on the creator's behalf and emits SessionKyfRequested with the deadline", async () => {
      const m = await loadRequested();
      const { escrow, kyf, creator, fan, viem } = m;
      const id = firstId(m);
      const tx = await escrow.write.requestKyf([await recordOf(m, id)], { account: creator.account });
      const now = await blockTime(m, tx);
      await viem.assertions.emitWithArgs(tx, escrow, "SessionKyfRequested", [
        id,
        fan.account.address,
        creator.account.address,
        now + KYF_WINDOW,
      ]);
      await viem.assertions.emitWithArgs(tx, kyf, "DisclosureRequested", [
        creator.account.address,
        fan.account.address,
        BigInt(now),
        BigInt(now + KYF_WINDOW),
      ]);
      const { record, status } = await stateOf(m, id);
      assert.equal(record.kyfDeadline, now + KYF_WINDOW);
      assert.equal(status, Status.Requested);
      assert.equal(await escrow.read.isCurrent([record]), true);
    });

    it("requestKyf reverts Escrow_NotCreator, Escrow_KyfAlreadyRequested, Escrow_RequestExpired, Escrow_WrongStatus", async () => {
      const m = await loadRequested();
      const { escrow, creator, fan, fan2, viem } = m;
      const id = firstId(m);
      await viem.assertions.revertWithCustomErrorWithArgs(
        escrow.write.requestKyf([await recordOf(m, id)], { account: fan.account }),
        escrow,
        "Escrow_NotCreator",
        [id, fan.account.address],
      );
      await escrow.write.requestKyf([await recordOf(m, id)], { account: creator.account });
      await viem.assertions.revertWithCustomErrorWithArgs(
        escrow.write.requestKyf([await recordOf(m, id)], { account: creator.account }),
        escrow,
        "Escrow_KyfAlreadyRequested",
        [id],
      );
      await escrow.write.request([creator.account.address, AMOUNT, MINUTES], { account: fan2.account });
      const id2 = idOf(fan2, creator);
      const record2 = await recordOf(m, id2);
      const expiresAt = record2.requestedAt + TTL;
      await time.setNextBlockTimestamp(expiresAt);
      await viem.assertions.revertWithCustomErrorWithArgs(
        escrow.write.requestKyf([record2], { account: creator.account }),
        escrow,
        "Escrow_RequestExpired",
        [id2, expiresAt],
      );
      await escrow.write.decline([record2], { account: creator.account });
      await viem.assertions.revertWithCustomErrorWithArgs(
        escrow.write.requestKyf([record2], { account: creator.account }),
        escrow,
        "Escrow_WrongStatus",
        [id2, Status.Declined],
      );
    });

    it("accept needs the fan's consent (Escrow_KyfConsentMissing), and consent keeps the request open past the TTL", async () => {
      const m = await loadRequested();
      const { escrow, kyf, creator, fan, viem } = m;
      const id = firstId(m);
      await escrow.write.requestKyf([await recordOf(m, id)], { account: creator.account });
      const record = await recordOf(m, id);
      await viem.assertions.revertWithCustomErrorWithArgs(
        escrow.write.accept([record], { account: creator.account }),
        escrow,
        "Escrow_KyfConsentMissing",
        [id, fan.account.address],
      );
      await kyf.write.attest([fan.account.address, 2, BigInt(record.kyfDeadline + 10 * DAY)]);
      await time.increase(30 * HOUR); // past the 24 h request TTL, inside the 48 h consent window
      await kyf.write.consent([creator.account.address], { account: fan.account });
      await escrow.write.accept([record], { account: creator.account });
      assert.equal((await stateOf(m, id)).status, Status.Accepted);
    });

    it("without consent the request is refunded after the 48 h window: expireKyf emits SessionRefunded(KyfExpired)", async () => {
      const m = await loadRequested();
      const { escrow, mesi, creator, fan, other, viem } = m;
      const id = firstId(m);
      await escrow.write.requestKyf([await recordOf(m, id)], { account: creator.account });
      const record = await recordOf(m, id);
      const deadline = record.kyfDeadline;
      await time.setNextBlockTimestamp(deadline - 1);
      await viem.assertions.revertWithCustomErrorWithArgs(
        escrow.write.expireKyf([record], { account: other.account }),
        escrow,
        "Escrow_KyfWindowOpen",
        [id, deadline],
      );
      // The TTL passed long ago, but the request stays open for the consent window.
      await viem.assertions.revertWithCustomErrorWithArgs(
        escrow.write.expire([record], { account: other.account }),
        escrow,
        "Escrow_RequestNotExpired",
        [id, deadline],
      );
      const before = await mesi.read.balanceOf([fan.account.address]);
      await time.setNextBlockTimestamp(deadline);
      await viem.assertions.emitWithArgs(
        escrow.write.expireKyf([record], { account: other.account }),
        escrow,
        "SessionRefunded",
        [id, fan.account.address, creator.account.address, Status.KyfExpired, AMOUNT],
      );
      assert.equal(await mesi.read.balanceOf([fan.account.address]), before + AMOUNT);
      await assertVaultConservation(m, creatorsOf(m));
    });

    it("expire after the KYF deadline without consent also records KyfExpired", async () => {
      const m = await loadRequested();
      const { escrow, creator, fan, other, viem } = m;
      const id = firstId(m);
      await escrow.write.requestKyf([await recordOf(m, id)], { account: creator.account });
      const record = await recordOf(m, id);
      await time.setNextBlockTimestamp(record.kyfDeadline);
      await viem.assertions.emitWithArgs(
        escrow.write.expire([record], { account: other.account }),
        escrow,
        "SessionRefunded",
        [id, fan.account.address, creator.account.address, Status.KyfExpired, AMOUNT],
      );
    });

    it("expire after the KYF deadline with consent but no acceptance records Expired", async () => {
      const m = await loadRequested();
      const { escrow, kyf, creator, fan, other, viem } = m;
      const id = firstId(m);
      await escrow.write.requestKyf([await recordOf(m, id)], { account: creator.account });
      const record = await recordOf(m, id);
      const deadline = record.kyfDeadline;
      await kyf.write.attest([fan.account.address, 1, BigInt(deadline + 10 * DAY)]);
      await kyf.write.consent([creator.account.address], { account: fan.account });
      await time.setNextBlockTimestamp(deadline);
      await viem.assertions.revertWithCustomErrorWithArgs(
        escrow.write.accept([record], { account: creator.account }),
        escrow,
        "Escrow_RequestExpired",
        [id, deadline],
      );
      await viem.assertions.emitWithArgs(
        escrow.write.expire([record], { account: other.account }),
        escrow,
        "SessionRefunded",
        [id, fan.account.address, creator.account.address, Status.Expired, AMOUNT],
      );
    });

    it("expireKyf reverts Escrow_KyfNotRequested, Escrow_KyfConsented and Escrow_WrongStatus", async () => {
      const m = await loadRequested();
      const { escrow, kyf, creator, fan, other, viem } = m;
      const id = firstId(m);
      await viem.assertions.revertWithCustomErrorWithArgs(
        escrow.write.expireKyf([await recordOf(m, id)], { account: other.account }),
        escrow,
        "Escrow_KyfNotRequested",
        [id],
      );
      await escrow.write.requestKyf([await recordOf(m, id)], { account: creator.account });
      const record = await recordOf(m, id);
      await kyf.write.attest([fan.account.address, 1, BigInt(record.kyfDeadline + 10 * DAY)]);
      await kyf.write.consent([creator.account.address], { account: fan.account });
      await time.setNextBlockTimestamp(record.kyfDeadline);
      await viem.assertions.revertWithCustomErrorWithArgs(
        escrow.write.expireKyf([record], { account: other.account }),
        escrow,
        "Escrow_KyfConsented",
        [id],
      );
      await escrow.write.expire([record], { account: other.account });
      await viem.assertions.revertWithCustomErrorWithArgs(
        escrow.write.expireKyf([record], { account: other.account }),
        escrow,
        "Escrow_WrongStatus",
        [id, Status.Expired],
      );
    });
  });

  describe("report", () => {
    it("the fan reports until endsAt + disputeWindow (inclusive) and emits SessionDisputed", async () => {
      const m = await loadAccepted();
      const { escrow, creator, fan, viem } = m;
      const id = firstId(m);
      const record = await recordOf(m, id);
      await time.setNextBlockTimestamp(endsOf(record).disputeEndsAt);
      await viem.assertions.emitWithArgs(
        escrow.write.report([record, hash("evidence")], { account: fan.account }),
        escrow,
        "SessionDisputed",
        [id, fan.account.address, creator.account.address, hash("evidence")],
      );
      assert.equal(await statusOnChain(m, record), Status.Disputed);
      assert.equal((await stateOf(m, id)).status, Status.Disputed);
    });

    it("reverts Escrow_DisputeWindowClosed after the window, Escrow_NotFan, Escrow_WrongStatus", async () => {
      const m = await loadAccepted();
      const { escrow, creator, fan, fan2, viem } = m;
      const id = firstId(m);
      const record = await recordOf(m, id);
      await viem.assertions.revertWithCustomErrorWithArgs(
        escrow.write.report([record, zeroHash], { account: creator.account }),
        escrow,
        "Escrow_NotFan",
        [id, creator.account.address],
      );
      await escrow.write.request([creator.account.address, AMOUNT, MINUTES], { account: fan2.account });
      const id2 = idOf(fan2, creator);
      await viem.assertions.revertWithCustomErrorWithArgs(
        escrow.write.report([await recordOf(m, id2), zeroHash], { account: fan2.account }),
        escrow,
        "Escrow_WrongStatus",
        [id2, Status.Requested],
      );
      const { disputeEndsAt } = endsOf(record);
      await time.setNextBlockTimestamp(disputeEndsAt + 1);
      await viem.assertions.revertWithCustomErrorWithArgs(
        escrow.write.report([record, zeroHash], { account: fan.account }),
        escrow,
        "Escrow_DisputeWindowClosed",
        [id, disputeEndsAt],
      );
    });

    it("a fan the creator blocked can still report, also while the vault is paused", async () => {
      const m = await loadAccepted();
      const { escrow, vault, creator, fan } = m;
      await vault.write.blockFan([fan.account.address], { account: creator.account });
      await vault.write.pause();
      await escrow.write.report([await recordOf(m, firstId(m)), hash("blocked mid-call")], { account: fan.account });
      assert.equal((await stateOf(m, firstId(m))).status, Status.Disputed);
    });
  });

  describe("release", () => {
    it("anyone releases after endsAt + disputeWindow: creator credited minus the fee, SessionReleased", async () => {
      const m = await loadAccepted();
      const { escrow, vault, creator, fan, other, viem } = m;
      const id = firstId(m);
      const record = await recordOf(m, id);
      const { disputeEndsAt } = endsOf(record);
      await time.setNextBlockTimestamp(disputeEndsAt);
      await viem.assertions.revertWithCustomErrorWithArgs(
        escrow.write.release([record], { account: other.account }),
        escrow,
        "Escrow_DisputeWindowOpen",
        [id, disputeEndsAt],
      );
      await time.setNextBlockTimestamp(disputeEndsAt + 1);
      const tx = await escrow.write.release([record], { account: other.account });
      await viem.assertions.emitWithArgs(tx, escrow, "SessionReleased", [
        id,
        fan.account.address,
        creator.account.address,
        AMOUNT,
        feeOf(AMOUNT),
      ]);
      const receipt = await m.publicClient.waitForTransactionReceipt({ hash: tx });
      assert.deepEqual(
        parseEventLogs({ abi: vault.abi, logs: receipt.logs }).map((l) => l.eventName),
        [],
        "the vault emits nothing for escrow",
      );
      assert.deepEqual(await vault.read.earningsOf([creator.account.address]), [
        AMOUNT - feeOf(AMOUNT),
        0n,
        feeOf(AMOUNT),
      ]);
      assert.equal(await vault.read.escrowed(), 0n);
      assert.equal(await statusOnChain(m, record), Status.Released);
      assert.equal(await escrow.read.isCurrent([record]), true, "the record stays current after the payout");
      await assertVaultConservation(m, creatorsOf(m));
      await viem.assertions.revertWithCustomErrorWithArgs(
        escrow.write.release([record], { account: other.account }),
        escrow,
        "Escrow_WrongStatus",
        [id, Status.Released],
      );
    });

    it("reverts Escrow_WrongStatus for a requested or disputed session", async () => {
      const m = await loadAccepted();
      const { escrow, creator, fan, fan2, other, viem } = m;
      await escrow.write.request([creator.account.address, AMOUNT, MINUTES], { account: fan2.account });
      const id2 = idOf(fan2, creator);
      await viem.assertions.revertWithCustomErrorWithArgs(
        escrow.write.release([await recordOf(m, id2)], { account: other.account }),
        escrow,
        "Escrow_WrongStatus",
        [id2, Status.Requested],
      );
      const record = await recordOf(m, firstId(m));
      await escrow.write.report([record, zeroHash], { account: fan.account });
      await time.increase(10 * DAY);
      await viem.assertions.revertWithCustomErrorWithArgs(
        escrow.write.release([record], { account: other.account }),
        escrow,
        "Escrow_WrongStatus",
        [firstId(m), Status.Disputed],
      );
    });
  });

  describe("resolve", () => {
    it("splits a disputed session: creatorBps to the creator (fee on that part only), the rest to the fan", async () => {
      const m = await loadAccepted();
      const { escrow, vault, mesi, creator, fan, moderator, viem } = m;
      const id = firstId(m);
      const record = await recordOf(m, id);
      await escrow.write.report([record, hash("no-show")], { account: fan.account });
      const creatorAmount = (AMOUNT * 7000n) / 10_000n;
      const fanAmount = AMOUNT - creatorAmount;
      const fanBefore = await mesi.read.balanceOf([fan.account.address]);
      const tx = escrow.write.resolve([record, 7000, hash("note")], { account: moderator.account });
      await viem.assertions.emitWithArgs(tx, escrow, "SessionResolved", [
        id,
        moderator.account.address,
        7000,
        creatorAmount,
        fanAmount,
        feeOf(creatorAmount),
        hash("note"),
      ]);
      assert.equal(await mesi.read.balanceOf([fan.account.address]), fanBefore + fanAmount);
      assert.deepEqual(await vault.read.earningsOf([creator.account.address]), [
        creatorAmount - feeOf(creatorAmount),
        0n,
        feeOf(creatorAmount),
      ]);
      assert.equal((await stateOf(m, id)).status, Status.Resolved);
      assert.equal(await statusOnChain(m, record), Status.Resolved);
      await assertVaultConservation(m, creatorsOf(m));
      await viem.assertions.revertWithCustomErrorWithArgs(
        escrow.write.resolve([record, 7000, zeroHash], { account: moderator.account }),
        escrow,
        "Escrow_WrongStatus",
        [id, Status.Resolved],
      );
    });

    it("0 bps refunds everything without a fee; 10,000 bps pays everything to the creator", async () => {
      const m = await loadAccepted();
      const { escrow, vault, creator, fan, fan2, moderator, viem } = m;
      const id = firstId(m);
      const record = await recordOf(m, id);
      await escrow.write.report([record, zeroHash], { account: fan.account });
      await viem.assertions.emitWithArgs(
        escrow.write.resolve([record, 0, zeroHash], { account: moderator.account }),
        escrow,
        "SessionResolved",
        [id, moderator.account.address, 0, 0n, AMOUNT, 0n, zeroHash],
      );
      await time.increase(MINUTES * 60);
      await escrow.write.request([creator.account.address, AMOUNT, MINUTES], { account: fan2.account });
      const id2 = idOf(fan2, creator);
      await escrow.write.accept([await recordOf(m, id2)], { account: creator.account });
      const record2 = await recordOf(m, id2);
      await escrow.write.report([record2, zeroHash], { account: fan2.account });
      await viem.assertions.emitWithArgs(
        escrow.write.resolve([record2, 10_000, zeroHash], { account: moderator.account }),
        escrow,
        "SessionResolved",
        [id2, moderator.account.address, 10_000, AMOUNT, 0n, feeOf(AMOUNT), zeroHash],
      );
      assert.equal(await vault.read.escrowed(), 0n);
    });

    it("reverts Escrow_InvalidBps above 10,000 and Escrow_WrongStatus when not disputed", async () => {
      const m = await loadAccepted();
      const { escrow, moderator, viem } = m;
      const record = await recordOf(m, firstId(m));
      await viem.assertions.revertWithCustomErrorWithArgs(
        escrow.write.resolve([record, 10_001, zeroHash], { account: moderator.account }),
        escrow,
        "Escrow_InvalidBps",
        [10_001],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        escrow.write.resolve([record, 5000, zeroHash], { account: moderator.account }),
        escrow,
        "Escrow_WrongStatus",
        [firstId(m), Status.Accepted],
      );
    });
  });

  describe("pause", () => {
    it("stops requests (Vault_Paused) but never refunds, releases or resolutions", async () => {
      const m = await load();
      const { escrow, vault, creator, creator2, fan, fan2, other, moderator, viem } = m;
      const c = creator.account.address;
      const c2 = creator2.account.address;
      // Decline, cancel, expire, KYF expiry, release, resolution: one fan–creator pair each.
      const pairs = [
        [fan, c],
        [fan2, c],
        [other, c2],
        [fan, c2],
        [fan2, c2],
        [other, c],
      ] as const;
      for (const [w, to] of pairs) await escrow.write.request([to, AMOUNT, 5], { account: w.account });
      const ids = pairs.map(([w, to]) => sessionIdOf(w.account.address, to, 1n));
      const [toDecline, toCancel, toExpire, toExpireKyf, toRelease, toResolve] = ids as [
        bigint,
        bigint,
        bigint,
        bigint,
        bigint,
        bigint,
      ];
      await escrow.write.requestKyf([await recordOf(m, toExpireKyf)], { account: creator2.account });
      await escrow.write.accept([await recordOf(m, toRelease)], { account: creator2.account });
      await escrow.write.accept([await recordOf(m, toResolve)], { account: creator.account });
      await escrow.write.report([await recordOf(m, toResolve), zeroHash], { account: other.account });

      await vault.write.pause();
      // Every pair above has its session open: a new pair asks.
      const permit = { value: 0n, deadline: 0n, v: 27, r: zeroHash, s: zeroHash };
      await viem.assertions.revertWithCustomError(
        escrow.write.request([c2, AMOUNT, 5], { account: moderator.account }),
        vault,
        "Vault_Paused",
      );
      await viem.assertions.revertWithCustomError(
        escrow.write.requestWithPermit([c2, AMOUNT, 5, permit], { account: moderator.account }),
        vault,
        "Vault_Paused",
      );
      await escrow.write.decline([await recordOf(m, toDecline)], { account: creator.account });
      await escrow.write.cancel([await recordOf(m, toCancel)], { account: fan2.account });
      await escrow.write.resolve([await recordOf(m, toResolve), 5000, zeroHash], { account: moderator.account });
      await time.increase(3 * DAY);
      await escrow.write.expire([await recordOf(m, toExpire)], { account: other.account });
      await escrow.write.expireKyf([await recordOf(m, toExpireKyf)], { account: other.account });
      await escrow.write.release([await recordOf(m, toRelease)], { account: other.account });
      const statuses = [];
      for (const id of ids) statuses.push((await stateOf(m, id)).status);
      assert.deepEqual(statuses, [
        Status.Declined,
        Status.Cancelled,
        Status.Expired,
        Status.KyfExpired,
        Status.Released,
        Status.Resolved,
      ]);
      assert.equal(await vault.read.escrowed(), 0n);
      await assertVaultConservation(m, creatorsOf(m));
    });
  });

  describe("blocks", () => {
    it("blocking the fan never stops a refund or a release", async () => {
      const m = await loadAccepted();
      const { escrow, vault, mesi, creator, fan, fan2, other } = m;
      await escrow.write.request([creator.account.address, AMOUNT, 5], { account: fan2.account });
      await vault.write.blockFan([fan.account.address], { account: creator.account });
      await vault.write.blockFan([fan2.account.address], { account: creator.account });
      const before = await mesi.read.balanceOf([fan2.account.address]);
      await escrow.write.decline([await recordOf(m, idOf(fan2, creator))], { account: creator.account });
      assert.equal(await mesi.read.balanceOf([fan2.account.address]), before + AMOUNT);
      await time.increase(MINUTES * 60 + WINDOW + 1);
      await escrow.write.release([await recordOf(m, firstId(m))], { account: other.account });
      assert.equal((await stateOf(m, firstId(m))).status, Status.Released);
      assert.equal(await vault.read.escrowed(), 0n);
      await assertVaultConservation(m, creatorsOf(m));
    });
  });

  describe("admin", () => {
    it("setRequestTtl and setDisputeWindow within bounds emit the old and new values", async () => {
      const { escrow, viem } = await load();
      await viem.assertions.emitWithArgs(escrow.write.setRequestTtl([300n]), escrow, "RequestTtlUpdated", [
        BigInt(TTL),
        300n,
      ]);
      await viem.assertions.emitWithArgs(escrow.write.setRequestTtl([30n * 86400n]), escrow, "RequestTtlUpdated", [
        300n,
        30n * 86400n,
      ]);
      assert.equal(await escrow.read.requestTtl(), 30n * 86400n);
      await viem.assertions.emitWithArgs(escrow.write.setDisputeWindow([3600n]), escrow, "DisputeWindowUpdated", [
        BigInt(WINDOW),
        3600n,
      ]);
      await escrow.write.setDisputeWindow([30n * 86400n]);
      assert.equal(await escrow.read.disputeWindow(), 30n * 86400n);
    });

    it("reverts Escrow_InvalidWindow outside the bounds", async () => {
      const { escrow, viem } = await load();
      for (const s of [299n, 30n * 86400n + 1n]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          escrow.write.setRequestTtl([s]),
          escrow,
          "Escrow_InvalidWindow",
          [s],
        );
      }
      for (const s of [3599n, 30n * 86400n + 1n]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          escrow.write.setDisputeWindow([s]),
          escrow,
          "Escrow_InvalidWindow",
          [s],
        );
      }
    });

    it("a new request TTL applies to requests made from then on (each record keeps its own)", async () => {
      const m = await loadRequested();
      const { escrow, creator, fan2, other, viem } = m;
      const id = firstId(m);
      const record = await recordOf(m, id);
      await escrow.write.setRequestTtl([300n]);
      await escrow.write.request([creator.account.address, AMOUNT, MINUTES], { account: fan2.account });
      const newer = await recordOf(m, idOf(fan2, creator));
      assert.equal(newer.requestTtl, 300);
      await time.increase(300);
      await viem.assertions.revertWithCustomErrorWithArgs(
        escrow.write.expire([record], { account: other.account }),
        escrow,
        "Escrow_RequestNotExpired",
        [id, record.requestedAt + TTL],
      );
      await escrow.write.expire([newer], { account: other.account });
      assert.equal((await stateOf(m, idOf(fan2, creator))).status, Status.Expired);
    });

    it("a new dispute window applies to requests made from then on (accepted sessions keep theirs)", async () => {
      const m = await loadAccepted();
      const { escrow, other, viem } = m;
      const id = firstId(m);
      const record = await recordOf(m, id);
      await escrow.write.setDisputeWindow([3600n]);
      await time.increase(MINUTES * 60 + 3601);
      await viem.assertions.revertWithCustomErrorWithArgs(
        escrow.write.release([record], { account: other.account }),
        escrow,
        "Escrow_DisputeWindowOpen",
        [id, endsOf(record).disputeEndsAt],
      );
      await time.increase(WINDOW);
      await escrow.write.release([record], { account: other.account });
      assert.equal((await stateOf(m, id)).status, Status.Released);
    });

    it("supports ERC-165 and AccessControl interfaces", async () => {
      const { escrow } = await load();
      for (const id of ["0x01ffc9a7", "0x7965db0b", "0x31498786"] as const) {
        assert.equal(await escrow.read.supportsInterface([id]), true, id);
      }
    });
  });

  describe("access control matrix", () => {
    it("every privileged function refuses an account without its role and accepts one with it", async () => {
      const m = await loadAccepted();
      const { escrow, admin, moderator, fan, other, viem } = m;
      const record = await recordOf(m, firstId(m));
      await escrow.write.report([record, zeroHash], { account: fan.account });
      type W = typeof admin;
      const cases = [
        {
          name: "setRequestTtl",
          role: ROLES.admin,
          allowed: admin,
          call: (w: W) => escrow.write.setRequestTtl([3600n], { account: w.account }),
        },
        {
          name: "setDisputeWindow",
          role: ROLES.admin,
          allowed: admin,
          call: (w: W) => escrow.write.setDisputeWindow([7200n], { account: w.account }),
        },
        {
          name: "resolve",
          role: ROLES.moderator,
          allowed: moderator,
          call: (w: W) => escrow.write.resolve([record, 5000, zeroHash], { account: w.account }),
        },
        {
          name: "grantRole",
          role: ROLES.admin,
          allowed: admin,
          call: (w: W) => escrow.write.grantRole([ROLES.moderator, other.account.address], { account: w.account }),
        },
        {
          name: "revokeRole",
          role: ROLES.admin,
          allowed: admin,
          call: (w: W) => escrow.write.revokeRole([ROLES.moderator, moderator.account.address], { account: w.account }),
        },
      ];
      for (const c of cases) {
        for (const intruder of [fan, other]) {
          await viem.assertions.revertWithCustomErrorWithArgs(
            c.call(intruder),
            escrow,
            "AccessControlUnauthorizedAccount",
            [intruder.account.address, c.role],
          );
        }
        await c.call(c.allowed);
      }
      assert.equal(await escrow.read.hasRole([ROLES.moderator, moderator.account.address]), false);
      assert.equal(await escrow.read.hasRole([ROLES.moderator, other.account.address]), true);
      assert.equal((await stateOf(m, firstId(m))).status, Status.Resolved);
      // zeroAddress has no role either.
      assert.equal(await escrow.read.hasRole([ROLES.moderator, zeroAddress]), false);
      const defaultAdminOnly = await assertDefaultAdminOnly(escrow, viem.assertions, [fan, other, moderator]);
      assertEveryFunctionListed("OneToOneEscrow", escrow.abi, {
        guarded: [...cases.map(({ name }) => name), ...defaultAdminOnly],
        openByDesign: {
          ...DEFAULT_ADMIN_RULES_OPEN,
          request: "a fan escrows their own $MESI",
          requestWithPermit: "a fan escrows their own $MESI with their permit",
          onEscrowFunded: "only the vault gets past Escrow_NotVault (the ERC-1363 request path)",
          cancel: "only the session's fan (Escrow_NotFan)",
          report: "only the session's fan (Escrow_NotFan)",
          setSettings: "a registered creator sets their own settings",
          accept: "only the session's creator (Escrow_NotCreator)",
          decline: "only the session's creator (Escrow_NotCreator)",
          requestKyf: "only the session's creator (Escrow_NotCreator)",
          expire: "anyone, once the request has expired: the refund goes to the fan",
          expireKyf: "anyone, once the KYF deadline passed without consent: the refund goes to the fan",
          release: "anyone, once the dispute window has closed: the payout goes to the creator",
        },
      });
    });
  });

  // Coverage instrumentation adds gas to every statement: the figures only mean something without it.
  describe("gas", { skip: process.env.HARDHAT_COVERAGE === "true" && "not measured under coverage" }, () => {
    it("request + accept + release: first session of a pair, then the same pair again", async () => {
      const m = await load();
      const { escrow, creator, creator2, fan, fan2, other, publicClient } = m;
      const gas = async (tx: Promise<`0x${string}`>) =>
        (await publicClient.waitForTransactionReceipt({ hash: await tx })).gasUsed;
      // Other sessions are pending in production, so the vault's `escrowed` is never zero in steady state.
      await escrow.write.request([creator2.account.address, AMOUNT, 5], { account: fan2.account });
      const c = creator.account.address;
      const cycle = async (seq: bigint) => {
        const id = idOf(fan, creator, seq);
        const request = await gas(escrow.write.request([c, AMOUNT, MINUTES], { account: fan.account }));
        const accept = await gas(escrow.write.accept([await recordOf(m, id)], { account: creator.account }));
        await time.increase(MINUTES * 60 + WINDOW + 1);
        const release = await gas(escrow.write.release([await recordOf(m, id)], { account: other.account }));
        return { request, accept, release, total: request + accept + release };
      };
      const first = await cycle(1n);
      const steady = await cycle(2n);
      // The ratio's baseline is measured in this run (the bench's bare ERC-20); the goal itself is enforced by the
      // bench on the ERC-1363 request path (scripts/lib/gas/goals.ts), this test requests through the allowance.
      const BARE_TRANSFER_FROM = (await measureTokenGas(connection))[GAS_GOALS.oneToOneLifecycle.baseline] ?? 0n;
      assert.ok(BARE_TRANSFER_FROM > 0n, "the bench measured its token baselines");
      for (const [name, g] of [
        ["first ", first],
        ["steady", steady],
      ] as const) {
        console.log(
          `      gas ${name}: request ${g.request}, accept ${g.accept}, release ${g.release}, total ${g.total}` +
            ` (${(Number(g.total) / Number(BARE_TRANSFER_FROM)).toFixed(2)}x transferFrom)`,
        );
      }
      // Regression ceilings for the repeat session (the bench's figure; see bench/gas-snapshot.json).
      assert.ok(steady.request <= 80_000n, `request ${steady.request}`);
      assert.ok(steady.accept <= 41_000n, `accept ${steady.accept}`);
      assert.ok(steady.release <= 54_000n, `release ${steady.release}`);
    });
  });
});
