// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import { Test } from "forge-std/Test.sol";
import { StdInvariant } from "forge-std/StdInvariant.sol";
import { SafeCast } from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import { IOneToOneEscrow } from "../../../contracts/interfaces/IOneToOneEscrow.sol";
import { KyfRegistry } from "../../../contracts/KyfRegistry.sol";
import { MesiToken } from "../../../contracts/MesiToken.sol";
import { MesiVault } from "../../../contracts/MesiVault.sol";
import { OneToOneEscrow } from "../../../contracts/OneToOneEscrow.sol";
import { ModulesSetup } from "../fixtures/ModulesSetup.sol";

/// @dev The record of a request `fan` makes now: the escrow snapshots its current windows, as the contract does.
function newRecord(
    OneToOneEscrow escrow,
    address fan,
    address creator,
    uint256 amount,
    uint8 minutes_
) view returns (IOneToOneEscrow.Session memory) {
    return
        IOneToOneEscrow.Session({
            fan: fan,
            creator: creator,
            amount: uint96(amount),
            minutes_: minutes_,
            requestedAt: uint40(block.timestamp),
            requestTtl: uint32(escrow.requestTtl()),
            disputeWindow: uint32(escrow.disputeWindow()),
            kyfDeadline: 0,
            startedAt: 0
        });
}

