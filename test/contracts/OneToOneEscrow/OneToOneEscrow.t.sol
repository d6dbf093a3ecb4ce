// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import { Test } from "forge-std/Test.sol";
import { StdInvariant } from "forge-std/StdInvariant.sol";
import { SafeCast } from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import { ICreatorRegistry } from "../../../contracts/interfaces/ICreatorRegistry.sol";
import { IOneToOneEscrow } from "../../../contracts/interfaces/IOneToOneEscrow.sol";
import { KyfRegistry } from "../../../contracts/KyfRegistry.sol";
import { MesiToken } from "../../../contracts/MesiToken.sol";
import { MesiVault } from "../../../contracts/MesiVault.sol";
import { OneToOneEscrow } from "../../../contracts/OneToOneEscrow.sol";
import { ModulesSetup } from "../fixtures/ModulesSetup.sol";

/// @notice Drives random session lifecycles through the real escrow, vault, creator registry and KYF registry,
/// measuring every payout by the balances it moves (not by the contract's own events).
contract EscrowHandler is Test {
    OneToOneEscrow internal immutable escrow;
    MesiVault internal immutable vault;
    MesiToken internal immutable mesi;
    KyfRegistry internal immutable kyf;
    address internal immutable admin;

    address[] internal _fans;
    address[] internal _creators;

    /// @notice Amount escrowed at request, per session.
    mapping(uint256 sessionId => uint256) public ghostAmount;
    /// @notice Σ of what left the escrow for a session: the creator's gross credit plus the fan's refund.
    mapping(uint256 sessionId => uint256) public ghostPaid;
    /// @notice How many calls paid a session out.
    mapping(uint256 sessionId => uint256) public ghostPayouts;
    /// @notice [start, end) of every accepted session of a creator, in acceptance order.
    mapping(address creator => uint256[2][]) internal _intervals;
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
    }

    // ─────────────────────────────────────── Fan ───────────────────────────────────────

    function request(uint256 fanSeed, uint256 creatorSeed, uint256 amount, uint8 minutes_) external {
        address fan = _fans[fanSeed % _fans.length];
        address creator = _creators[creatorSeed % _creators.length];
        amount = bound(amount, 1 ether, 1e24);
        minutes_ = uint8(bound(minutes_, 5, 30));
        vm.prank(fan);
        uint256 id = escrow.request(creator, amount, minutes_);
        ghostAmount[id] = amount;
    }

    function cancel(uint256 idSeed) external {
        uint256 id = _id(idSeed);
        IOneToOneEscrow.Session memory s = escrow.sessionOf(id);
        (uint256 fanBefore, uint256 creatorBefore) = _balances(s);
        vm.prank(s.fan);
        escrow.cancel(id);
        _paid(id, s, fanBefore, creatorBefore);
    }

    function consent(uint256 idSeed) external {
        IOneToOneEscrow.Session memory s = escrow.sessionOf(_id(idSeed));
        vm.prank(s.fan);
        kyf.consent(s.creator);
    }

    function report(uint256 idSeed, bytes32 evidenceHash) external {
        uint256 id = _id(idSeed);
        vm.prank(escrow.sessionOf(id).fan);
        escrow.report(id, evidenceHash);
    }

    // ─────────────────────────────────────── Creator ───────────────────────────────────────

    function accept(uint256 idSeed) external {
        uint256 id = _id(idSeed);
        IOneToOneEscrow.Session memory s = escrow.sessionOf(id);
        vm.prank(s.creator);
        escrow.accept(id);
        _intervals[s.creator].push([block.timestamp, block.timestamp + uint256(s.minutes_) * 60]);
    }

    function decline(uint256 idSeed) external {
        uint256 id = _id(idSeed);
        IOneToOneEscrow.Session memory s = escrow.sessionOf(id);
        (uint256 fanBefore, uint256 creatorBefore) = _balances(s);
        vm.prank(s.creator);
        escrow.decline(id);
        _paid(id, s, fanBefore, creatorBefore);
    }

    function requestKyf(uint256 idSeed) external {
        uint256 id = _id(idSeed);
        vm.prank(escrow.sessionOf(id).creator);
        escrow.requestKyf(id);
    }

    function toggleBlock(uint256 fanSeed, uint256 creatorSeed) external {
        address fan = _fans[fanSeed % _fans.length];
        address creator = _creators[creatorSeed % _creators.length];
        vm.prank(creator);
        if (vault.isBlocked(creator, fan)) vault.unblockFan(fan);
        else vault.blockFan(fan);
    }

    // ─────────────────────────────────────── Anyone ───────────────────────────────────────

    function expire(uint256 idSeed) external {
        uint256 id = _id(idSeed);
        IOneToOneEscrow.Session memory s = escrow.sessionOf(id);
        (uint256 fanBefore, uint256 creatorBefore) = _balances(s);
        escrow.expire(id);
        _paid(id, s, fanBefore, creatorBefore);
    }

    function expireKyf(uint256 idSeed) external {
        uint256 id = _id(idSeed);
        IOneToOneEscrow.Session memory s = escrow.sessionOf(id);
        (uint256 fanBefore, uint256 creatorBefore) = _balances(s);
        escrow.expireKyf(id);
        _paid(id, s, fanBefore, creatorBefore);
    }

    function release(uint256 idSeed) external {
        uint256 id = _id(idSeed);
        IOneToOneEscrow.Session memory s = escrow.sessionOf(id);
        (uint256 fanBefore, uint256 creatorBefore) = _balances(s);
        escrow.release(id);
        _paid(id, s, fanBefore, creatorBefore);
    }

    // ─────────────────────────────────────── Moderator / admin ───────────────────────────────────────

    function resolve(uint256 idSeed, uint16 creatorBps, bytes32 noteHash) external {
        uint256 id = _id(idSeed);
        creatorBps = uint16(bound(creatorBps, 0, 10_000));
        IOneToOneEscrow.Session memory s = escrow.sessionOf(id);
        (uint256 fanBefore, uint256 creatorBefore) = _balances(s);
        escrow.resolve(id, creatorBps, noteHash);
        _paid(id, s, fanBefore, creatorBefore);
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

    // ─────────────────────────────────────── Private ───────────────────────────────────────

    function _id(uint256 seed) private view returns (uint256) {
        uint256 count = escrow.sessionCount();
        return count == 0 ? 0 : 1 + (seed % count);
    }

    function _balances(IOneToOneEscrow.Session memory s) private view returns (uint256 fan, uint256 creator) {
        (uint256 cleared, , uint256 feesOwed) = vault.earningsOf(s.creator);
        return (mesi.balanceOf(s.fan), cleared + feesOwed);
    }

    function _paid(uint256 id, IOneToOneEscrow.Session memory s, uint256 fanBefore, uint256 creatorBefore) private {
        (uint256 fanAfter, uint256 creatorAfter) = _balances(s);
        ghostPaid[id] += (fanAfter - fanBefore) + (creatorAfter - creatorBefore);
        ++ghostPayouts[id];
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
}

contract OneToOneEscrowTest is EscrowBase {
    // ───────────────────────────────────── Unit ─────────────────────────────────────

    function test_ReleasesToCreator_AfterDisputeWindow() public {
        vm.prank(fan);
        uint256 id = escrow.request(creator, MIN_AMOUNT, 10);
        vm.prank(creator);
        escrow.accept(id);
        vm.warp(block.timestamp + 10 minutes + 1 days + 1);
        escrow.release(id);
        assertEq(_grossCleared(creator), MIN_AMOUNT);
        assertEq(uint8(escrow.sessionOf(id).status), uint8(IOneToOneEscrow.Status.Released));
    }

    function test_RevertWhen_SessionNotAccepted() public {
        vm.prank(fan);
        uint256 id = escrow.request(creator, MIN_AMOUNT, 10);
        vm.expectRevert(
            abi.encodeWithSelector(IOneToOneEscrow.Escrow_WrongStatus.selector, id, IOneToOneEscrow.Status.Requested)
        );
        escrow.release(id);
    }

    // ───────────────────────────────────── Fuzz ─────────────────────────────────────

    /// @dev Any amount up to uint96 and any allowed duration: released in full, fee only from the creator's side.
    function testFuzz_RequestAcceptRelease(uint96 amount, uint8 minutes_) public {
        amount = uint96(bound(amount, MIN_AMOUNT, type(uint96).max));
        minutes_ = uint8(bound(minutes_, 5, 30));
        vm.prank(fan);
        uint256 id = escrow.request(creator, amount, minutes_);
        assertEq(vault.escrowed(), amount);
        vm.prank(creator);
        escrow.accept(id);
        assertEq(escrow.busyUntil(creator), block.timestamp + uint256(minutes_) * 60);
        vm.warp(block.timestamp + uint256(minutes_) * 60 + escrow.disputeWindow() + 1);
        escrow.release(id);

        (uint256 cleared, , uint256 feesOwed) = vault.earningsOf(creator);
        assertEq(cleared + feesOwed, amount, "creator gross == amount");
        assertEq(feesOwed, (uint256(amount) * vault.feeBps()) / 10_000, "fee");
        assertEq(vault.escrowed(), 0);
        assertEq(mesi.balanceOf(address(vault)), _ledger(_creators()), "conservation");
        IOneToOneEscrow.Session memory s = escrow.sessionOf(id);
        assertEq(s.amount, amount, "history kept");
        assertEq(s.fan, fan);
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
        vm.prank(fan);
        uint256 id = escrow.request(creator, amount, 5);
        vm.prank(creator);
        escrow.accept(id);
        vm.prank(fan);
        escrow.report(id, keccak256("evidence"));

        uint256 fanBefore = mesi.balanceOf(fan);
        vm.prank(moderator);
        escrow.resolve(id, creatorBps, bytes32(0));

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
        vm.expectRevert(abi.encodeWithSelector(IOneToOneEscrow.Escrow_InvalidBps.selector, creatorBps));
        vm.prank(moderator);
        escrow.resolve(1, creatorBps, bytes32(0));
    }

    /// @dev A duration is accepted exactly when it lies within the creator's range.
    function testFuzz_Durations(uint8 minutes_, uint8 minMinutes, uint8 maxMinutes) public {
        minMinutes = uint8(bound(minMinutes, 5, 30));
        maxMinutes = uint8(bound(maxMinutes, minMinutes, 30));
        vm.prank(creator);
        registry.setOneToOneSettings(
            ICreatorRegistry.OneToOneSettings({
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

    /// @dev Acceptance is possible exactly while now < requestedAt + requestTtl; expiry exactly from then on.
    function testFuzz_AcceptOrExpire_ByTime(uint256 delay, uint256 ttl) public {
        ttl = bound(ttl, 5 minutes, 30 days);
        escrow.setRequestTtl(ttl);
        delay = bound(delay, 0, 31 days);
        vm.prank(fan);
        uint256 id = escrow.request(creator, MIN_AMOUNT, 5);
        uint40 expiresAt = uint40(block.timestamp + ttl);
        vm.warp(block.timestamp + delay);
        if (delay >= ttl) {
            vm.expectRevert(abi.encodeWithSelector(IOneToOneEscrow.Escrow_RequestExpired.selector, id, expiresAt));
            vm.prank(creator);
            escrow.accept(id);
            escrow.expire(id);
            assertEq(mesi.balanceOf(fan), type(uint96).max, "refunded in full");
        } else {
            vm.expectRevert(abi.encodeWithSelector(IOneToOneEscrow.Escrow_RequestNotExpired.selector, id, expiresAt));
            escrow.expire(id);
            vm.prank(creator);
            escrow.accept(id);
        }
    }

    /// @dev Reports are possible exactly until endsAt + disputeWindow, release exactly after.
    function testFuzz_ReportOrRelease_ByTime(uint8 minutes_, uint256 window, uint256 delay) public {
        minutes_ = uint8(bound(minutes_, 5, 30));
        window = bound(window, 1 hours, 30 days);
        escrow.setDisputeWindow(window);
        delay = bound(delay, 0, 31 days);
        vm.prank(fan);
        uint256 id = escrow.request(creator, MIN_AMOUNT, minutes_);
        vm.prank(creator);
        escrow.accept(id);
        uint40 disputeEndsAt = uint40(block.timestamp + uint256(minutes_) * 60 + window);
        vm.warp(block.timestamp + delay);
        if (block.timestamp <= disputeEndsAt) {
            vm.expectRevert(
                abi.encodeWithSelector(IOneToOneEscrow.Escrow_DisputeWindowOpen.selector, id, disputeEndsAt)
            );
            escrow.release(id);
            vm.prank(fan);
            escrow.report(id, bytes32(0));
        } else {
            vm.expectRevert(
                abi.encodeWithSelector(IOneToOneEscrow.Escrow_DisputeWindowClosed.selector, id, disputeEndsAt)
            );
            vm.prank(fan);
            escrow.report(id, bytes32(0));
            escrow.release(id);
        }
    }

    /// @dev A creator cannot accept a second session until the first one's end.
    function testFuzz_CreatorBusy(uint8 minutes_, uint256 delay) public {
        minutes_ = uint8(bound(minutes_, 5, 30));
        delay = bound(delay, 0, 1 hours);
        vm.prank(fan);
        uint256 first = escrow.request(creator, MIN_AMOUNT, minutes_);
        vm.prank(fan2);
        uint256 second = escrow.request(creator, MIN_AMOUNT, 5);
        vm.prank(creator);
        escrow.accept(first);
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
/// resolutions, blocks, pauses, window changes and time.
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
        uint256 count = escrow.sessionCount();
        for (uint256 id = 1; id <= count; ++id) {
            IOneToOneEscrow.Session memory s = escrow.sessionOf(id);
            if (_terminal(s.status)) {
                assertEq(handler.ghostPayouts(id), 1, "paid once");
                assertEq(handler.ghostPaid(id), s.amount, "paid in full");
            } else {
                assertEq(handler.ghostPayouts(id), 0, "open: not paid");
            }
            assertEq(s.amount, handler.ghostAmount(id), "amount kept");
        }
    }

    /// @dev The vault's escrowed total is the sum of the open sessions.
    function invariant_EscrowedIsOpenSessions() public view {
        uint256 open;
        uint256 count = escrow.sessionCount();
        for (uint256 id = 1; id <= count; ++id) {
            IOneToOneEscrow.Session memory s = escrow.sessionOf(id);
            if (!_terminal(s.status)) open += s.amount;
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

    function invariant_VaultConservation() public view {
        assertEq(mesi.balanceOf(address(vault)), _ledger(_creators()), "conservation");
    }
}
