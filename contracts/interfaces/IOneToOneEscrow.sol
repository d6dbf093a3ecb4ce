// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import { IEscrowModule } from "./IEscrowModule.sol";
import { IMesiVault } from "./IMesiVault.sol";

/// @title IOneToOneEscrow
/// @notice Paid one-to-one video sessions held in escrow (funds sit in the vault's `escrowed`).
///
/// Settings: a registered creator (see {ICreatorRegistry.isRegistered}) offers sessions with {setSettings}: on or off,
/// a minimum amount and a range of durations within 5–30 minutes. They are kept here, in one slot per creator beside
/// when the creator's running session ends, so a request reads them with one storage read and no external call.
///
/// Lifecycle: a fan requests with amount >= the creator's minimum and a duration the creator allows → the creator
/// accepts (the clock starts; one active session per creator) or declines (refund); the fan may cancel before
/// acceptance (refund); a request not answered within `requestTtl` expires (refund, anyone may trigger). If the
/// creator asked for KYF disclosure, acceptance needs the fan's consent, and without it the request is refunded
/// after the consent window. After `endsAt + disputeWindow` anyone releases the funds to the creator's earnings.
/// Until then the fan may report (also when blocked): funds freeze until a moderator resolves with a split.
/// Every payout happens exactly once.
///
/// Storage: one word per fan–creator pair holds the pair's latest session: its request number `seq`, its status
/// and a 184-bit truncation of `keccak256(abi.encode(session))` (the commitment). A pair has at most one open
/// (Requested, Accepted or Disputed) session at a time. Every call after the request passes the {Session} record;
/// the contract checks it against the commitment ({Escrow_SessionMismatch} otherwise), reads the status from the
/// word and stores the updated word. The session id is `(uint192(keccak256(abi.encode(fan, creator))) << 64) | seq`.
///
/// Rebuilding a record from the events (what the subgraph stores and the webapp passes back), for `sessionId`:
/// - {SessionRequested}: fan, creator, amount, minutes_, requestedAt, `requestTtl = expiresAt - requestedAt`,
///   disputeWindow; kyfDeadline and startedAt 0;
/// - {SessionKyfRequested}: kyfDeadline = deadline;
/// - {SessionAccepted}: startedAt.
/// Status: Requested, then Accepted ({SessionAccepted}), Disputed ({SessionDisputed}), the refund's status
/// ({SessionRefunded}), Released ({SessionReleased}) or Resolved ({SessionResolved}); also {latestSessionOf}.
interface IOneToOneEscrow is IEscrowModule {
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

    /// @notice A creator's one-to-one settings. Durations in whole minutes, within 5–30.
    /// @param enabled Whether the creator takes requests.
    /// @param minMinutes Shortest duration a fan may book.
    /// @param maxMinutes Longest duration a fan may book.
    /// @param minAmount Smallest amount a request may escrow (at most 2^96 - 1, the largest session amount).
    struct OneToOneSettings {
        bool enabled;
        uint8 minMinutes;
        uint8 maxMinutes;
        uint256 minAmount;
    }

    /// @notice A session's record: what its commitment covers (status and `seq` are kept beside it, in plain).
    /// @param fan Who pays.
    /// @param creator Who is paid.
    /// @param amount Escrowed $MESI.
    /// @param minutes_ Booked duration.
    /// @param requestedAt When requested.
    /// @param requestTtl {requestTtl} at request time: the request is open while `now < requestedAt + requestTtl`
    /// (or, when KYF was requested, while `now < kyfDeadline` if that is later).
    /// @param disputeWindow {disputeWindow} at request time: reports until `endsAt + disputeWindow`.
    /// @param kyfDeadline When the fan's KYF consent window closes (0 = KYF not requested).
    /// @param startedAt When accepted (0 before); the session runs `[startedAt, startedAt + minutes_ * 60)`.
    struct Session {
        address fan;
        address creator;
        uint96 amount;
        uint8 minutes_;
        uint40 requestedAt;
        uint32 requestTtl;
        uint32 disputeWindow;
        uint40 kyfDeadline;
        uint40 startedAt;
    }