/// @notice Drives random session lifecycles through the real escrow, vault, creator registry and KYF registry,
/// measuring every payout by the balances it moves (not by the contract's own events). It keeps every session's
/// record as the webapp would rebuild it from the events, and passes it back to the escrow.
contract EscrowHandler is Test {
    OneToOneEscrow internal immutable escrow;
    MesiVault internal immutable vault;
    MesiToken internal immutable mesi;
    KyfRegistry internal immutable kyf;
    address internal immutable admin;

    address[] internal _fans;
    address[] internal _creators;

    /// @notice Every session's latest record and status, in request order.
    IOneToOneEscrow.Session[] internal _records;
    IOneToOneEscrow.Status[] internal _statuses;
    /// @notice Amount escrowed at request, per record index.
    mapping(uint256 index => uint256) public ghostAmount;
    /// @notice Σ of what left the escrow for a session: the creator's gross credit plus the fan's refund.
    mapping(uint256 index => uint256) public ghostPaid;
    /// @notice How many calls paid a session out.
    mapping(uint256 index => uint256) public ghostPayouts;
    /// @notice [start, end) of every accepted session of a creator, in acceptance order.
    mapping(address creator => uint256[2][]) internal _intervals;
    /// @notice The settings each creator last set (read from the escrow at deployment).
    mapping(address creator => IOneToOneEscrow.OneToOneSettings) internal _settings;
    uint256 public payouts;

    constructor(
        OneToOneEscrow escrow_,
        MesiVault vault_,
        MesiToken mesi_,
        KyfRegistry kyf_,
        address admin_,
        address[] memory fans_,
        address[] memory creators_
    ) {
        escrow = escrow_;
        vault = vault_;
        mesi = mesi_;
        kyf = kyf_;
        admin = admin_;
        _fans = fans_;
        _creators = creators_;
        for (uint256 i; i < creators_.length; ++i) _settings[creators_[i]] = escrow_.settingsOf(creators_[i]);
    }

    // ─────────────────────────────────────── Fan ───────────────────────────────────────

    function request(uint256 fanSeed, uint256 creatorSeed, uint256 amount, uint8 minutes_) external {
        address fan = _fans[fanSeed % _fans.length];
        address creator = _creators[creatorSeed % _creators.length];
        amount = bound(amount, 1 ether, 1e24);
        minutes_ = uint8(bound(minutes_, 5, 30));
        // Half the requests by allowance, half by ERC-1363 transferAndCall into the vault (the wallet path).
        if (amount % 2 == 0) {
            vm.prank(fan);
            escrow.request(creator, amount, minutes_);
        } else {
            bytes memory data = vault.encodeSessionRequestData(creator, minutes_);
            vm.prank(fan);
            mesi.transferAndCall(address(vault), amount, data);
        }
        ghostAmount[_records.length] = amount;
        _statuses.push(IOneToOneEscrow.Status.Requested);
        _records.push(newRecord(escrow, fan, creator, amount, minutes_));
    }

    function cancel(uint256 seed) external {
        (uint256 i, IOneToOneEscrow.Session memory s) = _pick(seed);
        (uint256 fanBefore, uint256 creatorBefore) = _balances(s);
        vm.prank(s.fan);
        escrow.cancel(s);
        _statuses[i] = IOneToOneEscrow.Status.Cancelled;
        _paid(i, s, fanBefore, creatorBefore);
    }

    function consent(uint256 seed) external {
        (, IOneToOneEscrow.Session memory s) = _pick(seed);
        vm.prank(s.fan);
        kyf.consent(s.creator);
    }

    function report(uint256 seed, bytes32 evidenceHash) external {
        (uint256 i, IOneToOneEscrow.Session memory s) = _pick(seed);
        vm.prank(s.fan);
        escrow.report(s, evidenceHash);
        _statuses[i] = IOneToOneEscrow.Status.Disputed;
    }

    // ─────────────────────────────────────── Creator ───────────────────────────────────────

    function accept(uint256 seed) external {
        (uint256 i, IOneToOneEscrow.Session memory s) = _pick(seed);
        vm.prank(s.creator);
        escrow.accept(s);
        _statuses[i] = IOneToOneEscrow.Status.Accepted;
        _records[i].startedAt = uint40(block.timestamp);
        _intervals[s.creator].push([block.timestamp, block.timestamp + uint256(s.minutes_) * 60]);
    }

    function decline(uint256 seed) external {
        (uint256 i, IOneToOneEscrow.Session memory s) = _pick(seed);
        (uint256 fanBefore, uint256 creatorBefore) = _balances(s);
        vm.prank(s.creator);
        escrow.decline(s);
        _statuses[i] = IOneToOneEscrow.Status.Declined;
        _paid(i, s, fanBefore, creatorBefore);
    }

    function requestKyf(uint256 seed) external {
        (uint256 i, IOneToOneEscrow.Session memory s) = _pick(seed);
        vm.prank(s.creator);
        escrow.requestKyf(s);
        _records[i].kyfDeadline = uint40(block.timestamp + kyf.consentWindow());
    }

    /// @dev Any valid settings; mostly enabled, with minimums a request (1 to 10^6 MESI) may meet.
    function setSettings(uint256 creatorSeed, uint8 minMinutes, uint8 maxMinutes, uint256 minAmount) external {
        address creator = _creators[creatorSeed % _creators.length];
        minMinutes = uint8(bound(minMinutes, 5, 30));
        maxMinutes = uint8(bound(maxMinutes, minMinutes, 30));
        IOneToOneEscrow.OneToOneSettings memory settings = IOneToOneEscrow.OneToOneSettings({
            enabled: creatorSeed % 4 != 0,
            minMinutes: minMinutes,
            maxMinutes: maxMinutes,
            minAmount: bound(minAmount, 1, 1000 ether)
        });
        vm.prank(creator);
        escrow.setSettings(settings);
        _settings[creator] = settings;
    }

    function toggleBlock(uint256 fanSeed, uint256 creatorSeed) external {
        address fan = _fans[fanSeed % _fans.length];
        address creator = _creators[creatorSeed % _creators.length];
        vm.prank(creator);
        if (vault.isBlocked(creator, fan)) vault.unblockFan(fan);
        else vault.blockFan(fan);
    }

    // ─────────────────────────────────────── Anyone ───────────────────────────────────────

    function expire(uint256 seed) external {
        (uint256 i, IOneToOneEscrow.Session memory s) = _pick(seed);
        (uint256 fanBefore, uint256 creatorBefore) = _balances(s);
        bool kyfMissing = s.kyfDeadline != 0 && !kyf.hasConsented(s.creator, s.fan);
        escrow.expire(s);
        _statuses[i] = kyfMissing ? IOneToOneEscrow.Status.KyfExpired : IOneToOneEscrow.Status.Expired;
        _paid(i, s, fanBefore, creatorBefore);
    }

    function expireKyf(uint256 seed) external {
        (uint256 i, IOneToOneEscrow.Session memory s) = _pick(seed);
        (uint256 fanBefore, uint256 creatorBefore) = _balances(s);
        escrow.expireKyf(s);
        _statuses[i] = IOneToOneEscrow.Status.KyfExpired;
        _paid(i, s, fanBefore, creatorBefore);
    }

    function release(uint256 seed) external {
        (uint256 i, IOneToOneEscrow.Session memory s) = _pick(seed);
        (uint256 fanBefore, uint256 creatorBefore) = _balances(s);
        escrow.release(s);
        _statuses[i] = IOneToOneEscrow.Status.Released;
        _paid(i, s, fanBefore, creatorBefore);
    }

    // ─────────────────────────────────────── Moderator / admin ───────────────────────────────────────

    function resolve(uint256 seed, uint16 creatorBps, bytes32 noteHash) external {
        (uint256 i, IOneToOneEscrow.Session memory s) = _pick(seed);
        creatorBps = uint16(bound(creatorBps, 0, 10_000));
        (uint256 fanBefore, uint256 creatorBefore) = _balances(s);
        escrow.resolve(s, creatorBps, noteHash);
        _statuses[i] = IOneToOneEscrow.Status.Resolved;
        _paid(i, s, fanBefore, creatorBefore);
    }

    function setWindows(uint256 ttl, uint256 window) external {
        vm.startPrank(admin);
        escrow.setRequestTtl(bound(ttl, 5 minutes, 3 days));
        escrow.setDisputeWindow(bound(window, 1 hours, 3 days));
        vm.stopPrank();
    }

    function togglePause(uint256 seed) external {
        if (seed % 4 != 0) return;
        vm.startPrank(admin);
        if (vault.paused()) vault.unpause();
        else vault.pause();
        vm.stopPrank();
    }

    function warp(uint256 seconds_) external {
        vm.warp(block.timestamp + bound(seconds_, 1, 2 days));
    }

    // ─────────────────────────────────────── Views ───────────────────────────────────────

    function creators() external view returns (address[] memory) {
        return _creators;
    }

    function intervalsOf(address creator) external view returns (uint256[2][] memory) {
        return _intervals[creator];
    }

    function settingsOf(address creator) external view returns (IOneToOneEscrow.OneToOneSettings memory) {
        return _settings[creator];
    }

    function recordCount() external view returns (uint256) {
        return _records.length;
    }

    function recordAt(uint256 index) external view returns (IOneToOneEscrow.Session memory, IOneToOneEscrow.Status) {
        return (_records[index], _statuses[index]);
    }

    // ─────────────────────────────────────── Private ───────────────────────────────────────

    /// @dev A session's latest record (an empty record, which the escrow refuses, when there is none yet).
    function _pick(uint256 seed) private view returns (uint256 index, IOneToOneEscrow.Session memory s) {
        if (_records.length == 0) return (0, s);
        index = seed % _records.length;
        s = _records[index];
    }

    function _balances(IOneToOneEscrow.Session memory s) private view returns (uint256 fan, uint256 creator) {
        (uint256 cleared, , uint256 feesOwed) = vault.earningsOf(s.creator);
        return (mesi.balanceOf(s.fan), cleared + feesOwed);
    }

    function _paid(uint256 i, IOneToOneEscrow.Session memory s, uint256 fanBefore, uint256 creatorBefore) private {
        (uint256 fanAfter, uint256 creatorAfter) = _balances(s);
        ghostPaid[i] += (fanAfter - fanBefore) + (creatorAfter - creatorBefore);
        ++ghostPayouts[i];
        ++payouts;
    }
}

