// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import { Test } from "forge-std/Test.sol";
import { StdInvariant } from "forge-std/StdInvariant.sol";

import { AbuseReports } from "../../../contracts/AbuseReports.sol";
import { IAbuseReports } from "../../../contracts/interfaces/IAbuseReports.sol";

/// @notice Files reports from random reporters and resolves them, counting successful resolutions per id and keeping
/// each report as filed (reporter, subject, category, evidence, time) to compare with what the contract stores.
/// @dev Bounded: a resolution picks an open report (the first from a random start), so that it must succeed; a second
/// resolution and a resolution of an unknown id are attempted on purpose and must be refused. The counts are asserted
/// after each run (see the invariant test).
contract ReportsHandler is Test {
    AbuseReports internal immutable reports;
    address internal immutable moderator;

    uint256 public ghostFiled;
    mapping(uint256 reportId => uint256) public ghostResolutions;
    mapping(uint256 reportId => bool) public ghostUpheld;
    /// @notice Each report as filed, and when it was resolved.
    mapping(uint256 reportId => IAbuseReports.Report) internal _filed;
    mapping(uint256 reportId => uint64) public ghostResolvedAt;
    /// @notice Resolutions that went through although they had to be refused (must stay 0).
    uint256 public wronglyAccepted;
    uint256 public reachedUpheld;
    uint256 public reachedDismissed;
    uint256 public refusedAlreadyResolved;
    uint256 public refusedUnknown;
    uint256 public calls;
    uint256 public idle;

    modifier counted() {
        ++calls;
        _;
    }

    function filedAs(uint256 reportId) external view returns (IAbuseReports.Report memory) {
        return _filed[reportId];
    }

    constructor(AbuseReports reports_, address moderator_) {
        reports = reports_;
        moderator = moderator_;
    }

    function file(
        address reporter,
        address subject,
        uint8 category,
        bytes32 relatedRef,
        bytes32 evidence
    ) external counted {
        if (subject == address(0) || subject == reporter) subject = address(uint160(reporter) ^ 1);
        if (subject == address(0)) subject = address(2);
        if (evidence == bytes32(0)) evidence = keccak256(abi.encode(reporter, relatedRef));
        IAbuseReports.Category cat = IAbuseReports.Category(bound(category, 0, 5));
        vm.prank(reporter);
        uint256 id = reports.fileReport(subject, cat, relatedRef, evidence);
        assertEq(id, ++ghostFiled);
        _filed[id] = IAbuseReports.Report({
            reporter: reporter,
            subject: subject,
            category: cat,
            status: IAbuseReports.Status.Open,
            filedAt: uint64(block.timestamp),
            resolvedAt: 0,
            relatedRef: relatedRef,
            evidenceHash: evidence
        });
    }

    function resolve(uint256 seed, bool upheld, bytes32 note) external counted {
        uint256 count = ghostFiled;
        for (uint256 k; k < count; ++k) {
            uint256 id = (((seed % count) + k) % count) + 1;
            if (ghostResolutions[id] != 0) continue;
            vm.prank(moderator);
            reports.resolveReport(id, upheld, note);
            ++ghostResolutions[id];
            ghostUpheld[id] = upheld;
            ghostResolvedAt[id] = uint64(block.timestamp);
            if (upheld) ++reachedUpheld;
            else ++reachedDismissed;
            return;
        }
        ++idle;
    }

    /// @dev Resolves a resolved report again, or an id that does not exist (0 or past the count): refused.
    function resolveRefused(uint256 seed, bool upheld) external counted {
        uint256 id = bound(seed, 0, ghostFiled + 1);
        bool known = id != 0 && id <= ghostFiled;
        if (known && ghostResolutions[id] == 0) {
            // An open report can't be refused as resolved: an id that does not exist (0, or past the count) is
            // probed instead, so the unknown-id refusal is reached by construction, not only when the bound lands.
            id = seed % 2 == 0 ? 0 : ghostFiled + 1 + (seed % 7);
            known = false;
        }
        vm.prank(moderator);
        try reports.resolveReport(id, upheld, 0) {
            ++wronglyAccepted;
        } catch (bytes memory reason) {
            if (known) {
                IAbuseReports.Status status =
                    ghostUpheld[id] ? IAbuseReports.Status.Upheld : IAbuseReports.Status.Dismissed;
                assertEq(reason, abi.encodeWithSelector(IAbuseReports.Reports_AlreadyResolved.selector, id, status));
                ++refusedAlreadyResolved;
            } else {
                assertEq(reason, abi.encodeWithSelector(IAbuseReports.Reports_UnknownReport.selector, id));
                ++refusedUnknown;
            }
        }
    }

    function warp(uint256 seconds_) external counted {
        vm.warp(block.timestamp + bound(seconds_, 0, 30 days));
    }
}

