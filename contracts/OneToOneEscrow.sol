// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import { AccessControlDefaultAdminRules } from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import { IERC20Permit } from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import { SafeCast } from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import { ICreatorRegistry } from "./interfaces/ICreatorRegistry.sol";
import { IKyfRegistry } from "./interfaces/IKyfRegistry.sol";
import { IMesiVault } from "./interfaces/IMesiVault.sol";
import { IOneToOneEscrow } from "./interfaces/IOneToOneEscrow.sol";

/// @title OneToOneEscrow
/// @notice Paid one-to-one sessions; the funds sit in the vault's `escrowed` until exactly one payout.
/// @dev Every terminal transition (Declined, Cancelled, Expired, KyfExpired, Released, Resolved) writes the status
/// before its single `payOutEscrow` call, and each starts from a non-terminal status, so a session pays out once.
///
/// Time rules (all `block.timestamp`):
/// - a request is open while `now < expiresAt`, where `expiresAt = requestedAt + requestTtl`, extended to the KYF
///   deadline when the creator asked for KYF (the fan then has the whole consent window);
/// - the KYF window is open while `now < deadline`;
/// - a session runs `[startedAt, endsAt)`, `endsAt = startedAt + minutes * 60`; the fan may report while
///   `now <= endsAt + disputeWindow`, and release is possible once `now > endsAt + disputeWindow`.
/// `requestTtl` and `disputeWindow` are read when used, so an admin change applies to sessions in flight.
contract OneToOneEscrow is IOneToOneEscrow, AccessControlDefaultAdminRules {
    using SafeCast for uint256;

    /// @notice Resolves disputed sessions.
    bytes32 public constant MODERATOR_ROLE = keccak256("MODERATOR_ROLE");

    /// @notice Shortest allowed {requestTtl}.
    uint256 public constant MIN_REQUEST_TTL = 5 minutes;
    /// @notice Shortest allowed {disputeWindow}.
    uint256 public constant MIN_DISPUTE_WINDOW = 1 hours;
    /// @notice Longest allowed {requestTtl} and {disputeWindow}.
    uint256 public constant MAX_WINDOW = 30 days;
    uint16 private constant _BPS = 10_000;

    /// @notice The vault holding the escrowed funds (this contract holds its MODULE_ROLE).
    IMesiVault public immutable vault;
    /// @notice Where creators' one-to-one settings live.
    ICreatorRegistry public immutable registry;
    /// @notice Where KYF disclosure is requested and consent recorded (this contract holds KYF_REQUESTER_ROLE).
    IKyfRegistry public immutable kyf;
    /// @dev $MESI, cached: the token permits are applied to.
    IERC20Permit private immutable _mesi;

    /// @dev One slot, read by every request, accept and release: the session counter beside both windows.
    uint64 private _sessionCount;
    uint32 private _requestTtl;
    uint32 private _disputeWindow;

    mapping(uint256 sessionId => Session) private _sessions;
    mapping(address creator => uint40) private _busyUntil;
    /// @dev Only written for sessions whose creator asked for KYF.
    mapping(uint256 sessionId => uint40) private _kyfDeadline;

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

    /// @inheritdoc IOneToOneEscrow
    function cancel(uint256 sessionId) external {
        Session storage s = _existing(sessionId);
        if (s.fan != msg.sender) revert Escrow_NotFan(sessionId, msg.sender);
        _requireStatus(sessionId, s.status, Status.Requested);
        _refund(sessionId, s, Status.Cancelled);
    }

    /// @inheritdoc IOneToOneEscrow
    /// @dev Works while the fan is blocked and while the vault is paused: no payment moves.
    function report(uint256 sessionId, bytes32 evidenceHash) external {
        Session storage s = _existing(sessionId);
        if (s.fan != msg.sender) revert Escrow_NotFan(sessionId, msg.sender);
        _requireStatus(sessionId, s.status, Status.Accepted);
        uint40 disputeEndsAt = _disputeEndsAt(s);
        if (block.timestamp > disputeEndsAt) revert Escrow_DisputeWindowClosed(sessionId, disputeEndsAt);
        s.status = Status.Disputed;
        emit SessionDisputed(sessionId, msg.sender, s.creator, evidenceHash);
    }

    // ─────────────────────────────────────── Creator ───────────────────────────────────────

    /// @inheritdoc IOneToOneEscrow
    function accept(uint256 sessionId) external {
        Session storage s = _existing(sessionId);
        address creator = s.creator;
        if (creator != msg.sender) revert Escrow_NotCreator(sessionId, msg.sender);
        _requireStatus(sessionId, s.status, Status.Requested);
        uint40 kyfDeadline = _kyfDeadline[sessionId];
        uint40 expiresAt = _expiresAt(s.requestedAt, kyfDeadline);
        if (block.timestamp >= expiresAt) revert Escrow_RequestExpired(sessionId, expiresAt);
        address fan = s.fan;
        if (kyfDeadline != 0 && !kyf.hasConsented(creator, fan)) revert Escrow_KyfConsentMissing(sessionId, fan);
        uint40 busy = _busyUntil[creator];
        if (block.timestamp < busy) revert Escrow_CreatorBusy(creator, busy);

        uint40 startedAt = uint40(block.timestamp);
        // minutes_ <= 255, so endsAt < startedAt + 2^14: no uint40 overflow before the year 36,000.
        uint40 endsAt = startedAt + uint40(s.minutes_) * 60;
        s.status = Status.Accepted;
        s.startedAt = startedAt;
        _busyUntil[creator] = endsAt;
        emit SessionAccepted(sessionId, fan, creator, startedAt, endsAt, endsAt + _disputeWindow);
    }

    /// @inheritdoc IOneToOneEscrow
    function decline(uint256 sessionId) external {
        Session storage s = _existing(sessionId);
        if (s.creator != msg.sender) revert Escrow_NotCreator(sessionId, msg.sender);
        _requireStatus(sessionId, s.status, Status.Requested);
        _refund(sessionId, s, Status.Declined);
    }

    /// @inheritdoc IOneToOneEscrow
    /// @dev The request must still be open. The fan gets `kyf.consentWindow()` from now to consent, and the request
    /// stays open at least that long.
    function requestKyf(uint256 sessionId) external {
        Session storage s = _existing(sessionId);
        address creator = s.creator;
        if (creator != msg.sender) revert Escrow_NotCreator(sessionId, msg.sender);
        _requireStatus(sessionId, s.status, Status.Requested);
        if (_kyfDeadline[sessionId] != 0) revert Escrow_KyfAlreadyRequested(sessionId);
        uint40 expiresAt = _expiresAt(s.requestedAt, 0);
        if (block.timestamp >= expiresAt) revert Escrow_RequestExpired(sessionId, expiresAt);

        uint40 deadline = (block.timestamp + kyf.consentWindow()).toUint40();
        _kyfDeadline[sessionId] = deadline;
        address fan = s.fan;
        kyf.requestDisclosureFor(creator, fan);
        emit SessionKyfRequested(sessionId, fan, creator, deadline);
    }

    // ─────────────────────────────────────── Anyone ───────────────────────────────────────

    /// @inheritdoc IOneToOneEscrow
    /// @dev When the creator asked for KYF and the fan has not consented, the refund is recorded as KyfExpired.
    function expire(uint256 sessionId) external {
        Session storage s = _existing(sessionId);
        _requireStatus(sessionId, s.status, Status.Requested);
        uint40 kyfDeadline = _kyfDeadline[sessionId];
        uint40 expiresAt = _expiresAt(s.requestedAt, kyfDeadline);
        if (block.timestamp < expiresAt) revert Escrow_RequestNotExpired(sessionId, expiresAt);
        bool kyfMissing = kyfDeadline != 0 && !kyf.hasConsented(s.creator, s.fan);
        _refund(sessionId, s, kyfMissing ? Status.KyfExpired : Status.Expired);
    }

    /// @inheritdoc IOneToOneEscrow
    function expireKyf(uint256 sessionId) external {
        Session storage s = _existing(sessionId);
        _requireStatus(sessionId, s.status, Status.Requested);
        uint40 deadline = _kyfDeadline[sessionId];
        if (deadline == 0) revert Escrow_KyfNotRequested(sessionId);
        if (block.timestamp < deadline) revert Escrow_KyfWindowOpen(sessionId, deadline);
        if (kyf.hasConsented(s.creator, s.fan)) revert Escrow_KyfConsented(sessionId);
        _refund(sessionId, s, Status.KyfExpired);
    }

    /// @inheritdoc IOneToOneEscrow
    function release(uint256 sessionId) external {
        Session storage s = _existing(sessionId);
        // Checks
        _requireStatus(sessionId, s.status, Status.Accepted);
        uint40 disputeEndsAt = _disputeEndsAt(s);
        if (block.timestamp <= disputeEndsAt) revert Escrow_DisputeWindowOpen(sessionId, disputeEndsAt);
        // Effects
        s.status = Status.Released;
        address creator = s.creator;
        address fan = s.fan;
        uint256 amount = s.amount;
        // Interactions
        uint256 fee = vault.payOutEscrow(creator, amount, fan, 0);
        emit SessionReleased(sessionId, fan, creator, amount, fee);
    }

    // ─────────────────────────────────────── Moderator ───────────────────────────────────────

    /// @inheritdoc IOneToOneEscrow
    function resolve(uint256 sessionId, uint16 creatorBps, bytes32 noteHash) external onlyRole(MODERATOR_ROLE) {
        // Checks
        if (creatorBps > _BPS) revert Escrow_InvalidBps(creatorBps);
        Session storage s = _existing(sessionId);
        _requireStatus(sessionId, s.status, Status.Disputed);
        // Effects
        s.status = Status.Resolved;
        uint256 amount = s.amount;
        uint256 creatorAmount = (amount * creatorBps) / _BPS;
        uint256 fanAmount = amount - creatorAmount;
        // Interactions
        uint256 fee = vault.payOutEscrow(s.creator, creatorAmount, s.fan, fanAmount);
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
    function sessionOf(uint256 sessionId) external view returns (Session memory) {
        return _sessions[sessionId];
    }

    /// @inheritdoc IOneToOneEscrow
    function busyUntil(address creator) external view returns (uint40) {
        return _busyUntil[creator];
    }

    /// @inheritdoc IOneToOneEscrow
    function kyfDeadlineOf(uint256 sessionId) external view returns (uint40) {
        return _kyfDeadline[sessionId];
    }

    /// @inheritdoc IOneToOneEscrow
    function requestTtl() external view returns (uint256) {
        return _requestTtl;
    }

    /// @inheritdoc IOneToOneEscrow
    function disputeWindow() external view returns (uint256) {
        return _disputeWindow;
    }

    /// @inheritdoc IOneToOneEscrow
    function sessionCount() external view returns (uint256) {
        return _sessionCount;
    }

    // ─────────────────────────────────────── Private ───────────────────────────────────────

    function _request(address creator, uint256 amount, uint8 minutes_) private returns (uint256 sessionId) {
        // Checks
        if (creator == msg.sender) revert Escrow_SelfSession(msg.sender);
        ICreatorRegistry.OneToOneSettings memory settings = registry.oneToOneSettingsOf(creator);
        if (!settings.enabled) revert Escrow_OneToOneDisabled(creator);
        if (amount < settings.minAmount) revert Escrow_AmountBelowMinimum(amount, settings.minAmount);
        if (minutes_ < settings.minMinutes || minutes_ > settings.maxMinutes) {
            revert Escrow_InvalidDuration(minutes_, settings.minMinutes, settings.maxMinutes);
        }
        uint96 amount96 = amount.toUint96();

        // Effects
        uint64 count = _sessionCount + 1;
        _sessionCount = count;
        sessionId = count;
        uint40 requestedAt = uint40(block.timestamp);
        _sessions[sessionId] = Session({
            fan: msg.sender,
            amount: amount96,
            creator: creator,
            status: Status.Requested,
            minutes_: minutes_,
            requestedAt: requestedAt,
            startedAt: 0
        });

        // Interactions: the vault pulls the funds (blocks, pause and a zero amount are refused there).
        vault.fundEscrow(msg.sender, creator, amount);
        emit SessionRequested(sessionId, msg.sender, creator, amount, minutes_, requestedAt + _requestTtl);
    }

    /// @dev Ends a request without a session and pays the whole amount back to the fan.
    function _refund(uint256 sessionId, Session storage s, Status status) private {
        // Effects (the caller checked the status is Requested)
        s.status = status;
        address creator = s.creator;
        address fan = s.fan;
        uint256 amount = s.amount;
        // Interactions
        vault.payOutEscrow(creator, 0, fan, amount);
        emit SessionRefunded(sessionId, fan, creator, status, amount);
    }

    function _existing(uint256 sessionId) private view returns (Session storage s) {
        s = _sessions[sessionId];
        if (s.status == Status.None) revert Escrow_UnknownSession(sessionId);
    }

    function _requireStatus(uint256 sessionId, Status actual, Status expected) private pure {
        if (actual != expected) revert Escrow_WrongStatus(sessionId, actual);
    }

    /// @dev When a request stops being acceptable: requestTtl after the request, or the KYF deadline if later.
    function _expiresAt(uint40 requestedAt, uint40 kyfDeadline) private view returns (uint40 expiresAt) {
        expiresAt = requestedAt + _requestTtl;
        if (kyfDeadline > expiresAt) expiresAt = kyfDeadline;
    }

    function _disputeEndsAt(Session storage s) private view returns (uint40) {
        return s.startedAt + uint40(s.minutes_) * 60 + _disputeWindow;
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