/// @notice Shared setup: two one-to-one creators (minimum 100 MESI) and two fans.
abstract contract EscrowBase is ModulesSetup {
    uint256 internal constant MIN_AMOUNT = 100 ether;

    address internal creator;
    address internal creator2;
    address internal fan;
    address internal fan2;

    function setUp() public virtual {
        _deployModules();
        creator = _oneToOneCreator("creator", MIN_AMOUNT);
        creator2 = _oneToOneCreator("creator2", MIN_AMOUNT);
        fan = _fan("fan", type(uint96).max);
        fan2 = _fan("fan2", 1e24);
    }

    function _creators() internal view returns (address[] memory list) {
        list = new address[](2);
        list[0] = creator;
        list[1] = creator2;
    }

    function _terminal(IOneToOneEscrow.Status status) internal pure returns (bool) {
        return
            status == IOneToOneEscrow.Status.Declined ||
            status == IOneToOneEscrow.Status.Cancelled ||
            status == IOneToOneEscrow.Status.Expired ||
            status == IOneToOneEscrow.Status.KyfExpired ||
            status == IOneToOneEscrow.Status.Released ||
            status == IOneToOneEscrow.Status.Resolved;
    }

    /// @dev Requests as `from` and returns the record the events describe.
    function _request(
        address from,
        address to,
        uint256 amount,
        uint8 minutes_
    ) internal returns (IOneToOneEscrow.Session memory s, uint256 id) {
        vm.prank(from);
        id = escrow.request(to, amount, minutes_);
        s = newRecord(escrow, from, to, amount, minutes_);
        assertTrue(escrow.isCurrent(s), "record rebuilt");
        assertEq(escrow.sessionIdOf(from, to, uint64(id)), id, "id");
        _assertStatus(s, IOneToOneEscrow.Status.Requested);
    }

    /// @dev The creator accepts; returns the updated record.
    function _accept(IOneToOneEscrow.Session memory s) internal returns (IOneToOneEscrow.Session memory) {
        vm.prank(s.creator);
        escrow.accept(s);
        s.startedAt = uint40(block.timestamp);
        assertTrue(escrow.isCurrent(s), "accepted record");
        _assertStatus(s, IOneToOneEscrow.Status.Accepted);
        return s;
    }

    function _assertStatus(IOneToOneEscrow.Session memory s, IOneToOneEscrow.Status expected) internal view {
        (, IOneToOneEscrow.Status status) = escrow.latestSessionOf(s.fan, s.creator);
        assertEq(uint8(status), uint8(expected), "status");
    }
}

