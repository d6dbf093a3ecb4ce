// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

/// @title IAbuseReports
/// @notice Anyone files an abuse report about an account, optionally tied to a one-to-one session or a payment;
/// moderators resolve it. Evidence and notes are off-chain documents referenced by hash.
interface IAbuseReports {
    enum Category {
        Other,
        BlockedAfterPayment,
        NoShow,
        Harassment,
        Fraud,
        IllegalContent
    }

    enum Status {
        None,
        Open,
        Upheld,
        Dismissed
    }

    struct Report {
        address reporter;
        Category category;
        Status status;
        uint64 filedAt;
        address subject;
        uint64 resolvedAt;
        bytes32 relatedRef;
        bytes32 evidenceHash;
    }

    /// @notice `relatedRef` is a one-to-one session id (as bytes32), a payment reference or zero.
    event ReportFiled(
        uint256 indexed reportId,
        address indexed reporter,
        address indexed subject,
        Category category,
        bytes32 relatedRef,
        bytes32 evidenceHash
    );
    /// @notice A moderator resolved a report: upheld or dismissed, with the hash of their note.
    event ReportResolved(uint256 indexed reportId, address indexed moderator, bool upheld, bytes32 noteHash);

    error Reports_InvalidSubject(address subject);
    error Reports_EvidenceRequired();
    error Reports_UnknownReport(uint256 reportId);
    error Reports_AlreadyResolved(uint256 reportId, Status status);

    /// @notice Requirements: subject != 0 and != caller; evidenceHash != 0. Emits {ReportFiled}.
    function fileReport(
        address subject,
        Category category,
        bytes32 relatedRef,
        bytes32 evidenceHash
    ) external returns (uint256 reportId);
    /// @notice Requirements: MODERATOR_ROLE; report open. Emits {ReportResolved}.
    function resolveReport(uint256 reportId, bool upheld, bytes32 noteHash) external;

    /// @notice A report by id (all zero for an unknown id).
    function reportOf(uint256 reportId) external view returns (Report memory);
    /// @notice How many reports were filed; ids run from 1 to this number.
    function reportCount() external view returns (uint256);
}
