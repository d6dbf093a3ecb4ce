// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import { AccessControlDefaultAdminRules } from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import { SafeCast } from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import { IAbuseReports } from "./interfaces/IAbuseReports.sol";

/// @title AbuseReports
/// @notice Abuse reports filed by anyone and resolved once by a moderator. Report ids run from 1.
contract AbuseReports is IAbuseReports, AccessControlDefaultAdminRules {
    /// @notice Resolves reports.
    bytes32 public constant MODERATOR_ROLE = keccak256("MODERATOR_ROLE");

    mapping(uint256 reportId => Report) private _reports;
    uint256 private _reportCount;

    /// @notice Sets the admin.
    /// @param initialDelay Delay of a default-admin handover (0 locally, e.g. 1 day in production).
    /// @param initialAdmin Holder of DEFAULT_ADMIN_ROLE.
    constructor(uint48 initialDelay, address initialAdmin) AccessControlDefaultAdminRules(initialDelay, initialAdmin) {}

    /// @inheritdoc IAbuseReports
    function fileReport(
        address subject,
        Category category,
        bytes32 relatedRef,
        bytes32 evidenceHash
    ) external returns (uint256 reportId) {
        if (subject == address(0) || subject == msg.sender) revert Reports_InvalidSubject(subject);
        if (evidenceHash == bytes32(0)) revert Reports_EvidenceRequired();

        reportId = ++_reportCount;
        _reports[reportId] = Report({
            reporter: msg.sender,
            category: category,
            status: Status.Open,
            filedAt: SafeCast.toUint64(block.timestamp),
            subject: subject,
            resolvedAt: 0,
            relatedRef: relatedRef,
            evidenceHash: evidenceHash
        });
        emit ReportFiled(reportId, msg.sender, subject, category, relatedRef, evidenceHash);
    }

    /// @inheritdoc IAbuseReports
    function resolveReport(uint256 reportId, bool upheld, bytes32 noteHash) external onlyRole(MODERATOR_ROLE) {
        Report storage report = _reports[reportId];
        Status status = report.status;
        if (status == Status.None) revert Reports_UnknownReport(reportId);
        if (status != Status.Open) revert Reports_AlreadyResolved(reportId, status);

        report.status = upheld ? Status.Upheld : Status.Dismissed;
        report.resolvedAt = SafeCast.toUint64(block.timestamp);
        emit ReportResolved(reportId, msg.sender, upheld, noteHash);
    }

    /// @inheritdoc IAbuseReports
    function reportOf(uint256 reportId) external view returns (Report memory) {
        return _reports[reportId];
    }

    /// @inheritdoc IAbuseReports
    function reportCount() external view returns (uint256) {
        return _reportCount;
    }
}