contract OneToOneEscrowTest is EscrowBase {
    // ───────────────────────────────────── Unit ─────────────────────────────────────

    function test_ReleasesToCreator_AfterDisputeWindow() public {
        (IOneToOneEscrow.Session memory s, uint256 id) = _request(fan, creator, MIN_AMOUNT, 10);
        s = _accept(s);
        vm.warp(block.timestamp + 10 minutes + 1 days + 1);
        escrow.release(s);
        assertEq(_grossCleared(creator), MIN_AMOUNT);
        assertTrue(escrow.isCurrent(s), "the record stays current after the payout");
        (uint256 latest, IOneToOneEscrow.Status status) = escrow.latestSessionOf(fan, creator);
        assertEq(latest, id);
        assertEq(uint8(status), uint8(IOneToOneEscrow.Status.Released));
    }

    function test_RevertWhen_SessionNotAccepted() public {
        (IOneToOneEscrow.Session memory s, uint256 id) = _request(fan, creator, MIN_AMOUNT, 10);
        vm.expectRevert(
            abi.encodeWithSelector(IOneToOneEscrow.Escrow_WrongStatus.selector, id, IOneToOneEscrow.Status.Requested)
        );
        escrow.release(s);
    }

    function test_RevertWhen_ReleasedTwice() public {
        (IOneToOneEscrow.Session memory s, uint256 id) = _request(fan, creator, MIN_AMOUNT, 10);
        s = _accept(s);
        vm.warp(block.timestamp + 10 minutes + 1 days + 1);
        escrow.release(s);
        vm.expectRevert(
            abi.encodeWithSelector(IOneToOneEscrow.Escrow_WrongStatus.selector, id, IOneToOneEscrow.Status.Released)
        );
        escrow.release(s);
    }

    /// @dev A repeat request of the same pair gets the next id; the old record no longer matches.
    function test_RepeatRequest_NextSeq() public {
        (IOneToOneEscrow.Session memory first, uint256 firstId) = _request(fan, creator, MIN_AMOUNT, 10);
        vm.prank(fan);
        escrow.cancel(first);
        vm.warp(block.timestamp + 1);
        (IOneToOneEscrow.Session memory second, uint256 secondId) = _request(fan, creator, MIN_AMOUNT, 10);
        assertEq(uint64(secondId), 2);
        assertEq(secondId, firstId + 1);
        assertTrue(escrow.isCurrent(second));
        assertFalse(escrow.isCurrent(first));
        vm.expectRevert(abi.encodeWithSelector(IOneToOneEscrow.Escrow_SessionMismatch.selector, secondId));
        escrow.expire(first);
    }

    // ───────────────────────────────────── Fuzz ─────────────────────────────────────

    /// @dev Any amount up to uint96 and any allowed duration: released in full, fee only from the creator's side.
    function testFuzz_RequestAcceptRelease(uint96 amount, uint8 minutes_) public {
        amount = uint96(bound(amount, MIN_AMOUNT, type(uint96).max));
        minutes_ = uint8(bound(minutes_, 5, 30));
        (IOneToOneEscrow.Session memory s, ) = _request(fan, creator, amount, minutes_);
        assertEq(vault.escrowed(), amount);
        s = _accept(s);
        assertEq(escrow.busyUntil(creator), block.timestamp + uint256(minutes_) * 60);
        vm.warp(block.timestamp + uint256(minutes_) * 60 + escrow.disputeWindow() + 1);
        escrow.release(s);

        (uint256 cleared, , uint256 feesOwed) = vault.earningsOf(creator);
        assertEq(cleared + feesOwed, amount, "creator gross == amount");
        assertEq(feesOwed, (uint256(amount) * vault.feeBps()) / 10_000, "fee");
        assertEq(vault.escrowed(), 0);
        assertEq(mesi.balanceOf(address(vault)), _ledger(_creators()), "conservation");
    }

    /// @dev A request paid by ERC-1363 transferAndCall into the vault (no allowance) records the same session as
    /// {request} for any amount up to uint96, and the lifecycle pays the creator exactly that amount.
    function testFuzz_RequestByTransferAndCall(uint96 amount, uint8 minutes_) public {
        amount = uint96(bound(amount, MIN_AMOUNT, type(uint96).max));
        minutes_ = uint8(bound(minutes_, 5, 30));
        uint256 fanBefore = mesi.balanceOf(fan);
        vm.prank(fan);
        mesi.approve(address(vault), 0);
        bytes memory data = vault.encodeSessionRequestData(creator, minutes_);
        vm.prank(fan);
        mesi.transferAndCall(address(vault), amount, data);
        IOneToOneEscrow.Session memory s = newRecord(escrow, fan, creator, amount, minutes_);
        assertTrue(escrow.isCurrent(s), "record");
        assertEq(vault.escrowed(), amount);
        assertEq(mesi.balanceOf(fan), fanBefore - amount);
        s = _accept(s);
        vm.warp(block.timestamp + uint256(minutes_) * 60 + escrow.disputeWindow() + 1);
        escrow.release(s);
        (uint256 cleared, , uint256 feesOwed) = vault.earningsOf(creator);
        assertEq(cleared + feesOwed, amount, "creator gross == amount");
        assertEq(vault.escrowed(), 0);
        assertEq(mesi.balanceOf(address(vault)), _ledger(_creators()), "conservation");
    }

    /// @dev Any change to any field of the record is refused with the id the changed record names.
    function testFuzz_RevertWhen_RecordTampered(uint256 field, uint256 value) public {
        (IOneToOneEscrow.Session memory s, ) = _request(fan, creator, MIN_AMOUNT, 10);
        field = bound(field, 0, 8);
        IOneToOneEscrow.Session memory t = s;
        if (field == 0) t.fan = fan2;
        else if (field == 1) t.creator = creator2;
        else if (field == 2) t.amount = uint96(bound(value, uint256(s.amount) + 1, type(uint96).max));
        else if (field == 3) t.minutes_ = uint8(bound(value, 11, 255));
        else if (field == 4) t.requestedAt = uint40(bound(value, 0, block.timestamp - 1));
        else if (field == 5) t.requestTtl = uint32(bound(value, uint256(s.requestTtl) + 1, type(uint32).max));
        else if (field == 6) t.disputeWindow = uint32(bound(value, 0, uint256(s.disputeWindow) - 1));
        else if (field == 7) t.kyfDeadline = uint40(bound(value, 1, type(uint40).max));
        else t.startedAt = uint40(bound(value, 1, type(uint40).max));
        assertFalse(escrow.isCurrent(t));
        // A pair with no session yet (fan2 or creator2 changed) names session id with seq 0.
        (uint256 id, ) = escrow.latestSessionOf(t.fan, t.creator);
        if (id == 0) id = escrow.sessionIdOf(t.fan, t.creator, 0);
        vm.expectRevert(abi.encodeWithSelector(IOneToOneEscrow.Escrow_SessionMismatch.selector, id));
        vm.prank(t.creator);
        escrow.accept(t);
    }

    function testFuzz_RevertWhen_AmountAboveUint96(uint256 amount) public {
        amount = bound(amount, uint256(type(uint96).max) + 1, type(uint256).max);
        vm.expectRevert(abi.encodeWithSelector(SafeCast.SafeCastOverflowedUintDowncast.selector, 96, amount));
        vm.prank(fan);
        escrow.request(creator, amount, 10);
    }

    /// @dev A moderator's split pays creatorBps to the creator (fee on that part) and the rest to the fan: in full.
    function testFuzz_ResolveSplit(uint96 amount, uint16 creatorBps) public {
        amount = uint96(bound(amount, MIN_AMOUNT, type(uint96).max));
        creatorBps = uint16(bound(creatorBps, 0, 10_000));
        (IOneToOneEscrow.Session memory s, ) = _request(fan, creator, amount, 5);
        s = _accept(s);
        vm.prank(fan);
        escrow.report(s, keccak256("evidence"));
        _assertStatus(s, IOneToOneEscrow.Status.Disputed);

        uint256 fanBefore = mesi.balanceOf(fan);
        vm.prank(moderator);
        escrow.resolve(s, creatorBps, bytes32(0));

        uint256 creatorAmount = (uint256(amount) * creatorBps) / 10_000;
        uint256 fanAmount = mesi.balanceOf(fan) - fanBefore;
        (uint256 cleared, , uint256 feesOwed) = vault.earningsOf(creator);
        assertEq(cleared + feesOwed, creatorAmount, "creator part");
        assertEq(feesOwed, (creatorAmount * vault.feeBps()) / 10_000, "fee on the creator part only");
        assertEq(creatorAmount + fanAmount, amount, "split sums to the amount");
        assertEq(vault.escrowed(), 0);
        assertEq(mesi.balanceOf(address(vault)), _ledger(_creators()), "conservation");
    }

    function testFuzz_RevertWhen_BpsAboveMax(uint16 creatorBps) public {
        creatorBps = uint16(bound(creatorBps, 10_001, type(uint16).max));
        IOneToOneEscrow.Session memory none;
        vm.expectRevert(abi.encodeWithSelector(IOneToOneEscrow.Escrow_InvalidBps.selector, creatorBps));
        vm.prank(moderator);
        escrow.resolve(none, creatorBps, bytes32(0));
    }

    /// @dev A duration is accepted exactly when it lies within the creator's range.
    function testFuzz_Durations(uint8 minutes_, uint8 minMinutes, uint8 maxMinutes) public {
        minMinutes = uint8(bound(minMinutes, 5, 30));
        maxMinutes = uint8(bound(maxMinutes, minMinutes, 30));
        vm.prank(creator);
        escrow.setSettings(
            IOneToOneEscrow.OneToOneSettings({
                enabled: true,
                minMinutes: minMinutes,
                maxMinutes: maxMinutes,
                minAmount: MIN_AMOUNT
            })
        );
        if (minutes_ < minMinutes || minutes_ > maxMinutes) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IOneToOneEscrow.Escrow_InvalidDuration.selector,
                    minutes_,
                    minMinutes,
                    maxMinutes
                )
            );
        }
        vm.prank(fan);
        escrow.request(creator, MIN_AMOUNT, minutes_);
    }

    /// @dev Settings are stored exactly when 5 <= min <= max <= 30 and 0 < minAmount <= 2^96 - 1 (0 allowed while
    /// disabled); otherwise the revert names the offending values. The duration is checked first.
    function testFuzz_SetSettings(bool enabled, uint8 minMinutes, uint8 maxMinutes, uint256 minAmount) public {
        IOneToOneEscrow.OneToOneSettings memory settings = IOneToOneEscrow.OneToOneSettings({
            enabled: enabled,
            minMinutes: minMinutes,
            maxMinutes: maxMinutes,
            minAmount: minAmount
        });
        IOneToOneEscrow.OneToOneSettings memory before = escrow.settingsOf(creator);
        bool durationOk = minMinutes >= 5 && minMinutes <= maxMinutes && maxMinutes <= 30;
        bool amountOk = (!enabled || minAmount > 0) && minAmount <= type(uint96).max;
        if (!durationOk) {
            vm.expectRevert(
                abi.encodeWithSelector(IOneToOneEscrow.Escrow_InvalidDurationRange.selector, minMinutes, maxMinutes)
            );
        } else if (!amountOk) {
            vm.expectRevert(abi.encodeWithSelector(IOneToOneEscrow.Escrow_InvalidMinAmount.selector, minAmount));
        } else {
            vm.expectEmit(address(escrow));
            emit IOneToOneEscrow.OneToOneSettingsUpdated(creator, enabled, minAmount, minMinutes, maxMinutes);
        }
        vm.prank(creator);
        escrow.setSettings(settings);
        IOneToOneEscrow.OneToOneSettings memory stored = escrow.settingsOf(creator);
        if (!durationOk || !amountOk) settings = before;
        assertEq(stored.enabled, settings.enabled);
        assertEq(stored.minMinutes, settings.minMinutes);
        assertEq(stored.maxMinutes, settings.maxMinutes);
        assertEq(stored.minAmount, settings.minAmount);
    }

    function testFuzz_RevertWhen_MinAmountAboveUint96(bool enabled, uint256 minAmount) public {
        minAmount = bound(minAmount, uint256(type(uint96).max) + 1, type(uint256).max);
        vm.expectRevert(abi.encodeWithSelector(IOneToOneEscrow.Escrow_InvalidMinAmount.selector, minAmount));
        vm.prank(creator);
        escrow.setSettings(IOneToOneEscrow.OneToOneSettings(enabled, 5, 30, minAmount));
    }

    function test_RevertWhen_SetSettingsNotRegistered() public {
        vm.expectRevert(abi.encodeWithSelector(IOneToOneEscrow.Escrow_NotRegistered.selector, fan));
        vm.prank(fan);
        escrow.setSettings(IOneToOneEscrow.OneToOneSettings(true, 5, 30, MIN_AMOUNT));
    }

    /// @dev Settings and busyUntil share a slot: changing the settings keeps the running session's end, and an
    /// acceptance keeps the settings; the new settings apply to the next request.
    function testFuzz_SetSettings_KeepsBusyUntil(
        bool enabled,
        uint8 minMinutes,
        uint8 maxMinutes,
        uint256 amount
    ) public {
        minMinutes = uint8(bound(minMinutes, 5, 30));
        maxMinutes = uint8(bound(maxMinutes, minMinutes, 30));
        amount = bound(amount, 1, type(uint96).max);
        (IOneToOneEscrow.Session memory s, ) = _request(fan, creator, MIN_AMOUNT, 30);
        _accept(s);
        uint40 busy = escrow.busyUntil(creator);
        assertEq(busy, block.timestamp + 30 minutes);

        vm.prank(creator);
        escrow.setSettings(IOneToOneEscrow.OneToOneSettings(enabled, minMinutes, maxMinutes, amount));
        assertEq(escrow.busyUntil(creator), busy, "busyUntil kept");
        IOneToOneEscrow.OneToOneSettings memory stored = escrow.settingsOf(creator);
        assertEq(stored.enabled, enabled);
        assertEq(stored.minMinutes, minMinutes);
        assertEq(stored.maxMinutes, maxMinutes);
        assertEq(stored.minAmount, amount);

        // The creator's next acceptance (another fan) rewrites busyUntil and keeps the settings.
        if (enabled && amount <= 1e24) {
            vm.warp(busy);
            (IOneToOneEscrow.Session memory s2, ) = _request(fan2, creator, amount, minMinutes);
            _accept(s2);
            assertEq(escrow.busyUntil(creator), block.timestamp + uint256(minMinutes) * 60);
            stored = escrow.settingsOf(creator);
            assertEq(stored.enabled, enabled);
            assertEq(stored.minMinutes, minMinutes);
            assertEq(stored.maxMinutes, maxMinutes);
            assertEq(stored.minAmount, amount);
        } else if (!enabled) {
            vm.expectRevert(abi.encodeWithSelector(IOneToOneEscrow.Escrow_OneToOneDisabled.selector, creator));
            vm.prank(fan2);
            escrow.request(creator, MIN_AMOUNT, minMinutes);
        }
    }

    /// @dev Acceptance is possible exactly while now < requestedAt + requestTtl; expiry exactly from then on. The
    /// ttl is the one at request time: a later change does not move it.
    function testFuzz_AcceptOrExpire_ByTime(uint256 delay, uint256 ttl, uint256 laterTtl) public {
        ttl = bound(ttl, 5 minutes, 30 days);
        escrow.setRequestTtl(ttl);
        delay = bound(delay, 0, 31 days);
        (IOneToOneEscrow.Session memory s, uint256 id) = _request(fan, creator, MIN_AMOUNT, 5);
        escrow.setRequestTtl(bound(laterTtl, 5 minutes, 30 days));
        uint40 expiresAt = uint40(block.timestamp + ttl);
        vm.warp(block.timestamp + delay);
        if (delay >= ttl) {
            vm.expectRevert(abi.encodeWithSelector(IOneToOneEscrow.Escrow_RequestExpired.selector, id, expiresAt));
            vm.prank(creator);
            escrow.accept(s);
            escrow.expire(s);
            assertEq(mesi.balanceOf(fan), type(uint96).max, "refunded in full");
        } else {
            vm.expectRevert(abi.encodeWithSelector(IOneToOneEscrow.Escrow_RequestNotExpired.selector, id, expiresAt));
            escrow.expire(s);
            vm.prank(creator);
            escrow.accept(s);
        }
    }

    /// @dev Reports are possible exactly until endsAt + disputeWindow, release exactly after. The window is the one
    /// at request time.
    function testFuzz_ReportOrRelease_ByTime(uint8 minutes_, uint256 window, uint256 delay, uint256 later) public {
        minutes_ = uint8(bound(minutes_, 5, 30));
        window = bound(window, 1 hours, 30 days);
        escrow.setDisputeWindow(window);
        delay = bound(delay, 0, 31 days);
        (IOneToOneEscrow.Session memory s, uint256 id) = _request(fan, creator, MIN_AMOUNT, minutes_);
        s = _accept(s);
        escrow.setDisputeWindow(bound(later, 1 hours, 30 days));
        uint40 disputeEndsAt = uint40(block.timestamp + uint256(minutes_) * 60 + window);
        vm.warp(block.timestamp + delay);
        if (block.timestamp <= disputeEndsAt) {
            vm.expectRevert(
                abi.encodeWithSelector(IOneToOneEscrow.Escrow_DisputeWindowOpen.selector, id, disputeEndsAt)
            );
            escrow.release(s);
            vm.prank(fan);
            escrow.report(s, bytes32(0));
        } else {
            vm.expectRevert(
                abi.encodeWithSelector(IOneToOneEscrow.Escrow_DisputeWindowClosed.selector, id, disputeEndsAt)
            );
            vm.prank(fan);
            escrow.report(s, bytes32(0));
            escrow.release(s);
        }
    }

    /// @dev A creator cannot accept a second session until the first one's end.
    function testFuzz_CreatorBusy(uint8 minutes_, uint256 delay) public {
        minutes_ = uint8(bound(minutes_, 5, 30));
        delay = bound(delay, 0, 1 hours);
        (IOneToOneEscrow.Session memory first, ) = _request(fan, creator, MIN_AMOUNT, minutes_);
        (IOneToOneEscrow.Session memory second, ) = _request(fan2, creator, MIN_AMOUNT, 5);
        _accept(first);
        uint40 busyUntil = uint40(block.timestamp + uint256(minutes_) * 60);
        vm.warp(block.timestamp + delay);
        if (block.timestamp < busyUntil) {
            vm.expectRevert(abi.encodeWithSelector(IOneToOneEscrow.Escrow_CreatorBusy.selector, creator, busyUntil));
        }
        vm.prank(creator);
        escrow.accept(second);
    }

    /// @dev Windows are accepted exactly within their bounds.
    function testFuzz_WindowBounds(uint256 ttl, uint256 window) public {
        ttl = bound(ttl, 0, 60 days);
        window = bound(window, 0, 60 days);
        if (ttl < 5 minutes || ttl > 30 days) {
            vm.expectRevert(abi.encodeWithSelector(IOneToOneEscrow.Escrow_InvalidWindow.selector, ttl));
        }
        escrow.setRequestTtl(ttl);
        if (window < 1 hours || window > 30 days) {
            vm.expectRevert(abi.encodeWithSelector(IOneToOneEscrow.Escrow_InvalidWindow.selector, window));
        }
        escrow.setDisputeWindow(window);
    }
}

