// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import { IMesiVault } from "./IMesiVault.sol";

/// @title IOneToOneEscrow
/// @notice Paid one-to-one video sessions held in escrow (funds sit in the vault's `escrowed`).
///
/// Lifecycle: a fan requests with amount >= the creator's minimum and a duration the creator allows → the creator
/// accepts (the clock starts; one active session per creator) or declines (refund); the fan may cancel before
/// acceptance (refund); a request not answered within `requestTtl` expires (refund, anyone may trigger). If the
/// creator asked for KYF disclosure, acceptance needs the fan's consent, and without it the request is refunded
/// after the consent window. After `endsAt + disputeWindow` anyone releases the funds to the creator's earnings.
/// Until then the fan may report (also when blocked): funds freeze until a moderator resolves with a split.
/// Every payout happens exactly once.
interface IOneToOneEscrow {
    enum Status {
        None,
        Requested,
        Accepted,
        Declined,
        Cancelled,
        Expired,
        KyfExpired,
        Disputed,
        Released,
        Resolved
    }

    /// @notice A session as stored (two slots).
    struct Session {
        address fan;
        uint96 amount;
        address creator;
        Status status;
        uint8 minutes_;
        uint40 requestedAt;
        uint40 startedAt;
    }

    /// @notice A fan escrowed `amount` for a `minutes_` session; the creator may accept until `expiresAt`.
    event SessionRequested(
        uint256 indexed sessionId,
        address indexed fan,
        address indexed creator,
        uint256 amount,
        uint8 minutes_,
        uint40 expiresAt
    );
    /// @notice The session started: the creator is "in a one-to-one" until `endsAt`; reports close at `disputeEndsAt`.
    event SessionAccepted(
        uint256 indexed sessionId,
        address indexed fan,
        address indexed creator,
        uint40 startedAt,
        uint40 endsAt,
        uint40 disputeEndsAt
    );
    /// @notice The session ended without taking place and `refund` went back to the fan; `status` says why
    /// (Declined, Cancelled, Expired, KyfExpired).
    event SessionRefunded(
        uint256 indexed sessionId,
        address indexed fan,
        address indexed creator,
        Status status,
        uint256 refund
    );
    /// @notice The creator asked the fan for KYF disclosure; without consent by `deadline` the request is refunded.
    event SessionKyfRequested(uint256 indexed sessionId, address indexed fan, address indexed creator, uint40 deadline);
    /// @notice The fan reported the session; its funds are frozen until a moderator resolves it.
    event SessionDisputed(
        uint256 indexed sessionId,
        address indexed fan,
        address indexed creator,
        bytes32 evidenceHash
    );
    /// @notice The escrow went to the creator: `amount` gross, `fee` of it to the platform.
    event SessionReleased(
        uint256 indexed sessionId,
        address indexed fan,
        address indexed creator,
        uint256 amount,
        uint256 fee
    );
    /// @notice A moderator split a disputed session: `creatorAmount` gross to the creator (`fee` of it to the platform),
    /// `fanAmount` back to the fan.
    event SessionResolved(
        uint256 indexed sessionId,
        address indexed moderator,
        uint16 creatorBps,
        uint256 creatorAmount,
        uint256 fanAmount,
        uint256 fee,
        bytes32 noteHash
    );
    /// @notice How long a request may wait for acceptance changed.
    event RequestTtlUpdated(uint256 oldSeconds, uint256 newSeconds);
    /// @notice How long after a session ends the fan may report changed.
    event DisputeWindowUpdated(uint256 oldSeconds, uint256 newSeconds);

    error Escrow_OneToOneDisabled(address creator);
    error Escrow_AmountBelowMinimum(uint256 amount, uint256 minAmount);
    error Escrow_InvalidDuration(uint8 minutes_, uint8 minMinutes, uint8 maxMinutes);
    error Escrow_SelfSession(address account);
    error Escrow_UnknownSession(uint256 sessionId);
    error Escrow_NotCreator(uint256 sessionId, address caller);
    error Escrow_NotFan(uint256 sessionId, address caller);
    error Escrow_WrongStatus(uint256 sessionId, Status status);
    error Escrow_CreatorBusy(address creator, uint40 busyUntil);
    error Escrow_RequestExpired(uint256 sessionId, uint40 expiredAt);
    error Escrow_RequestNotExpired(uint256 sessionId, uint40 expiresAt);
    error Escrow_KyfConsentMissing(uint256 sessionId, address fan);
    error Escrow_KyfAlreadyRequested(uint256 sessionId);
    error Escrow_KyfNotRequested(uint256 sessionId);
    error Escrow_KyfWindowOpen(uint256 sessionId, uint40 deadline);
    error Escrow_KyfConsented(uint256 sessionId);
    error Escrow_DisputeWindowClosed(uint256 sessionId, uint40 disputeEndsAt);
    error Escrow_DisputeWindowOpen(uint256 sessionId, uint40 disputeEndsAt);
    error Escrow_InvalidBps(uint16 bps);
    error Escrow_InvalidWindow(uint256 seconds_);