contract AbuseReportsTest is StdInvariant, Test {
    /// @dev Written by afterInvariant, read by scripts/test-contracts.ts (hardhat.config.ts allows this one file).
    string internal constant INVARIANT_DEPTH_LOG = "cache/invariant-depth.log";

    AbuseReports internal reports;
    ReportsHandler internal handler;
    address internal moderator = makeAddr("moderator");

    function setUp() public {
        vm.warp(1_750_000_000);
        reports = new AbuseReports(0, address(this));
        reports.grantRole(reports.MODERATOR_ROLE(), moderator);
        handler = new ReportsHandler(reports, moderator);
        targetContract(address(handler));
    }

    function test_FileAndResolve() public {
        uint256 id = reports.fileReport(makeAddr("subject"), IAbuseReports.Category.Fraud, 0, keccak256("e"));
        vm.prank(moderator);
        reports.resolveReport(id, true, 0);
        assertEq(uint8(reports.reportOf(id).status), uint8(IAbuseReports.Status.Upheld));
    }

    function test_RevertWhen_ReportInvalid() public {
        vm.expectRevert(abi.encodeWithSelector(IAbuseReports.Reports_InvalidSubject.selector, address(0)));
        reports.fileReport(address(0), IAbuseReports.Category.Other, 0, keccak256("e"));
        vm.expectRevert(IAbuseReports.Reports_EvidenceRequired.selector);
        reports.fileReport(makeAddr("subject"), IAbuseReports.Category.Other, 0, 0);
        vm.expectRevert(abi.encodeWithSelector(IAbuseReports.Reports_UnknownReport.selector, 1));
        vm.prank(moderator);
        reports.resolveReport(1, true, 0);
    }

    function testFuzz_FileReport_StoresEveryField(
        address reporter,
        address subject,
        uint8 category,
        bytes32 relatedRef,
        bytes32 evidence,
        uint64 at
    ) public {
        vm.assume(subject != address(0) && subject != reporter && evidence != bytes32(0));
        IAbuseReports.Category cat = IAbuseReports.Category(bound(category, 0, 5));
        at = uint64(bound(at, block.timestamp, type(uint40).max));
        vm.warp(at);

        vm.expectEmit(address(reports));
        emit IAbuseReports.ReportFiled(1, reporter, subject, cat, relatedRef, evidence);
        vm.prank(reporter);
        uint256 id = reports.fileReport(subject, cat, relatedRef, evidence);

        assertEq(id, 1);
        IAbuseReports.Report memory r = reports.reportOf(id);
        assertEq(r.reporter, reporter);
        assertEq(r.subject, subject);
        assertEq(uint8(r.category), uint8(cat));
        assertEq(uint8(r.status), uint8(IAbuseReports.Status.Open));
        assertEq(r.filedAt, at);
        assertEq(r.resolvedAt, 0);
        assertEq(r.relatedRef, relatedRef);
        assertEq(r.evidenceHash, evidence);
    }

    function testFuzz_RevertWhen_SubjectIsReporter(address reporter, bytes32 evidence) public {
        vm.assume(evidence != bytes32(0));
        vm.expectRevert(abi.encodeWithSelector(IAbuseReports.Reports_InvalidSubject.selector, reporter));
        vm.prank(reporter);
        reports.fileReport(reporter, IAbuseReports.Category.Other, 0, evidence);
    }

    function testFuzz_ResolveReport_OnceOnly(bool upheld, bool secondUpheld, bytes32 note, uint64 delay) public {
        uint256 id = reports.fileReport(makeAddr("subject"), IAbuseReports.Category.NoShow, 0, keccak256("e"));
        vm.warp(block.timestamp + bound(delay, 0, 365 days));

        vm.expectEmit(address(reports));
        emit IAbuseReports.ReportResolved(id, moderator, upheld, note);
        vm.prank(moderator);
        reports.resolveReport(id, upheld, note);

        IAbuseReports.Status status = upheld ? IAbuseReports.Status.Upheld : IAbuseReports.Status.Dismissed;
        assertEq(uint8(reports.reportOf(id).status), uint8(status));
        assertEq(reports.reportOf(id).resolvedAt, block.timestamp);

        vm.expectRevert(abi.encodeWithSelector(IAbuseReports.Reports_AlreadyResolved.selector, id, status));
        vm.prank(moderator);
        reports.resolveReport(id, secondUpheld, note);
    }

    function testFuzz_RevertWhen_ResolverLacksRole(address caller) public {
        vm.assume(caller != moderator);
        uint256 id = reports.fileReport(makeAddr("subject"), IAbuseReports.Category.NoShow, 0, keccak256("e"));
        vm.expectRevert(
            abi.encodeWithSignature(
                "AccessControlUnauthorizedAccount(address,bytes32)",
                caller,
                reports.MODERATOR_ROLE()
            )
        );
        vm.prank(caller);
        reports.resolveReport(id, true, 0);
    }

    /// @dev Each report is resolved at most once, and its stored status agrees with that one resolution.
    /// forge-config: default.invariant.runs = 4
    /// forge-config: default.invariant.depth = 500
    function invariant_ReportsResolvedAtMostOnce() public view {
        uint256 count = reports.reportCount();
        assertEq(count, handler.ghostFiled());
        for (uint256 id = 1; id <= count; ++id) {
            uint256 resolutions = handler.ghostResolutions(id);
            assertLe(resolutions, 1);
            IAbuseReports.Report memory r = reports.reportOf(id);
            if (resolutions == 0) {
                assertEq(uint8(r.status), uint8(IAbuseReports.Status.Open));
                assertEq(r.resolvedAt, 0);
            } else {
                IAbuseReports.Status expected =
                    handler.ghostUpheld(id) ? IAbuseReports.Status.Upheld : IAbuseReports.Status.Dismissed;
                assertEq(uint8(r.status), uint8(expected));
                assertGe(r.resolvedAt, r.filedAt);
                assertGt(r.resolvedAt, 0);
            }
            assertTrue(r.evidenceHash != bytes32(0));
            assertTrue(r.subject != address(0) && r.subject != r.reporter);
        }
        assertEq(handler.wronglyAccepted(), 0, "a resolution that had to be refused went through");
        // Ids 0 and past the count never exist.
        assertEq(uint8(reports.reportOf(0).status), uint8(IAbuseReports.Status.None));
        assertEq(uint8(reports.reportOf(count + 1).status), uint8(IAbuseReports.Status.None));
    }

    /// @dev Every report is stored as it was filed (reporter, subject, category, evidence, related reference, time)
    /// and, once resolved, with the time of its one resolution.
    /// forge-config: default.invariant.runs = 4
    /// forge-config: default.invariant.depth = 500
    function invariant_ReportsKeptAsFiled() public view {
        uint256 count = reports.reportCount();
        for (uint256 id = 1; id <= count; ++id) {
            IAbuseReports.Report memory stored = reports.reportOf(id);
            IAbuseReports.Report memory filed = handler.filedAs(id);
            assertEq(stored.reporter, filed.reporter, "reporter");
            assertEq(stored.subject, filed.subject, "subject");
            assertEq(uint8(stored.category), uint8(filed.category), "category");
            assertEq(stored.filedAt, filed.filedAt, "filedAt");
            assertEq(stored.relatedRef, filed.relatedRef, "relatedRef");
            assertEq(stored.evidenceHash, filed.evidenceHash, "evidence");
            assertEq(stored.resolvedAt, handler.ghostResolvedAt(id), "resolvedAt");
        }
    }

    /// @dev After every run (500 calls): reports filed, upheld, dismissed and refused often enough to mean something.
    function afterInvariant() public {
        ReportsHandler h = handler;
        string memory counts = string.concat("AbuseReports run: calls ", vm.toString(h.calls()));
        counts = string.concat(counts, ", idle ", vm.toString(h.idle()));
        counts = string.concat(counts, ", filed ", vm.toString(h.ghostFiled()));
        counts = string.concat(counts, ", upheld ", vm.toString(h.reachedUpheld()));
        counts = string.concat(counts, ", dismissed ", vm.toString(h.reachedDismissed()));
        counts = string.concat(counts, ", refused resolved ", vm.toString(h.refusedAlreadyResolved()));
        counts = string.concat(counts, ", refused unknown ", vm.toString(h.refusedUnknown()));
        vm.writeLine(INVARIANT_DEPTH_LOG, counts);
        assertGe(h.ghostFiled(), 60, counts);
        assertGe(h.reachedUpheld(), 25, counts);
        assertGe(h.reachedDismissed(), 25, counts);
        assertGe(h.refusedAlreadyResolved(), 20, counts);
        assertGe(h.refusedUnknown(), 3, counts);
        assertLe(h.idle() * 2, h.calls(), counts);
    }
}