/// @notice Random lifecycles: requests, KYF, accepts, declines, cancels, expiries, reports, releases,
/// resolutions, settings changes, blocks, pauses, window changes and time.
contract OneToOneEscrowInvariantTest is StdInvariant, EscrowBase {
    EscrowHandler internal handler;

    function setUp() public override {
        super.setUp();
        address[] memory fans = new address[](3);
        fans[0] = fan;
        fans[1] = fan2;
        fans[2] = _fan("fan3", 1e24);
        for (uint256 i; i < fans.length; ++i) kyf.attest(fans[i], 1, type(uint64).max);
        handler = new EscrowHandler(escrow, vault, mesi, kyf, address(this), fans, _creators());
        escrow.grantRole(escrow.MODERATOR_ROLE(), address(handler));
        targetContract(address(handler));
    }

    /// @dev Every session that ended was paid out by exactly one call, for exactly its amount; open ones never.
    function invariant_EveryEscrowPaysOutExactlyOnce() public view {
        uint256 count = handler.recordCount();
        for (uint256 i; i < count; ++i) {
            (IOneToOneEscrow.Session memory s, IOneToOneEscrow.Status status) = handler.recordAt(i);
            if (_terminal(status)) {
                assertEq(handler.ghostPayouts(i), 1, "paid once");
                assertEq(handler.ghostPaid(i), s.amount, "paid in full");
            } else {
                assertEq(handler.ghostPayouts(i), 0, "open: not paid");
            }
            assertEq(s.amount, handler.ghostAmount(i), "amount kept");
        }
    }

    /// @dev An open session's record and status (as rebuilt from the calls) are always its pair's current ones: a
    /// pair never has two open sessions, and the word follows every transition.
    function invariant_OpenRecordsAreCurrent() public view {
        uint256 count = handler.recordCount();
        for (uint256 i; i < count; ++i) {
            (IOneToOneEscrow.Session memory s, IOneToOneEscrow.Status status) = handler.recordAt(i);
            if (_terminal(status)) continue;
            assertTrue(escrow.isCurrent(s), "open record current");
            (, IOneToOneEscrow.Status stored) = escrow.latestSessionOf(s.fan, s.creator);
            assertEq(uint8(stored), uint8(status), "status");
        }
    }

    /// @dev The vault's escrowed total is the sum of the open sessions.
    function invariant_EscrowedIsOpenSessions() public view {
        uint256 open;
        uint256 count = handler.recordCount();
        for (uint256 i; i < count; ++i) {
            (IOneToOneEscrow.Session memory s, IOneToOneEscrow.Status status) = handler.recordAt(i);
            if (!_terminal(status)) open += s.amount;
        }
        assertEq(vault.escrowed(), open);
    }

    /// @dev A creator's accepted sessions never overlap in time.
    function invariant_OneSessionAtATimePerCreator() public view {
        address[] memory list = handler.creators();
        for (uint256 c; c < list.length; ++c) {
            uint256[2][] memory intervals = handler.intervalsOf(list[c]);
            for (uint256 i = 1; i < intervals.length; ++i) {
                assertGe(intervals[i][0], intervals[i - 1][1], "no overlap");
            }
        }
    }

    /// @dev Settings and busyUntil share a slot: each keeps what was last written to it, whatever the other did.
    function invariant_CreatorSlotKeepsSettingsAndBusyUntil() public view {
        address[] memory list = handler.creators();
        for (uint256 c; c < list.length; ++c) {
            IOneToOneEscrow.OneToOneSettings memory expected = handler.settingsOf(list[c]);
            IOneToOneEscrow.OneToOneSettings memory stored = escrow.settingsOf(list[c]);
            assertEq(stored.enabled, expected.enabled, "enabled");
            assertEq(stored.minMinutes, expected.minMinutes, "minMinutes");
            assertEq(stored.maxMinutes, expected.maxMinutes, "maxMinutes");
            assertEq(stored.minAmount, expected.minAmount, "minAmount");
            uint256[2][] memory intervals = handler.intervalsOf(list[c]);
            uint256 lastEnd = intervals.length == 0 ? 0 : intervals[intervals.length - 1][1];
            assertEq(escrow.busyUntil(list[c]), lastEnd, "busyUntil");
        }
    }

    function invariant_VaultConservation() public view {
        assertEq(mesi.balanceOf(address(vault)), _ledger(_creators()), "conservation");
    }
}