    /// @notice Requests a session, moving `amount` from the caller into escrow (allowance for the vault).
    /// Requirements: creator's one-to-one enabled; amount >= minAmount; duration within the creator's range;
    /// amount fits uint96; not blocked; vault not paused. Emits {SessionRequested}.
    function request(address creator, uint256 amount, uint8 minutes_) external returns (uint256 sessionId);
    /// @notice As {request} with an EIP-2612 permit for the vault.
    function requestWithPermit(
        address creator,
        uint256 amount,
        uint8 minutes_,
        IMesiVault.Permit calldata permit
    ) external returns (uint256 sessionId);
    /// @notice Requirements: caller is the creator; Requested; not expired; KYF consent if requested; creator not
    /// in another session. Emits {SessionAccepted}.
    function accept(uint256 sessionId) external;
    /// @notice Requirements: caller is the creator; Requested. Emits {SessionRefunded} (Declined).
    function decline(uint256 sessionId) external;
    /// @notice Requirements: caller is the fan; Requested. Emits {SessionRefunded} (Cancelled).
    function cancel(uint256 sessionId) external;
    /// @notice Anyone, once the request is older than requestTtl (or, if KYF was requested, once the consent deadline
    /// passed, whichever is later). Emits {SessionRefunded} (Expired; KyfExpired when KYF was requested and the fan
    /// has not consented).
    function expire(uint256 sessionId) external;
    /// @notice The creator asks the fan for KYF disclosure before accepting; the request then stays open at least
    /// until the consent deadline (now + the KYF registry's consent window). Requirements: caller is the creator;
    /// Requested; request not expired; not asked before. Emits {SessionKyfRequested}.
    function requestKyf(uint256 sessionId) external;
    /// @notice Anyone, once the KYF consent window passed without consent. Emits {SessionRefunded} (KyfExpired).
    function expireKyf(uint256 sessionId) external;
    /// @notice The fan reports a problem. Requirements: caller is the fan; Accepted; now <= endsAt + disputeWindow.
    /// Emits {SessionDisputed}.
    function report(uint256 sessionId, bytes32 evidenceHash) external;
    /// @notice Anyone, once now > endsAt + disputeWindow and not disputed. Emits {SessionReleased}.
    function release(uint256 sessionId) external;
    /// @notice A moderator splits a disputed session: creatorBps of the amount to the creator, the rest refunded.
    /// Requirements: MODERATOR_ROLE; Disputed; creatorBps <= 10_000. Emits {SessionResolved}.
    function resolve(uint256 sessionId, uint16 creatorBps, bytes32 noteHash) external;

    /// @notice Also applies to pending requests. Requirements: DEFAULT_ADMIN_ROLE; 5 minutes <= seconds <= 30 days.
    /// Emits {RequestTtlUpdated}.
    function setRequestTtl(uint256 seconds_) external;
    /// @notice Also applies to sessions already accepted (their `disputeEndsAt` moves). Requirements:
    /// DEFAULT_ADMIN_ROLE; 1 hour <= seconds <= 30 days. Emits {DisputeWindowUpdated}.
    function setDisputeWindow(uint256 seconds_) external;

    /// @notice A session as stored (all zero for an unknown id).
    function sessionOf(uint256 sessionId) external view returns (Session memory);
    /// @notice When the creator's current session ends (0 or past = free).
    function busyUntil(address creator) external view returns (uint40);
    /// @notice When the fan's KYF consent window for this session closes (0 = KYF not requested).
    function kyfDeadlineOf(uint256 sessionId) external view returns (uint40);
    /// @notice Seconds a request may wait for acceptance.
    function requestTtl() external view returns (uint256);
    /// @notice Seconds after a session's end during which the fan may report.
    function disputeWindow() external view returns (uint256);
    /// @notice Number of sessions ever requested; ids run from 1 to this.
    function sessionCount() external view returns (uint256);
}
