// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import { Test } from "forge-std/Test.sol";
import { StdInvariant } from "forge-std/StdInvariant.sol";

import { AbuseReports } from "../../../contracts/AbuseReports.sol";
import { IAbuseReports } from "../../../contracts/interfaces/IAbuseReports.sol";

/// @notice Files reports from random reporters and resolves random ids (including resolved and unknown ones),
/// counting successful resolutions per id.
contract ReportsHandler is Test {
    AbuseReports internal immutable reports;
    address internal immutable moderator;

    uint256 public ghostFiled;
    mapping(uint256 reportId => uint256) public ghostResolutions;
    mapping(uint256 reportId => bool) public ghostUpheld;

    constructor(AbuseReports reports_, address moderator_) {
        reports = reports_;
        moderator = moderator_;
    }

    function file(address reporter, address subject, uint8 category, bytes32 relatedRef, bytes32 evidence) external {
        vm.assume(subject != address(0) && subject != reporter && evidence != bytes32(0));
        vm.prank(reporter);
        uint256 id = reports.fileReport(subject, IAbuseReports.Category(bound(category, 0, 5)), relatedRef, evidence);
        assertEq(id, ++ghostFiled);
    }

    function resolve(uint256 reportId, bool upheld, bytes32 note) external {
        reportId = bound(reportId, 0, ghostFiled + 1);
        vm.prank(moderator);
        try reports.resolveReport(reportId, upheld, note) {
            ++ghostResolutions[reportId];
            ghostUpheld[reportId] = upheld;
        } catch {
            return;
        }
    }

    function warp(uint256 seconds_) external {
        vm.warp(block.timestamp + bound(seconds_, 0, 30 days));
    }
}

contract AbuseReportsTest is StdInvariant, Test {
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
        // Ids 0 and past the count never exist.
        assertEq(uint8(reports.reportOf(0).status), uint8(IAbuseReports.Status.None));
        assertEq(uint8(reports.reportOf(count + 1).status), uint8(IAbuseReports.Status.None));
    }
}