    /// @notice The escrow was deployed on `vault` (lets an indexer book escrow movements on the vault's ledger).
    event EscrowInitialized(IMesiVault indexed vault, uint256 requestTtl, uint256 disputeWindow);
    /// @notice A fan escrowed `amount` for a `minutes_` session; the creator may accept until `expiresAt`; reports
    /// are possible until `disputeWindow` after the session's end. These are every field of the new record
    /// (`requestTtl = expiresAt - requestedAt`; kyfDeadline and startedAt 0).
    event SessionRequested(
        uint256 indexed sessionId,
        address indexed fan,
        address indexed creator,
        uint256 amount,
        uint8 minutes_,
        uint40 requestedAt,
        uint40 expiresAt,
        uint32 disputeWindow
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
    /// @notice A creator changed their one-to-one settings (durations in minutes, 5–30); they apply to requests made
    /// from now on.
    event OneToOneSettingsUpdated(
        address indexed creator,
        bool enabled,
        uint256 minAmount,
        uint8 minMinutes,
        uint8 maxMinutes
    );
    /// @notice How long a request may wait for acceptance changed (for requests made from now on).
    event RequestTtlUpdated(uint256 oldSeconds, uint256 newSeconds);
    /// @notice How long after a session ends the fan may report changed (for requests made from now on).
    event DisputeWindowUpdated(uint256 oldSeconds, uint256 newSeconds);

    /// @notice Only a creator registered in the registry may set one-to-one settings.
    error Escrow_NotRegistered(address account);
    /// @notice Settings need 5 <= minMinutes <= maxMinutes <= 30.
    error Escrow_InvalidDurationRange(uint8 minMinutes, uint8 maxMinutes);
    /// @notice Settings need a non-zero minimum while enabled, and one no session amount exceeds (<= 2^96 - 1).
    error Escrow_InvalidMinAmount(uint256 minAmount);
    error Escrow_OneToOneDisabled(address creator);
    error Escrow_AmountBelowMinimum(uint256 amount, uint256 minAmount);
    error Escrow_InvalidDuration(uint8 minutes_, uint8 minMinutes, uint8 maxMinutes);
    error Escrow_SelfSession(address account);
    /// @notice The record passed is not the session's current record (stale, forged or superseded).
    error Escrow_SessionMismatch(uint256 sessionId);
    /// @notice The fan already has an open session with this creator.
    error Escrow_SessionOpen(uint256 sessionId, Status status);
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
    /// @notice {onEscrowFunded} was called by `caller`, not by the vault.
    error Escrow_NotVault(address caller);

    /// @notice Sets the caller's one-to-one settings; requests made from now on must meet them (open requests and
    /// sessions are unaffected). Requirements: caller registered in the registry; 5 <= minMinutes <= maxMinutes <= 30;
    /// minAmount > 0 when enabled; minAmount <= 2^96 - 1. Emits {OneToOneSettingsUpdated}.
    function setSettings(OneToOneSettings calldata settings) external;

    /// @notice Requests a session, moving `amount` from the caller into escrow (allowance for the vault). The
    /// record snapshots the current {requestTtl} and {disputeWindow}. Wallets can instead request in one transaction
    /// without an approval: $MESI `transferAndCall(vault, amount, vault.encodeSessionRequestData(creator, minutes_))`
    /// (the vault escrows and calls {onEscrowFunded}); both paths check and record the same way.
    /// Requirements: creator's one-to-one enabled; amount >= minAmount; duration within the creator's range;
    /// amount fits uint96; no open session of this fan with this creator; not blocked; vault not paused.
    /// Emits {SessionRequested}.
    function request(address creator, uint256 amount, uint8 minutes_) external returns (uint256 sessionId);
    /// @notice As {request} with an EIP-2612 permit for the vault.
    function requestWithPermit(
        address creator,
        uint256 amount,
        uint8 minutes_,
        IMesiVault.Permit calldata permit
    ) external returns (uint256 sessionId);
    /// @notice Requirements: `session` is the current record; caller is the creator; Requested; not expired; KYF
    /// consent if requested; creator not in another session. Emits {SessionAccepted}.
    function accept(Session calldata session) external;
    /// @notice Requirements: `session` is the current record; caller is the creator; Requested. Emits
    /// {SessionRefunded} (Declined).
    function decline(Session calldata session) external;
    /// @notice Requirements: `session` is the current record; caller is the fan; Requested. Emits {SessionRefunded}
    /// (Cancelled).
    function cancel(Session calldata session) external;
    /// @notice Anyone, once the request is older than its requestTtl (or, if KYF was requested, once the consent
    /// deadline passed, whichever is later). Requirements: `session` is the current record; Requested. Emits
    /// {SessionRefunded} (Expired; KyfExpired when KYF was requested and the fan has not consented).
    function expire(Session calldata session) external;
    /// @notice The creator asks the fan for KYF disclosure before accepting; the request then stays open at least
    /// until the consent deadline (now + the KYF registry's consent window). Requirements: `session` is the current
    /// record; caller is the creator; Requested; request not expired; not asked before. Emits {SessionKyfRequested}.
    function requestKyf(Session calldata session) external;
    /// @notice Anyone, once the KYF consent window passed without consent. Requirements: `session` is the current
    /// record; Requested. Emits {SessionRefunded} (KyfExpired).
    function expireKyf(Session calldata session) external;
    /// @notice The fan reports a problem. Requirements: `session` is the current record; caller is the fan;
    /// Accepted; now <= endsAt + disputeWindow. Emits {SessionDisputed}.
    function report(Session calldata session, bytes32 evidenceHash) external;
    /// @notice Anyone, once now > endsAt + disputeWindow and not disputed. Requirements: `session` is the current
    /// record; Accepted. Emits {SessionReleased}.
    function release(Session calldata session) external;
    /// @notice A moderator splits a disputed session: creatorBps of the amount to the creator, the rest refunded.
    /// Requirements: MODERATOR_ROLE; creatorBps <= 10_000; `session` is the current record; Disputed. Emits
    /// {SessionResolved}.
    function resolve(Session calldata session, uint16 creatorBps, bytes32 noteHash) external;

    /// @notice Applies to requests made from now on (each record keeps the value of its request time).
    /// Requirements: DEFAULT_ADMIN_ROLE; 5 minutes <= seconds <= 30 days. Emits {RequestTtlUpdated}.
    function setRequestTtl(uint256 seconds_) external;
    /// @notice Applies to requests made from now on (each record keeps the value of its request time).
    /// Requirements: DEFAULT_ADMIN_ROLE; 1 hour <= seconds <= 30 days. Emits {DisputeWindowUpdated}.
    function setDisputeWindow(uint256 seconds_) external;

    /// @notice Whether `session` is the current record of its pair's latest session (what every call after the
    /// request needs). A record carries no request number: an earlier session of the pair with exactly the same
    /// fields (same terms, requested in the same second) has the same record, which then addresses the latest one.
    function isCurrent(Session calldata session) external view returns (bool);
    /// @notice The latest session of a fan with a creator and its status (0 and None if they never had one).
    function latestSessionOf(address fan, address creator) external view returns (uint256 sessionId, Status status);
    /// @notice The id of the pair's `seq`-th session: `(uint192(keccak256(abi.encode(fan, creator))) << 64) | seq`.
    function sessionIdOf(address fan, address creator, uint64 seq) external pure returns (uint256);
    /// @notice When the creator's current session ends (0 or past = free).
    function busyUntil(address creator) external view returns (uint40);
    /// @notice A creator's one-to-one settings (all zero until set: disabled).
    function settingsOf(address creator) external view returns (OneToOneSettings memory);
    /// @notice Seconds a request made now may wait for acceptance.
    function requestTtl() external view returns (uint256);
    /// @notice Seconds after a session's end during which the fan may report, for requests made now.
    function disputeWindow() external view returns (uint256);
}
