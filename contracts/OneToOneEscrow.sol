// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import { AccessControlDefaultAdminRules } from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import { IERC20Permit } from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import { SafeCast } from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import { ICreatorRegistry } from "./interfaces/ICreatorRegistry.sol";
import { IEscrowModule } from "./interfaces/IEscrowModule.sol";
import { IKyfRegistry } from "./interfaces/IKyfRegistry.sol";
import { IMesiVault } from "./interfaces/IMesiVault.sol";
import { IOneToOneEscrow } from "./interfaces/IOneToOneEscrow.sol";
import { SessionCommitment } from "./libraries/SessionCommitment.sol";

/// @title OneToOneEscrow
/// @notice Paid one-to-one sessions; the funds sit in the vault's `escrowed` until exactly one payout.
/// @dev A session costs one storage word, kept per fan–creator pair: `[uint64 seq | uint8 status | uint184
/// commitment]` (see {SessionCommitment}). Callers pass the record back; it must match the commitment. The word never
/// returns to zero (a closed session keeps its terminal status), so a repeat request rewrites a non-zero slot.
///
/// Every terminal transition (Declined, Cancelled, Expired, KyfExpired, Released, Resolved) stores its status before
/// its single `payOutEscrow` call, and each starts from a non-terminal status of the pair's latest session, so a
/// session pays out once.
///
/// Time rules (all `block.timestamp`):
/// - a request is open while `now < expiresAt`, where `expiresAt = requestedAt + requestTtl`, extended to the KYF
///   deadline when the creator asked for KYF (the fan then has the whole consent window);
/// - the KYF window is open while `now < deadline`;
/// - a session runs `[startedAt, endsAt)`, `endsAt = startedAt + minutes * 60`; the fan may report while
///   `now <= endsAt + disputeWindow`, and release is possible once `now > endsAt + disputeWindow`.
/// `requestTtl` and `disputeWindow` are snapshot into the record at request time: an admin change applies to new
/// requests only.
contract OneToOneEscrow is IOneToOneEscrow, AccessControlDefaultAdminRules {
    using SafeCast for uint256;
    using SessionCommitment for Session;

    /// @notice Resolves disputed sessions.
    bytes32 public constant MODERATOR_ROLE = keccak256("MODERATOR_ROLE");

    /// @notice Shortest allowed {requestTtl}.
    uint256 public constant MIN_REQUEST_TTL = 5 minutes;
    /// @notice Shortest allowed {disputeWindow}.
    uint256 public constant MIN_DISPUTE_WINDOW = 1 hours;
    /// @notice Longest allowed {requestTtl} and {disputeWindow}.
    uint256 public constant MAX_WINDOW = 30 days;
    /// @notice Shortest one-to-one session, in minutes.
    uint8 public constant MIN_SESSION_MINUTES = 5;
    /// @notice Longest one-to-one session, in minutes.
    uint8 public constant MAX_SESSION_MINUTES = 30;
    uint16 private constant _BPS = 10_000;

    /// @dev Layout of a pair's word: `seq` in bits 192–255, `status` in bits 184–191, the commitment in bits 0–183.
    uint256 private constant _SEQ_SHIFT = 192;
    uint256 private constant _STATUS_SHIFT = 184;
    uint256 private constant _SEQ_BITS = type(uint256).max << _SEQ_SHIFT;
    uint256 private constant _STATUS_BITS = uint256(type(uint8).max) << _STATUS_SHIFT;
    /// @dev A session id is `(pairKey << 64) | seq`.
    uint256 private constant _ID_SHIFT = 64;

    /// @dev A creator's {OneToOneSettings} and when their running session ends, in one slot: a request reads it once,
    /// an acceptance reads and rewrites it. minAmount fits uint96 as every session amount does.
    struct CreatorSlot {
        uint40 busyUntil;
        bool enabled;
        uint8 minMinutes;
        uint8 maxMinutes;
        uint96 minAmount;
    }

    /// @notice The vault holding the escrowed funds (this contract is its {IMesiVault-escrowModule}).
    IMesiVault public immutable vault;
    /// @notice Where creators register: only a registered creator may set one-to-one settings.
    ICreatorRegistry public immutable registry;
    /// @notice Where KYF disclosure is requested and consent recorded (this contract holds KYF_REQUESTER_ROLE).
    IKyfRegistry public immutable kyf;
    /// @dev $MESI, cached: the token permits are applied to.
    IERC20Permit private immutable _mesi;

    /// @dev One slot, read by every request (and snapshot into its record).
    uint32 private _requestTtl;
    uint32 private _disputeWindow;

    /// @dev The pair's latest session: `[uint64 seq | uint8 status | uint184 commitment]`.
    mapping(uint192 pairKey => uint256 word) private _sessions;
    mapping(address creator => CreatorSlot) private _creators;

    constructor(
        IMesiVault vault_,
        ICreatorRegistry registry_,
        IKyfRegistry kyf_,
        uint48 initialDelay,
        address initialAdmin
    ) AccessControlDefaultAdminRules(initialDelay, initialAdmin) {
        vault = vault_;
        registry = registry_;
        kyf = kyf_;
        _mesi = IERC20Permit(vault_.mesi());
        _requestTtl = 24 hours;
        _disputeWindow = 24 hours;
        emit EscrowInitialized(vault_, 24 hours, 24 hours);
    }

    // ─────────────────────────────────────── Fan ───────────────────────────────────────

    /// @inheritdoc IOneToOneEscrow
    function request(address creator, uint256 amount, uint8 minutes_) external returns (uint256 sessionId) {
        return _request(creator, amount, minutes_);
    }

    /// @inheritdoc IOneToOneEscrow
    function requestWithPermit(
        address creator,
        uint256 amount,
        uint8 minutes_,
        IMesiVault.Permit calldata permit
    ) external returns (uint256 sessionId) {
        _tryPermit(permit);
        return _request(creator, amount, minutes_);
    }

    /// @inheritdoc IEscrowModule
    /// @dev The vault has escrowed `amount` from `fan` (its ERC-1363 hook): only the record is left to write.
    function onEscrowFunded(
        address fan,
        address creator,
        uint256 amount,
        uint8 minutes_
    ) external returns (uint256 sessionId) {
        if (msg.sender != address(vault)) revert Escrow_NotVault(msg.sender);
        return _openSession(fan, creator, amount, minutes_);
    }

    /// @inheritdoc IOneToOneEscrow
    function cancel(Session calldata session) external {
        (uint192 pairKey, uint256 word, uint256 sessionId) = _current(session);
        if (session.fan != msg.sender) revert Escrow_NotFan(sessionId, msg.sender);
        _requireStatus(sessionId, word, Status.Requested);
        _refund(session, pairKey, word, sessionId, Status.Cancelled);
    }

    /// @inheritdoc IOneToOneEscrow
    /// @dev Works while the fan is blocked and while the vault is paused: no payment moves.
    function report(Session calldata session, bytes32 evidenceHash) external {
        (uint192 pairKey, uint256 word, uint256 sessionId) = _current(session);
        if (session.fan != msg.sender) revert Escrow_NotFan(sessionId, msg.sender);
        _requireStatus(sessionId, word, Status.Accepted);
        uint40 disputeEndsAt = _disputeEndsAt(session);
        if (block.timestamp > disputeEndsAt) revert Escrow_DisputeWindowClosed(sessionId, disputeEndsAt);
        _sessions[pairKey] = _withStatus(word, Status.Disputed);
        emit SessionDisputed(sessionId, msg.sender, session.creator, evidenceHash);
    }

    // ─────────────────────────────────────── Creator ───────────────────────────────────────

    /// @inheritdoc IOneToOneEscrow
    function setSettings(OneToOneSettings calldata settings) external {
        if (!registry.isRegistered(msg.sender)) revert Escrow_NotRegistered(msg.sender);
        bool enabled = settings.enabled;
        uint8 minMinutes = settings.minMinutes;
        uint8 maxMinutes = settings.maxMinutes;
        uint256 minAmount = settings.minAmount;
        if (minMinutes < MIN_SESSION_MINUTES || minMinutes > maxMinutes || maxMinutes > MAX_SESSION_MINUTES) {
            revert Escrow_InvalidDurationRange(minMinutes, maxMinutes);
        }
        if ((enabled && minAmount == 0) || minAmount > type(uint96).max) revert Escrow_InvalidMinAmount(minAmount);

        CreatorSlot storage slot = _creators[msg.sender];
        _creators[msg.sender] = CreatorSlot({
            busyUntil: slot.busyUntil,
            enabled: enabled,
            minMinutes: minMinutes,
            maxMinutes: maxMinutes,
            minAmount: uint96(minAmount) // bounded just above
        });
        emit OneToOneSettingsUpdated(msg.sender, enabled, minAmount, minMinutes, maxMinutes);
    }

    /// @inheritdoc IOneToOneEscrow
    function accept(Session calldata session) external {
        (uint192 pairKey, uint256 word, uint256 sessionId) = _current(session);
        address creator = _checkAccept(session, word, sessionId);
        uint40 startedAt = uint40(block.timestamp);
        // minutes_ <= 255, so endsAt < startedAt + 2^14: no uint40 overflow before the year 36,000.
        uint40 endsAt = startedAt + uint40(session.minutes_) * 60;
        uint256 commitment = session.withField(SessionCommitment.STARTED_AT_OFFSET, startedAt);
        _sessions[pairKey] = _word(word, Status.Accepted, commitment);
        _creators[creator].busyUntil = endsAt;
        emit SessionAccepted(sessionId, session.fan, creator, startedAt, endsAt, endsAt + session.disputeWindow);
    }

    /// @inheritdoc IOneToOneEscrow
    function decline(Session calldata session) external {
        (uint192 pairKey, uint256 word, uint256 sessionId) = _current(session);
        if (session.creator != msg.sender) revert Escrow_NotCreator(sessionId, msg.sender);
        _requireStatus(sessionId, word, Status.Requested);
        _refund(session, pairKey, word, sessionId, Status.Declined);
    }

    /// @inheritdoc IOneToOneEscrow
    /// @dev The request must still be open. The fan gets `kyf.consentWindow()` from now to consent, and the request
    /// stays open at least that long.
    function requestKyf(Session calldata session) external {
        (uint192 pairKey, uint256 word, uint256 sessionId) = _current(session);
        address creator = session.creator;
        if (creator != msg.sender) revert Escrow_NotCreator(sessionId, msg.sender);
        _requireStatus(sessionId, word, Status.Requested);
        if (session.kyfDeadline != 0) revert Escrow_KyfAlreadyRequested(sessionId);
        uint40 expiresAt = _expiresAt(session);
        if (block.timestamp >= expiresAt) revert Escrow_RequestExpired(sessionId, expiresAt);

        uint40 deadline = (block.timestamp + kyf.consentWindow()).toUint40();
        uint256 commitment = session.withField(SessionCommitment.KYF_DEADLINE_OFFSET, deadline);
        _sessions[pairKey] = _word(word, Status.Requested, commitment);
        address fan = session.fan;
        kyf.requestDisclosureFor(creator, fan);
        emit SessionKyfRequested(sessionId, fan, creator, deadline);
    }

    // ─────────────────────────────────────── Anyone ───────────────────────────────────────

    /// @inheritdoc IOneToOneEscrow
    /// @dev When the creator asked for KYF and the fan has not consented, the refund is recorded as KyfExpired.
    function expire(Session calldata session) external {
        (uint192 pairKey, uint256 word, uint256 sessionId) = _current(session);
        _requireStatus(sessionId, word, Status.Requested);
        uint40 expiresAt = _expiresAt(session);
        if (block.timestamp < expiresAt) revert Escrow_RequestNotExpired(sessionId, expiresAt);
        bool kyfMissing = session.kyfDeadline != 0 && !kyf.hasConsented(session.creator, session.fan);
        _refund(session, pairKey, word, sessionId, kyfMissing ? Status.KyfExpired : Status.Expired);
    }

    /// @inheritdoc IOneToOneEscrow
    function expireKyf(Session calldata session) external {
        (uint192 pairKey, uint256 word, uint256 sessionId) = _current(session);
        _requireStatus(sessionId, word, Status.Requested);
        uint40 deadline = session.kyfDeadline;
        if (deadline == 0) revert Escrow_KyfNotRequested(sessionId);
        if (block.timestamp < deadline) revert Escrow_KyfWindowOpen(sessionId, deadline);
        if (kyf.hasConsented(session.creator, session.fan)) revert Escrow_KyfConsented(sessionId);
        _refund(session, pairKey, word, sessionId, Status.KyfExpired);
    }

    /// @inheritdoc IOneToOneEscrow
    function release(Session calldata session) external {
        (uint192 pairKey, uint256 word, uint256 sessionId) = _current(session);
        // Checks
        _requireStatus(sessionId, word, Status.Accepted);
        uint40 disputeEndsAt = _disputeEndsAt(session);
        if (block.timestamp <= disputeEndsAt) revert Escrow_DisputeWindowOpen(sessionId, disputeEndsAt);
        // Effects
        _sessions[pairKey] = _withStatus(word, Status.Released);
        // Interactions
        address creator = session.creator;
        address fan = session.fan;
        uint256 amount = session.amount;
        uint256 fee = vault.payOutEscrow(creator, amount, fan, 0);
        emit SessionReleased(sessionId, fan, creator, amount, fee);
    }

    // ─────────────────────────────────────── Moderator ───────────────────────────────────────

    /// @inheritdoc IOneToOneEscrow
    function resolve(Session calldata session, uint16 creatorBps, bytes32 noteHash) external onlyRole(MODERATOR_ROLE) {
        // Checks
        if (creatorBps > _BPS) revert Escrow_InvalidBps(creatorBps);
        (uint192 pairKey, uint256 word, uint256 sessionId) = _current(session);
        _requireStatus(sessionId, word, Status.Disputed);
        // Effects
        _sessions[pairKey] = _withStatus(word, Status.Resolved);
        uint256 amount = session.amount;
        uint256 creatorAmount = (amount * creatorBps) / _BPS;
        uint256 fanAmount = amount - creatorAmount;
        // Interactions
        uint256 fee = vault.payOutEscrow(session.creator, creatorAmount, session.fan, fanAmount);
        emit SessionResolved(sessionId, msg.sender, creatorBps, creatorAmount, fanAmount, fee, noteHash);
    }

    // ─────────────────────────────────────── Admin ───────────────────────────────────────

    /// @inheritdoc IOneToOneEscrow
    function setRequestTtl(uint256 seconds_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (seconds_ < MIN_REQUEST_TTL || seconds_ > MAX_WINDOW) revert Escrow_InvalidWindow(seconds_);
        uint256 old = _requestTtl;
        _requestTtl = uint32(seconds_); // <= MAX_WINDOW < 2^32
        emit RequestTtlUpdated(old, seconds_);
    }

    /// @inheritdoc IOneToOneEscrow
    function setDisputeWindow(uint256 seconds_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (seconds_ < MIN_DISPUTE_WINDOW || seconds_ > MAX_WINDOW) revert Escrow_InvalidWindow(seconds_);
        uint256 old = _disputeWindow;
        _disputeWindow = uint32(seconds_); // <= MAX_WINDOW < 2^32
        emit DisputeWindowUpdated(old, seconds_);
    }

    // ─────────────────────────────────────── Views ───────────────────────────────────────

    /// @inheritdoc IOneToOneEscrow
    function isCurrent(Session calldata session) external view returns (bool) {
        uint256 word = _sessions[_pairKey(session.fan, session.creator)];
        return word != 0 && _commitmentOf(word) == session.commitment();
    }

    /// @inheritdoc IOneToOneEscrow
    function latestSessionOf(address fan, address creator) external view returns (uint256 sessionId, Status status) {
        uint192 pairKey = _pairKey(fan, creator);
        uint256 word = _sessions[pairKey];
        if (word != 0) sessionId = _sessionId(pairKey, word);
        status = _statusOf(word);
    }

    /// @inheritdoc IOneToOneEscrow
    function sessionIdOf(address fan, address creator, uint64 seq) external pure returns (uint256) {
        return (uint256(_pairKey(fan, creator)) << _ID_SHIFT) | seq;
    }

    /// @inheritdoc IOneToOneEscrow
    function busyUntil(address creator) external view returns (uint40) {
        return _creators[creator].busyUntil;
    }

    /// @inheritdoc IOneToOneEscrow
    function settingsOf(address creator) external view returns (OneToOneSettings memory) {
        CreatorSlot memory slot = _creators[creator];
        return
            OneToOneSettings({
                enabled: slot.enabled,
                minMinutes: slot.minMinutes,
                maxMinutes: slot.maxMinutes,
                minAmount: slot.minAmount
            });
    }

    /// @inheritdoc IOneToOneEscrow
    function requestTtl() external view returns (uint256) {
        return _requestTtl;
    }

    /// @inheritdoc IOneToOneEscrow
    function disputeWindow() external view returns (uint256) {
        return _disputeWindow;
    }

    // ─────────────────────────────────────── Private ───────────────────────────────────────

    /// @dev A request paid from the caller's allowance: recorded, then funded through the vault.
    function _request(address creator, uint256 amount, uint8 minutes_) private returns (uint256 sessionId) {
        // Checks, Effects
        sessionId = _openSession(msg.sender, creator, amount, minutes_);
        // Interactions: the vault pulls the funds (blocks, pause and a zero amount are refused there).
        vault.fundEscrow(msg.sender, creator, amount);
    }

    /// @dev Records `fan`'s request (the caller moves the funds) and emits {SessionRequested}.
    function _openSession(
        address fan,
        address creator,
        uint256 amount,
        uint8 minutes_
    ) private returns (uint256 sessionId) {
        // Checks
        uint96 amount96 = _checkRequest(fan, creator, amount, minutes_);
        uint192 pairKey = _pairKey(fan, creator);
        uint256 word = _sessions[pairKey];
        Status latest = _statusOf(word);
        if (latest == Status.Requested || latest == Status.Accepted || latest == Status.Disputed) {
            revert Escrow_SessionOpen(_sessionId(pairKey, word), latest);
        }

        // Effects
        Session memory s = Session({
            fan: fan,
            creator: creator,
            amount: amount96,
            minutes_: minutes_,
            requestedAt: uint40(block.timestamp),
            requestTtl: _requestTtl,
            disputeWindow: _disputeWindow,
            kyfDeadline: 0,
            startedAt: 0
        });
        // The next seq: one more than the pair's latest (no overflow in 2^64 requests of one pair).
        word =
            ((word & _SEQ_BITS) + (1 << _SEQ_SHIFT)) |
            (uint256(Status.Requested) << _STATUS_SHIFT) |
            s.commitmentInMemory();
        _sessions[pairKey] = word;
        sessionId = _sessionId(pairKey, word);
        emit SessionRequested(
            sessionId,
            fan,
            creator,
            amount,
            minutes_,
            s.requestedAt,
            s.requestedAt + s.requestTtl,
            s.disputeWindow
        );
    }

    /// @dev The creator's one-to-one settings allow this request; returns the amount as stored.
    function _checkRequest(address fan, address creator, uint256 amount, uint8 minutes_) private view returns (uint96) {
        if (creator == fan) revert Escrow_SelfSession(fan);
        // Read side by side, the four fields cost one SLOAD (a memory copy of the struct costs more).
        CreatorSlot storage slot = _creators[creator];
        (bool enabled, uint8 minMinutes, uint8 maxMinutes, uint256 minAmount) = (
            slot.enabled,
            slot.minMinutes,
            slot.maxMinutes,
            slot.minAmount
        );
        if (!enabled) revert Escrow_OneToOneDisabled(creator);
        if (amount < minAmount) revert Escrow_AmountBelowMinimum(amount, minAmount);
        if (minutes_ < minMinutes || minutes_ > maxMinutes) {
            revert Escrow_InvalidDuration(minutes_, minMinutes, maxMinutes);
        }
        return amount.toUint96();
    }

    /// @dev The caller is the creator and may accept now; returns the creator.
    function _checkAccept(
        Session calldata session,
        uint256 word,
        uint256 sessionId
    ) private view returns (address creator) {
        creator = session.creator;
        if (creator != msg.sender) revert Escrow_NotCreator(sessionId, msg.sender);
        _requireStatus(sessionId, word, Status.Requested);
        uint40 expiresAt = _expiresAt(session);
        if (block.timestamp >= expiresAt) revert Escrow_RequestExpired(sessionId, expiresAt);
        address fan = session.fan;
        if (session.kyfDeadline != 0 && !kyf.hasConsented(creator, fan)) {
            revert Escrow_KyfConsentMissing(sessionId, fan);
        }
        uint40 busy = _creators[creator].busyUntil;
        if (block.timestamp < busy) revert Escrow_CreatorBusy(creator, busy);
    }

    /// @dev Ends a request without a session and pays the whole amount back to the fan.
    function _refund(
        Session calldata session,
        uint192 pairKey,
        uint256 word,
        uint256 sessionId,
        Status status
    ) private {
        // Effects (the caller checked the status is Requested)
        _sessions[pairKey] = _withStatus(word, status);
        address creator = session.creator;
        address fan = session.fan;
        uint256 amount = session.amount;
        // Interactions
        vault.payOutEscrow(creator, 0, fan, amount);
        emit SessionRefunded(sessionId, fan, creator, status, amount);
    }

    /// @dev The record's pair, its word and its latest session id; reverts unless the record matches the word.
    function _current(
        Session calldata session
    ) private view returns (uint192 pairKey, uint256 word, uint256 sessionId) {
        pairKey = _pairKey(session.fan, session.creator);
        word = _sessions[pairKey];
        sessionId = _sessionId(pairKey, word);
        // A pair that never had a session has word 0: no record's commitment is 0 (2^-184).
        if (_commitmentOf(word) != session.commitment()) revert Escrow_SessionMismatch(sessionId);
    }

    function _requireStatus(uint256 sessionId, uint256 word, Status expected) private pure {
        Status actual = _statusOf(word);
        if (actual != expected) revert Escrow_WrongStatus(sessionId, actual);
    }

    function _word(uint256 word, Status status, uint256 commitment) private pure returns (uint256) {
        return (word & _SEQ_BITS) | (uint256(status) << _STATUS_SHIFT) | commitment;
    }

    function _withStatus(uint256 word, Status status) private pure returns (uint256) {
        return (word & ~_STATUS_BITS) | (uint256(status) << _STATUS_SHIFT);
    }

    function _statusOf(uint256 word) private pure returns (Status) {
        return Status(uint8(word >> _STATUS_SHIFT));
    }

    function _commitmentOf(uint256 word) private pure returns (uint256) {
        return word & SessionCommitment.MASK;
    }

    function _pairKey(address fan, address creator) private pure returns (uint192) {
        return uint192(uint256(keccak256(abi.encode(fan, creator))));
    }

    /// @dev `(pairKey << 64) | seq` with the word's seq.
    function _sessionId(uint192 pairKey, uint256 word) private pure returns (uint256) {
        return (uint256(pairKey) << _ID_SHIFT) | (word >> _SEQ_SHIFT);
    }

    /// @dev When a request stops being acceptable: requestTtl after the request, or the KYF deadline if later.
    function _expiresAt(Session calldata session) private pure returns (uint40 expiresAt) {
        expiresAt = session.requestedAt + session.requestTtl;
        uint40 kyfDeadline = session.kyfDeadline;
        if (kyfDeadline > expiresAt) expiresAt = kyfDeadline;
    }

    function _disputeEndsAt(Session calldata session) private pure returns (uint40) {
        return session.startedAt + uint40(session.minutes_) * 60 + session.disputeWindow;
    }

    /// @dev Applies the caller's EIP-2612 permit for the vault. A front-run permit reverts here but has already set the
    /// allowance, so a failure is ignored: the vault's pull reverts anyway if the allowance is missing.
    function _tryPermit(IMesiVault.Permit calldata permit) private {
        // solhint-disable-next-line no-empty-blocks
        try _mesi.permit(msg.sender, address(vault), permit.value, permit.deadline, permit.v, permit.r, permit.s) {
            // Allowance set.
            // solhint-disable-next-line no-empty-blocks
        } catch {
            // Already used (front-run) or invalid.
        }
    }
}
