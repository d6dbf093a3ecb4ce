import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";

import { network } from "hardhat";
import { encodeFunctionData, getAddress, keccak256, pad, toHex, zeroAddress, zeroHash, type Account } from "viem";

import {
  assertDefaultAdminOnly,
  assertEveryFunctionListed,
  DEFAULT_ADMIN_RULES_OPEN,
} from "../fixtures/accessControl.ts";

const MODERATOR_ROLE = keccak256(toHex("MODERATOR_ROLE"));
const DEFAULT_ADMIN_ROLE = zeroHash;

const Category = { Other: 0, BlockedAfterPayment: 1, NoShow: 2, Harassment: 3, Fraud: 4, IllegalContent: 5 } as const;
const Status = { None: 0, Open: 1, Upheld: 2, Dismissed: 3 } as const;

const evidence = keccak256(toHex("evidence.pdf"));
const note = keccak256(toHex("moderator note"));
const sessionRef = pad(toHex(42n), { size: 32 });

describe("AbuseReports", async () => {
  const { viem, networkHelpers } = await network.create();
  const wallets = await viem.getWalletClients();
  const wallet = (index: number) => {
    const found = wallets[index];
    if (found === undefined) throw new Error(`no wallet ${index}`);
    return found;
  };
  const admin = wallet(0);
  const moderator = wallet(1);
  const reporter = wallet(2);
  const subject = wallet(3);
  const other = wallet(4);
  const stranger = wallet(5);
  const addr = (c: { account: { address: `0x${string}` } }) => getAddress(c.account.address);
  const as = (c: { account: Account }) => ({ account: c.account });

  async function deployFixture() {
    const reports = await viem.deployContract("AbuseReports", [0, admin.account.address]);
    await reports.write.grantRole([MODERATOR_ROLE, moderator.account.address]);
    return reports;
  }

  let reports: Awaited<ReturnType<typeof deployFixture>>;

  async function nextTimestamp(delta = 10n): Promise<bigint> {
    const t = BigInt(await networkHelpers.time.latest()) + delta;
    await networkHelpers.time.setNextBlockTimestamp(t);
    return t;
  }

  async function file(category: number = Category.NoShow) {
    await reports.write.fileReport([subject.account.address, category, sessionRef, evidence], as(reporter));
    return reports.read.reportCount();
  }

  beforeEach(async () => {
    reports = await networkHelpers.loadFixture(deployFixture);
  });

  it("deploys with the admin, zero delay, the moderator role constant and no reports", async () => {
    assert.equal(await reports.read.hasRole([DEFAULT_ADMIN_ROLE, admin.account.address]), true);
    assert.equal(await reports.read.defaultAdminDelay(), 0);
    assert.equal(await reports.read.MODERATOR_ROLE(), MODERATOR_ROLE);
    assert.equal(await reports.read.reportCount(), 0n);
  });

  describe("fileReport", () => {
    it("stores an open report, returns id 1 and emits ReportFiled", async () => {
      const { result } = await reports.simulate.fileReport(
        [subject.account.address, Category.NoShow, sessionRef, evidence],
        { account: reporter.account.address },
      );
      assert.equal(result, 1n);

      const t = await nextTimestamp();
      await viem.assertions.emitWithArgs(
        reports.write.fileReport([subject.account.address, Category.NoShow, sessionRef, evidence], as(reporter)),
        reports,
        "ReportFiled",
        [1n, addr(reporter), addr(subject), Category.NoShow, sessionRef, evidence],
      );
      assert.equal(await reports.read.reportCount(), 1n);
      assert.deepEqual(await reports.read.reportOf([1n]), {
        reporter: addr(reporter),
        category: Category.NoShow,
        status: Status.Open,
        filedAt: t,
        subject: addr(subject),
        resolvedAt: 0n,
        relatedRef: sessionRef,
        evidenceHash: evidence,
      });
    });

    it("numbers reports sequentially from 1, across reporters", async () => {
      for (let i = 1n; i <= 3n; i++) {
        await viem.assertions.emitWithArgs(
          reports.write.fileReport([subject.account.address, Category.Fraud, zeroHash, evidence], as(reporter)),
          reports,
          "ReportFiled",
          [i, addr(reporter), addr(subject), Category.Fraud, zeroHash, evidence],
        );
      }
      await reports.write.fileReport([reporter.account.address, Category.Harassment, zeroHash, evidence], as(other));
      assert.equal(await reports.read.reportCount(), 4n);
      const fourth = await reports.read.reportOf([4n]);
      assert.equal(fourth.reporter, addr(other));
      assert.equal(fourth.subject, addr(reporter));
    });

    it("accepts every category and a zero relatedRef", async () => {
      for (const category of Object.values(Category)) {
        const id = await file(category);
        const report = await reports.read.reportOf([id]);
        assert.equal(report.category, category);
      }
      await reports.write.fileReport([subject.account.address, Category.Other, zeroHash, evidence], as(reporter));
      assert.equal((await reports.read.reportOf([7n])).relatedRef, zeroHash);
    });

    it("rejects a category outside the enum", async () => {
      const data = encodeFunctionData({
        abi: reports.abi,
        functionName: "fileReport",
        args: [subject.account.address, Category.Other, zeroHash, evidence],
      });
      // Patch the category word (second argument) to 6, which is past the enum.
      const bad = (data.slice(0, 10 + 64) + (6).toString(16).padStart(64, "0") + data.slice(10 + 128)) as `0x${string}`;
      await assert.rejects(reporter.sendTransaction({ to: reports.address, data: bad }));
      assert.equal(await reports.read.reportCount(), 0n);
    });

    it("reverts with Reports_InvalidSubject for the zero address and for the reporter themselves", async () => {
      await viem.assertions.revertWithCustomErrorWithArgs(
        reports.write.fileReport([zeroAddress, Category.Other, zeroHash, evidence], as(reporter)),
        reports,
        "Reports_InvalidSubject",
        [zeroAddress],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        reports.write.fileReport([reporter.account.address, Category.Other, zeroHash, evidence], as(reporter)),
        reports,
        "Reports_InvalidSubject",
        [addr(reporter)],
      );
    });

    it("reverts with Reports_EvidenceRequired for a zero evidence hash", async () => {
      await viem.assertions.revertWithCustomError(
        reports.write.fileReport([subject.account.address, Category.Other, sessionRef, zeroHash], as(reporter)),
        reports,
        "Reports_EvidenceRequired",
      );
    });
  });

  describe("resolveReport", () => {
    it("upholds an open report, stamps resolvedAt and emits ReportResolved", async () => {
      const id = await file();
      const t = await nextTimestamp();
      await viem.assertions.emitWithArgs(
        reports.write.resolveReport([id, true, note], as(moderator)),
        reports,
        "ReportResolved",
        [id, addr(moderator), true, note],
      );
      const report = await reports.read.reportOf([id]);
      assert.equal(report.status, Status.Upheld);
      assert.equal(report.resolvedAt, t);
      // The rest of the report is unchanged.
      assert.equal(report.reporter, addr(reporter));
      assert.equal(report.evidenceHash, evidence);
    });

    it("dismisses an open report (zero note allowed)", async () => {
      const id = await file();
      await viem.assertions.emitWithArgs(
        reports.write.resolveReport([id, false, zeroHash], as(moderator)),
        reports,
        "ReportResolved",
        [id, addr(moderator), false, zeroHash],
      );
      assert.equal((await reports.read.reportOf([id])).status, Status.Dismissed);
    });

    it("resolves reports independently", async () => {
      const a = await file();
      const b = await file();
      await reports.write.resolveReport([b, true, note], as(moderator));
      assert.equal((await reports.read.reportOf([a])).status, Status.Open);
      assert.equal((await reports.read.reportOf([b])).status, Status.Upheld);
    });

    it("reverts with Reports_UnknownReport for id 0 and ids past the count", async () => {
      await file();
      for (const id of [0n, 2n, 2n ** 256n - 1n]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          reports.write.resolveReport([id, true, note], as(moderator)),
          reports,
          "Reports_UnknownReport",
          [id],
        );
      }
    });

    it("reverts with Reports_AlreadyResolved(id, status) on a second resolution", async () => {
      const upheld = await file();
      await reports.write.resolveReport([upheld, true, note], as(moderator));
      const dismissed = await file();
      await reports.write.resolveReport([dismissed, false, note], as(moderator));
      for (const [id, status] of [
        [upheld, Status.Upheld],
        [dismissed, Status.Dismissed],
      ] as const) {
        for (const again of [true, false]) {
          await viem.assertions.revertWithCustomErrorWithArgs(
            reports.write.resolveReport([id, again, note], as(moderator)),
            reports,
            "Reports_AlreadyResolved",
            [id, status],
          );
        }
      }
    });
  });

  describe("reportOf", () => {
    it("reads an unknown report as all zeros with status None", async () => {
      const report = await reports.read.reportOf([9n]);
      assert.equal(report.status, Status.None);
      assert.equal(report.reporter, zeroAddress);
      assert.equal(report.filedAt, 0n);
    });
  });

  describe("access control", () => {
    it("resolveReport reverts with AccessControlUnauthorizedAccount for every account without MODERATOR_ROLE", async () => {
      const id = await file();
      const lacking = [admin, reporter, subject, other, stranger];
      for (const account of lacking) {
        assert.equal(await reports.read.hasRole([MODERATOR_ROLE, account.account.address]), false);
        await viem.assertions.revertWithCustomErrorWithArgs(
          reports.write.resolveReport([id, true, note], as(account)),
          reports,
          "AccessControlUnauthorizedAccount",
          [addr(account), MODERATOR_ROLE],
        );
      }
      assert.equal((await reports.read.reportOf([id])).status, Status.Open);
    });

    it("grantRole/revokeRole revert for every account without DEFAULT_ADMIN_ROLE", async () => {
      for (const account of [moderator, reporter, subject, other, stranger]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          reports.write.grantRole([MODERATOR_ROLE, account.account.address], as(account)),
          reports,
          "AccessControlUnauthorizedAccount",
          [addr(account), DEFAULT_ADMIN_ROLE],
        );
        await viem.assertions.revertWithCustomErrorWithArgs(
          reports.write.revokeRole([MODERATOR_ROLE, moderator.account.address], as(account)),
          reports,
          "AccessControlUnauthorizedAccount",
          [addr(account), DEFAULT_ADMIN_ROLE],
        );
      }
    });

    it("refuses the default-admin transfer to every other account; every ABI function is in the matrix or open", async () => {
      const defaultAdminOnly = await assertDefaultAdminOnly(reports, viem.assertions, [moderator, reporter, other]);
      assertEveryFunctionListed("AbuseReports", reports.abi, {
        // The two tests above, and the default-admin transfer just checked.
        guarded: ["resolveReport", "grantRole", "revokeRole", ...defaultAdminOnly],
        openByDesign: { ...DEFAULT_ADMIN_RULES_OPEN, fileReport: "anyone reports abuse, in their own name" },
      });
    });

    it("a moderator whose role was revoked can no longer resolve", async () => {
      const id = await file();
      await reports.write.revokeRole([MODERATOR_ROLE, moderator.account.address]);
      await viem.assertions.revertWithCustomErrorWithArgs(
        reports.write.resolveReport([id, true, note], as(moderator)),
        reports,
        "AccessControlUnauthorizedAccount",
        [addr(moderator), MODERATOR_ROLE],
      );
    });
  });
});
