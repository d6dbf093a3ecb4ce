// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import { Test, Vm } from "forge-std/Test.sol";
import { StdInvariant } from "forge-std/StdInvariant.sol";

import { Nonces } from "@openzeppelin/contracts/utils/Nonces.sol";

import { IMesiTickets } from "../../../contracts/interfaces/IMesiTickets.sol";
import { IMesiVault } from "../../../contracts/interfaces/IMesiVault.sol";
import { MesiTypes } from "../../../contracts/interfaces/IMesiTypes.sol";
import { MesiTickets } from "../../../contracts/MesiTickets.sol";
import { MesiToken } from "../../../contracts/MesiToken.sol";
import { MesiVault } from "../../../contracts/MesiVault.sol";
import { StableConverter } from "../../../contracts/StableConverter.sol";
import { TestUSDC } from "../../../contracts/TestUSDC.sol";
import { ModulesSetup } from "../fixtures/ModulesSetup.sol";
import { ReentrantTicketBuyer } from "../fixtures/ReentrantTicketBuyer.sol";

/// @notice Drives random sales and purchases of every kind through the real tickets, vault and registry.
/// @dev Bounded: a purchase picks a quantity within what the sale has left (and the fan can pay) and is made only
/// when the sale is open, unpaused and the fan not blocked, so that nearly every purchase succeeds; a purchase beyond
/// the supply left is attempted on purpose and must be refused. A call with nothing to act on counts as idle; the
/// counts are asserted after each run (see the invariant test).
contract TicketsHandler is Test {
    MesiTickets internal immutable tickets;
    MesiVault internal immutable vault;
    MesiToken internal immutable mesi;
    TestUSDC internal immutable usdc;
    StableConverter internal immutable converter;

    address[] internal _fans;
    /// @dev Private keys of `_fans`, same order: they sign gasless purchases.
    uint256[] internal _fanKeys;
    address[] internal _creators;
    uint256[] internal _streams;
    mapping(uint256 streamId => address) public creatorOf;

    /// @notice Tickets bought per stream, counted from successful purchases.
    mapping(uint256 streamId => uint256) public ghostBought;
    /// @notice Tickets burnt per stream.
    mapping(uint256 streamId => uint256) public ghostBurnt;
    /// @notice $MESI credited per creator, counted from what the purchases paid.
    mapping(address creator => uint256) public ghostGross;
    uint256 public ghostRefNonce;
    /// @dev Card purchases whose credit may still be reversed.
    struct CardPurchase {
        bytes32 paymentRef;
        uint256 streamId;
        address fan;
        uint256 paid;
    }
    CardPurchase[] internal _cardPurchases;
    uint256 public purchases;
    /// @notice Signed purchases that went through, per fan.
    mapping(address fan => uint256) public ghostSignedPurchases;
    /// @notice The ticket-only flag each stream's creator last set.
    mapping(uint256 streamId => bool) public ghostTicketOnly;
    /// @notice Purchases beyond the supply left: refused as they must be, and any that went through (must stay 0).
    uint256 public refusedOverSupply;
    uint256 public wronglySold;
    /// @notice How often each path was taken in this run.
    uint256 public reachedSoldOut;
    uint256 public reachedReversals;
    uint256 public reachedTicketOnlyChanges;
    uint256 public reachedCardPurchases;
    uint256 public reachedStablecoinPurchases;
    uint256 public reachedSignedPurchases;
    uint256 public calls;
    uint256 public idle;

    modifier counted() {
        ++calls;
        _;
    }

    constructor(
        MesiTickets tickets_,
        MesiVault vault_,
        MesiToken mesi_,
        TestUSDC usdc_,
        StableConverter converter_,
        address[] memory fans_,
        uint256[] memory fanKeys_,
        address[] memory creators_,
        uint256[] memory streams_
    ) {
        tickets = tickets_;
        vault = vault_;
        mesi = mesi_;
        usdc = usdc_;
        converter = converter_;
        _fans = fans_;
        _fanKeys = fanKeys_;
        _creators = creators_;
        _streams = streams_;
        for (uint256 i; i < streams_.length; ++i) {
            creatorOf[streams_[i]] = creators_[i % creators_.length];
        }
    }

    /// @dev Re-configures a sale that is not closed: supply 10 to 60 above what was sold (a sold-out sale reopens), price up to
    /// 1,000 $MESI, an end within 30 days or none.
    function configureSale(
        uint256 streamSeed,
        uint256 price,
        uint32 supply,
        bool transferable,
        uint40 endIn
    ) external counted {
        uint256 streamId = _stream(streamSeed);
        IMesiTickets.Sale memory sale = tickets.saleOf(streamId);
        if (sale.closed) return _idle();
        price = bound(price, 1, 1_000 ether);
        supply = uint32(bound(supply, uint256(sale.sold) + 10, uint256(sale.sold) + 60));
        uint40 endsAt = endIn % 3 == 0 ? 0 : uint40(block.timestamp + bound(endIn, 1 days, 30 days));
        vm.prank(creatorOf[streamId]);
        tickets.configureSale(streamId, price, supply, transferable, endsAt);
    }

    function closeSale(uint256 streamSeed) external counted {
        uint256 streamId = _stream(streamSeed);
        // A closed sale stays closed for the rest of the run: only the last stream's sale is ever closed, rarely, so
        // that three sales stay open.
        streamId = _streams[_streams.length - 1];
        if (streamSeed % 7 != 0 || tickets.saleOf(streamId).closed) return _idle();
        vm.prank(creatorOf[streamId]);
        tickets.closeSale(streamId);
    }

    function setTicketOnly(uint256 streamSeed, bool enabled) external counted {
        uint256 streamId = _stream(streamSeed);
        vm.prank(creatorOf[streamId]);
        tickets.setTicketOnly(streamId, enabled);
        ghostTicketOnly[streamId] = enabled;
        ++reachedTicketOnlyChanges;
    }

    /// @dev Tries to buy one ticket more than the sale has left: refused (Tickets_SoldOut), nothing moves.
    function buyBeyondSupply(uint256 fanSeed, uint256 streamSeed) external counted {
        (address fan, uint256 streamId) = (_fan(fanSeed), _stream(streamSeed));
        if (!_open(fan, streamId)) return _idle();
        IMesiTickets.Sale memory sale = tickets.saleOf(streamId);
        uint32 quantity = sale.supply - sale.sold + 1;
        vm.prank(fan);
        try tickets.buy(streamId, quantity, type(uint256).max) {
            ++wronglySold;
        } catch (bytes memory reason) {
            assertEq(
                reason,
                abi.encodeWithSelector(IMesiTickets.Tickets_SoldOut.selector, streamId, quantity, quantity - 1)
            );
            ++refusedOverSupply;
        }
    }

    /// @dev Buys every ticket the sale has left (when the fan can pay them): the sale is sold out (`sold == supply`).
    function buyRemaining(uint256 fanSeed, uint256 streamSeed) external counted {
        (address fan, uint256 streamId) = (_fan(fanSeed), _stream(streamSeed));
        if (!_open(fan, streamId)) return _idle();
        IMesiTickets.Sale memory sale = tickets.saleOf(streamId);
        uint32 quantity = sale.supply - sale.sold;
        if (quantity == 0 || mesi.balanceOf(fan) < uint256(sale.price) * quantity) return _idle();
        uint256 before = mesi.balanceOf(fan);
        vm.prank(fan);
        tickets.buy(streamId, quantity, type(uint256).max);
        _count(streamId, quantity, before - mesi.balanceOf(fan));
        IMesiTickets.Sale memory afterwards = tickets.saleOf(streamId);
        assertEq(afterwards.sold, afterwards.supply, "sold out");
        ++reachedSoldOut;
    }

    function buy(uint256 fanSeed, uint256 streamSeed, uint32 quantity) external counted {
        (address fan, uint256 streamId) = (_fan(fanSeed), _stream(streamSeed));
        quantity = _quantity(fan, streamId, quantity);
        if (quantity == 0) return _idle();
        uint256 before = mesi.balanceOf(fan);
        vm.prank(fan);
        tickets.buy(streamId, quantity, type(uint256).max);
        _count(streamId, quantity, before - mesi.balanceOf(fan));
    }

    /// @dev The fan signs, this handler submits (and would pay the gas): only the fan's $MESI moves.
    function buyBySig(uint256 fanSeed, uint256 streamSeed, uint32 quantity) external counted {
        uint256 index = fanSeed % _fans.length;
        (address fan, uint256 streamId) = (_fans[index], _stream(streamSeed));
        quantity = _quantity(fan, streamId, quantity);
        if (quantity == 0) return _idle();
        IMesiTickets.BuyAuthorization memory auth = IMesiTickets.BuyAuthorization({
            fan: fan,
            streamId: streamId,
            quantity: quantity,
            maxTotalPrice: type(uint256).max,
            nonce: tickets.nonces(fan),
            deadline: block.timestamp
        });
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(_fanKeys[index], tickets.buyAuthorizationDigest(auth));
        IMesiVault.Permit memory noPermit;
        uint256 before = mesi.balanceOf(fan);
        tickets.buyBySig(auth, abi.encodePacked(r, s, v), noPermit);
        ++ghostSignedPurchases[fan];
        ++reachedSignedPurchases;
        _count(streamId, quantity, before - mesi.balanceOf(fan));
    }

    function buyWithStablecoin(uint256 fanSeed, uint256 streamSeed, uint32 quantity) external counted {
        (address fan, uint256 streamId) = (_fan(fanSeed), _stream(streamSeed));
        quantity = _quantity(fan, streamId, quantity);
        if (quantity == 0) return _idle();
        uint256 total = uint256(tickets.saleOf(streamId).price) * quantity;
        uint256 stableIn = converter.quoteStableIn(address(usdc), total);
        usdc.mint(fan, stableIn);
        vm.startPrank(fan);
        usdc.approve(address(vault), stableIn);
        uint256 floatBefore = vault.floatBalance();
        tickets.buyWithStablecoin(streamId, quantity, address(usdc), stableIn);
        vm.stopPrank();
        _count(streamId, quantity, floatBefore - vault.floatBalance());
        ++reachedStablecoinPurchases;
    }

    function buyWithCredit(uint256 fanSeed, uint256 streamSeed, uint32 quantity, bool fiat) external counted {
        (address fan, uint256 streamId) = (_fan(fanSeed), _stream(streamSeed));
        quantity = _quantity(fan, streamId, quantity);
        if (quantity == 0) return _idle();
        MesiTypes.PaymentSource source =
            fiat ? MesiTypes.PaymentSource.Fiat : MesiTypes.PaymentSource.RelayerStablecoin;
        uint256 floatBefore = vault.floatBalance();
        bytes32 paymentRef = keccak256(abi.encode("ref", ++ghostRefNonce));
        tickets.buyWithCredit(paymentRef, fan, streamId, quantity, source);
        _count(streamId, quantity, floatBefore - vault.floatBalance());
        if (fiat) {
            _cardPurchases.push(CardPurchase(paymentRef, streamId, fan, floatBefore - vault.floatBalance()));
            ++reachedCardPurchases;
        }
    }

    /// @dev A chargeback during the hold: the tickets the buyer still holds are taken back, the money returns to the
    /// float (issue 8, item 7).
    function reverseCardPurchase(uint256 seed) external counted {
        if (_cardPurchases.length == 0) return _idle();
        uint256 index = seed % _cardPurchases.length;
        CardPurchase memory purchase = _cardPurchases[index];
        _cardPurchases[index] = _cardPurchases[_cardPurchases.length - 1];
        _cardPurchases.pop();
        (IMesiVault.CreditStatus status, , , , uint64 clearsAt, ) = vault.creditOf(purchase.paymentRef);
        if (status != IMesiVault.CreditStatus.Held || block.timestamp >= clearsAt) return _idle();
        uint256 heldBefore = tickets.balanceOf(purchase.fan, purchase.streamId);
        uint256 soldBefore = tickets.saleOf(purchase.streamId).sold;
        vault.reverseCredit(purchase.paymentRef);
        uint256 revoked = heldBefore - tickets.balanceOf(purchase.fan, purchase.streamId);
        assertEq(soldBefore - tickets.saleOf(purchase.streamId).sold, revoked, "freed what was taken back");
        ghostBought[purchase.streamId] -= revoked;
        ghostGross[creatorOf[purchase.streamId]] -= purchase.paid;
        ++reachedReversals;
    }

    function transfer(uint256 fromSeed, uint256 toSeed, uint256 streamSeed, uint256 amount) external counted {
        (address from, address to, uint256 streamId) = (_fan(fromSeed), _fan(toSeed), _stream(streamSeed));
        amount = bound(amount, 0, tickets.balanceOf(from, streamId));
        vm.prank(from);
        tickets.safeTransferFrom(from, to, streamId, amount, "");
    }

    function burn(uint256 fanSeed, uint256 streamSeed, uint256 amount) external counted {
        (address fan, uint256 streamId) = (_fan(fanSeed), _stream(streamSeed));
        amount = bound(amount, 0, tickets.balanceOf(fan, streamId));
        vm.prank(fan);
        tickets.burn(fan, streamId, amount);
        ghostBurnt[streamId] += amount;
    }

    /// @dev Unblocks a blocked fan; blocks one time in three, so that most pairs can buy most of the time.
    function toggleBlock(uint256 fanSeed, uint256 creatorSeed) external counted {
        (address fan, address creator) = (_fan(fanSeed), _creators[creatorSeed % _creators.length]);
        bool blocked = vault.isBlocked(creator, fan);
        if (!blocked && fanSeed % 3 != 0) return _idle();
        vm.prank(creator);
        if (blocked) vault.unblockFan(fan);
        else vault.blockFan(fan);
    }

    /// @dev Unpauses a paused vault; pauses one time in four.
    function togglePause(uint256 seed) external counted {
        if (vault.paused()) return vault.unpause();
        if (seed % 4 != 0) return _idle();
        vault.pause();
    }

    function warp(uint256 seconds_) external counted {
        vm.warp(block.timestamp + bound(seconds_, 1, 3 days));
    }

    function fans() external view returns (address[] memory) {
        return _fans;
    }

    function streams() external view returns (uint256[] memory) {
        return _streams;
    }

    /// @dev Whether `fan` can buy from the sale now: open, not ended, new payments not paused, not blocked.
    function _open(address fan, uint256 streamId) private view returns (bool) {
        IMesiTickets.Sale memory sale = tickets.saleOf(streamId);
        if (sale.closed || (sale.endsAt != 0 && block.timestamp >= sale.endsAt)) return false;
        return !vault.paused() && !vault.isBlocked(sale.creator, fan);
    }

    /// @dev A quantity the sale has left and the fan can pay in $MESI (1..8), or 0 when the fan cannot buy now.
    function _quantity(address fan, uint256 streamId, uint32 seed) private view returns (uint32) {
        if (!_open(fan, streamId)) return 0;
        IMesiTickets.Sale memory sale = tickets.saleOf(streamId);
        uint256 left = sale.supply - sale.sold;
        uint256 affordable = mesi.balanceOf(fan) / sale.price;
        uint256 most = left < affordable ? left : affordable;
        if (most > 8) most = 8;
        if (most == 0) return 0;
        return uint32(bound(seed, 1, most));
    }

    function _idle() private {
        ++idle;
    }

    function _count(uint256 streamId, uint32 quantity, uint256 paid) private {
        ghostBought[streamId] += quantity;
        ghostGross[creatorOf[streamId]] += paid;
        ++purchases;
    }

    function _fan(uint256 seed) private view returns (address) {
        return _fans[seed % _fans.length];
    }

    function _stream(uint256 seed) private view returns (uint256) {
        return _streams[seed % _streams.length];
    }
}

/// @notice Shared setup: two creators, two fans, one stream of `creator`.
abstract contract TicketsBase is ModulesSetup {
    address internal creator;
    address internal creator2;
    address internal fan;
    address internal fan2;
    uint256 internal streamId;

    function setUp() public virtual {
        _deployModules();
        creator = _creator("creator");
        creator2 = _creator("creator2");
        fan = _fan("fan", 1e28);
        fan2 = _fan("fan2", 1e24);
        streamId = _stream(creator);
    }

    function _pair(address a, address b) internal pure returns (address[] memory pair) {
        pair = new address[](2);
        pair[0] = a;
        pair[1] = b;
    }

    /// @dev The private key forge-std's makeAddr(name) derives the address from.
    function _keyOf(string memory name) internal pure returns (uint256) {
        return uint256(keccak256(abi.encodePacked(name)));
    }

    /// @dev `signerKey`'s EIP-712 signature of `auth`, as a 65-byte (r, s, v) signature.
    function _signBuy(
        uint256 signerKey,
        IMesiTickets.BuyAuthorization memory auth
    ) internal view returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(signerKey, tickets.buyAuthorizationDigest(auth));
        return abi.encodePacked(r, s, v);
    }
}

contract MesiTicketsTest is TicketsBase {
    // ───────────────────────────────────── Unit ─────────────────────────────────────

    function test_Buy_CreditsCreatorAndMints() public {
        vm.prank(creator);
        tickets.configureSale(streamId, 50 ether, 10, false, 0);
        vm.prank(fan);
        tickets.buy(streamId, 2, 100 ether);
        assertEq(tickets.balanceOf(fan, streamId), 2);
        assertEq(_grossCleared(creator), 100 ether);
        assertEq(tickets.saleOf(streamId).sold, 2);
    }

    function test_RevertWhen_TransferringNonTransferableTicket() public {
        vm.prank(creator);
        tickets.configureSale(streamId, 1 ether, 10, false, 0);
        vm.startPrank(fan);
        tickets.buy(streamId, 1, 1 ether);
        vm.expectRevert(abi.encodeWithSelector(IMesiTickets.Tickets_NotTransferable.selector, streamId));
        tickets.safeTransferFrom(fan, fan2, streamId, 1, "");
        vm.stopPrank();
    }

    /// @notice A buyer contract that buys again from its acceptance hook: the purchases are logged in the order they
    /// happened, so `soldAfter` grows along the logs and the last one equals the sale's count (issue 8, item 1).
    function test_ReentrantPurchase_LogsInOrder() public {
        vm.prank(creator);
        tickets.configureSale(streamId, 1 ether, 10, false, 0);
        ReentrantTicketBuyer buyer = new ReentrantTicketBuyer(tickets, mesi, address(vault));
        mesi.transfer(address(buyer), 10 ether);

        vm.recordLogs();
        buyer.buy(streamId, 2, 2);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        uint256 lastSold;
        uint256 purchases;
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].emitter != address(tickets) || logs[i].topics[0] != IMesiTickets.TicketsPurchased.selector) {
                continue;
            }
            (, , , , , uint32 soldAfter) = abi.decode(
                logs[i].data,
                (uint32, uint256, uint256, MesiTypes.PaymentSource, bytes32, uint32)
            );
            assertGt(soldAfter, lastSold, "soldAfter grows in log order");
            lastSold = soldAfter;
            ++purchases;
        }
        assertEq(purchases, 3);
        assertEq(lastSold, 4);
        assertEq(tickets.saleOf(streamId).sold, 4);
        assertEq(tickets.balanceOf(address(buyer), streamId), 4);
    }

    /// @notice A chargeback of a card purchase takes the tickets back: burnt from the buyer and freed for sale again
    /// (issue 8, item 7).
    function test_ReversedCardPurchase_BurnsTheTicketsAndFreesTheSupply() public {
        vault.grantRole(vault.RELAYER_ROLE(), relayer);
        vm.prank(creator);
        tickets.configureSale(streamId, 10 ether, 5, false, 0);
        bytes32 ref = keccak256("card purchase");
        vm.prank(relayer);
        tickets.buyWithCredit(ref, fan, streamId, 2, MesiTypes.PaymentSource.Fiat);
        assertEq(tickets.balanceOf(fan, streamId), 2);
        uint256 floatBefore = vault.floatBalance();

        vm.expectEmit(address(tickets));
        emit IMesiTickets.TicketsRevoked(streamId, creator, fan, 2, ref, 0);
        vm.prank(relayer);
        vault.reverseCredit(ref);

        assertEq(tickets.balanceOf(fan, streamId), 0, "tickets taken back");
        assertEq(tickets.saleOf(streamId).sold, 0, "supply freed");
        assertEq(vault.floatBalance(), floatBefore + 20 ether, "money back in the float");
        (, uint256 pending, ) = vault.earningsOf(creator);
        assertEq(pending, 0);
        // All five places can be sold again.
        vm.prank(fan2);
        tickets.buy(streamId, 5, 50 ether);
        assertEq(tickets.saleOf(streamId).sold, 5);
        assertEq(mesi.balanceOf(address(vault)), _ledger(_pair(creator, creator2)), "conservation");
    }

    /// @notice Tickets of a transferable sale already passed on stay with their holder; those the buyer still holds
    /// are burnt, and only their places are freed.
    function test_ReversedCardPurchase_BurnsWhatTheBuyerStillHolds() public {
        vault.grantRole(vault.RELAYER_ROLE(), relayer);
        vm.prank(creator);
        tickets.configureSale(streamId, 10 ether, 5, true, 0);
        bytes32 ref = keccak256("card purchase, one passed on");
        vm.prank(relayer);
        tickets.buyWithCredit(ref, fan, streamId, 3, MesiTypes.PaymentSource.Fiat);
        vm.prank(fan);
        tickets.safeTransferFrom(fan, fan2, streamId, 1, "");

        vm.expectEmit(address(tickets));
        emit IMesiTickets.TicketsRevoked(streamId, creator, fan, 2, ref, 1);
        vm.prank(relayer);
        vault.reverseCredit(ref);
        assertEq(tickets.balanceOf(fan, streamId), 0);
        assertEq(tickets.balanceOf(fan2, streamId), 1);
        assertEq(tickets.saleOf(streamId).sold, 1);

        // A buyer who passed every ticket on loses none; the money still returns to the float.
        bytes32 ref2 = keccak256("card purchase, all passed on");
        vm.prank(relayer);
        tickets.buyWithCredit(ref2, fan, streamId, 1, MesiTypes.PaymentSource.Fiat);
        vm.prank(fan);
        tickets.safeTransferFrom(fan, fan2, streamId, 1, "");
        vm.expectEmit(address(tickets));
        emit IMesiTickets.TicketsRevoked(streamId, creator, fan, 0, ref2, 2);
        vm.prank(relayer);
        vault.reverseCredit(ref2);
        assertEq(tickets.balanceOf(fan2, streamId), 2);
        assertEq(tickets.saleOf(streamId).sold, 2);
    }

    /// @notice Only the vault calls the reversal hook; a reference it never bought with changes nothing.
    function test_RevertWhen_CreditReversalHookNotFromVault() public {
        vm.expectRevert(abi.encodeWithSelector(IMesiTickets.Tickets_NotVault.selector, fan));
        vm.prank(fan);
        tickets.onCreditReversed(keccak256("x"));
        vm.recordLogs();
        vm.prank(address(vault));
        tickets.onCreditReversed(keccak256("unknown"));
        assertEq(vm.getRecordedLogs().length, 0);
    }

    // ───────────────────────────────────── Fuzz ─────────────────────────────────────

    /// @dev Any price × quantity the fan can afford: the creator is credited exactly the total, the fee is 10 %.
    function testFuzz_Buy_PriceTimesQuantity(uint128 price, uint32 supply, uint32 quantity) public {
        price = uint128(bound(price, 1, 1e28));
        supply = uint32(bound(supply, 1, type(uint32).max));
        uint256 affordable = 1e28 / price;
        quantity = uint32(bound(quantity, 1, affordable < supply ? affordable : supply));
        uint256 total = uint256(price) * quantity;
        vm.prank(creator);
        tickets.configureSale(streamId, price, supply, false, 0);

        uint256 before = mesi.balanceOf(fan);
        vm.prank(fan);
        tickets.buy(streamId, quantity, total);

        assertEq(before - mesi.balanceOf(fan), total, "fan paid the total");
        (uint256 cleared, , uint256 feesOwed) = vault.earningsOf(creator);
        assertEq(cleared + feesOwed, total, "creator credited the total");
        assertEq(feesOwed, (total * vault.feeBps()) / 10_000, "fee");
        assertEq(tickets.balanceOf(fan, streamId), quantity);
        assertEq(tickets.saleOf(streamId).sold, quantity);
        assertEq(mesi.balanceOf(address(vault)), _ledger(_pair(creator, creator2)), "conservation");
    }

    /// @dev A purchase above the remaining supply reverts with the remaining count; up to it succeeds.
    function testFuzz_NeverExceedsSupply(uint32 supply, uint32 first, uint32 second) public {
        supply = uint32(bound(supply, 1, 1000));
        first = uint32(bound(first, 1, supply));
        second = uint32(bound(second, 1, 2000));
        vm.prank(creator);
        tickets.configureSale(streamId, 1, supply, false, 0);
        vm.startPrank(fan);
        tickets.buy(streamId, first, type(uint256).max);
        uint32 remaining = supply - first;
        if (second > remaining) {
            vm.expectRevert(abi.encodeWithSelector(IMesiTickets.Tickets_SoldOut.selector, streamId, second, remaining));
        }
        tickets.buy(streamId, second, type(uint256).max);
        vm.stopPrank();
        assertLe(tickets.saleOf(streamId).sold, supply);
    }

    /// @dev Paying in USDC, the creator never receives less than the ticket price and the fan pays the quote.
    function testFuzz_BuyWithStablecoin_CreditsAtLeastThePrice(uint128 price, uint32 quantity) public {
        price = uint128(bound(price, 1, 1e24));
        quantity = uint32(bound(quantity, 1, 100));
        uint256 total = uint256(price) * quantity;
        vm.prank(creator);
        tickets.configureSale(streamId, price, 1000, false, 0);
        uint256 stableIn = converter.quoteStableIn(address(usdc), total);
        usdc.mint(fan, stableIn);
        vm.startPrank(fan);
        usdc.approve(address(vault), stableIn);
        tickets.buyWithStablecoin(streamId, quantity, address(usdc), stableIn);
        vm.stopPrank();
        assertGe(_grossCleared(creator), total);
        assertEq(usdc.balanceOf(address(vault)), stableIn);
        assertEq(mesi.balanceOf(address(vault)), _ledger(_pair(creator, creator2)), "conservation");
    }

    /// @dev A signed purchase submitted by anyone charges exactly the fan the total and never the submitter; the
    /// nonce moves once and the same signature cannot be used again.
    function testFuzz_BuyBySig_ChargesTheFanNotTheSubmitter(
        uint256 fanKey,
        address submitter,
        uint128 price,
        uint32 quantity
    ) public {
        fanKey = bound(fanKey, 1, SECP256K1_ORDER - 1);
        address signer = vm.addr(fanKey);
        vm.assume(signer.code.length == 0 && signer != creator && signer != address(this));
        vm.assume(submitter != signer && submitter != address(0));
        price = uint128(bound(price, 1, 1e24));
        quantity = uint32(bound(quantity, 1, 1000));
        uint256 total = uint256(price) * quantity;
        vm.prank(creator);
        tickets.configureSale(streamId, price, 1000, false, 0);
        mesi.transfer(signer, total);
        vm.prank(signer);
        mesi.approve(address(vault), total);
        uint256 submitterBalance = mesi.balanceOf(submitter);

        IMesiTickets.BuyAuthorization memory auth = IMesiTickets.BuyAuthorization({
            fan: signer,
            streamId: streamId,
            quantity: quantity,
            maxTotalPrice: total,
            nonce: 0,
            deadline: block.timestamp
        });
        bytes memory signature = _signBuy(fanKey, auth);
        IMesiVault.Permit memory noPermit;
        vm.prank(submitter);
        tickets.buyBySig(auth, signature, noPermit);

        assertEq(mesi.balanceOf(signer), 0, "the fan paid the total");
        assertEq(mesi.balanceOf(submitter), submitterBalance, "the submitter paid nothing");
        assertEq(tickets.balanceOf(signer, streamId), quantity);
        assertEq(_grossCleared(creator), total, "creator credited the total");
        assertEq(tickets.nonces(signer), 1);
        assertEq(mesi.balanceOf(address(vault)), _ledger(_pair(creator, creator2)), "conservation");

        vm.expectRevert(abi.encodeWithSelector(Nonces.InvalidAccountNonce.selector, signer, 1));
        vm.prank(submitter);
        tickets.buyBySig(auth, signature, noPermit);
    }

    /// @dev Only the fan's own key authorises a purchase from the fan's balance, whatever nonce it names: the signature
    /// is checked before the nonce, so a stranger's signature on a wrong nonce reverts Tickets_InvalidSignature, not
    /// InvalidAccountNonce (which would tell them the fan's nonce).
    function testFuzz_BuyBySig_RevertWhen_SignerIsNotTheFan(uint256 signerKey, uint256 nonce) public {
        signerKey = bound(signerKey, 1, SECP256K1_ORDER - 1);
        vm.assume(signerKey != _keyOf("fan"));
        nonce = bound(nonce, 0, 3);
        vm.prank(creator);
        tickets.configureSale(streamId, 1 ether, 10, false, 0);
        IMesiTickets.BuyAuthorization memory auth = IMesiTickets.BuyAuthorization({
            fan: fan,
            streamId: streamId,
            quantity: 1,
            maxTotalPrice: 1 ether,
            nonce: nonce,
            deadline: block.timestamp
        });
        bytes memory signature = _signBuy(signerKey, auth);
        IMesiVault.Permit memory noPermit;
        vm.expectRevert(abi.encodeWithSelector(IMesiTickets.Tickets_InvalidSignature.selector, fan));
        tickets.buyBySig(auth, signature, noPermit);
        if (nonce != 0) {
            // The fan's own signature on the same wrong nonce fails only on the nonce.
            bytes memory own = _signBuy(_keyOf("fan"), auth);
            vm.expectRevert(abi.encodeWithSelector(Nonces.InvalidAccountNonce.selector, fan, 0));
            tickets.buyBySig(auth, own, noPermit);
        }
    }

    /// @dev maxTotalPrice below price × quantity always reverts with both values.
    function testFuzz_RevertWhen_PriceAboveMax(uint128 price, uint32 quantity, uint256 maxTotal) public {
        price = uint128(bound(price, 1, type(uint128).max));
        quantity = uint32(bound(quantity, 1, type(uint32).max));
        uint256 total = uint256(price) * quantity;
        maxTotal = bound(maxTotal, 0, total - 1);
        vm.prank(creator);
        tickets.configureSale(streamId, price, type(uint32).max, false, 0);
        vm.expectRevert(abi.encodeWithSelector(IMesiTickets.Tickets_PriceTooHigh.selector, streamId, total, maxTotal));
        vm.prank(fan);
        tickets.buy(streamId, quantity, maxTotal);
    }
}

/// @notice Random sequences of sales, purchases (all five ways), transfers, burns, blocks, pauses and time.
contract MesiTicketsInvariantTest is StdInvariant, TicketsBase {
    /// @dev Written by afterInvariant, read by scripts/test-contracts.ts (hardhat.config.ts allows this one file).
    string internal constant INVARIANT_DEPTH_LOG = "cache/invariant-depth.log";
    /// @dev What every run of 500 calls must reach: about 60 % of the least a run reached when these were set
    /// (purchases 38, card 3, signed 7, stablecoin 3, chargebacks 3, sold out 5, refused 10, ticket-only 24; the fuzz
    /// seed is fixed, so a change that lowers them is a change in the handler or the contracts, not luck).
    uint256 internal constant MIN_PURCHASES = 24;
    uint256 internal constant MIN_CARD_PURCHASES = 1;
    uint256 internal constant MIN_SIGNED_PURCHASES = 2; // a clean-clone run reached only 3
    uint256 internal constant MIN_STABLECOIN_PURCHASES = 2;
    uint256 internal constant MIN_REVERSALS = 1;
    uint256 internal constant MIN_SOLD_OUT = 3;
    uint256 internal constant MIN_REFUSED_OVER_SUPPLY = 6;
    uint256 internal constant MIN_TICKET_ONLY_CHANGES = 18;

    TicketsHandler internal handler;

    function setUp() public override {
        super.setUp();
        address[] memory fans = new address[](3);
        fans[0] = fan;
        fans[1] = fan2;
        fans[2] = _fan("fan3", 1e24);
        uint256[] memory fanKeys = new uint256[](3);
        fanKeys[0] = _keyOf("fan");
        fanKeys[1] = _keyOf("fan2");
        fanKeys[2] = _keyOf("fan3");
        address[] memory creators = _pair(creator, creator2);
        uint256[] memory streams = new uint256[](4);
        streams[0] = streamId;
        streams[1] = _stream(creator2);
        streams[2] = _stream(creator);
        streams[3] = _stream(creator2);
        handler = new TicketsHandler(tickets, vault, mesi, usdc, converter, fans, fanKeys, creators, streams);
        tickets.grantRole(tickets.RELAYER_ROLE(), address(handler));
        vault.grantRole(vault.RELAYER_ROLE(), address(handler));
        vault.grantRole(vault.PAUSER_ROLE(), address(handler));
        for (uint256 i; i < streams.length; ++i) {
            vm.prank(handler.creatorOf(streams[i]));
            tickets.configureSale(streams[i], 1 ether * (i + 1), 25, i % 2 == 0, 0);
        }
        targetContract(address(handler));
    }

    /// forge-config: default.invariant.runs = 4
    /// forge-config: default.invariant.depth = 500
    function invariant_SoldNeverExceedsSupply() public view {
        uint256[] memory streams = handler.streams();
        for (uint256 i; i < streams.length; ++i) {
            IMesiTickets.Sale memory sale = tickets.saleOf(streams[i]);
            assertLe(sale.sold, sale.supply, "sold <= supply");
        }
    }

    /// forge-config: default.invariant.runs = 4
    /// forge-config: default.invariant.depth = 500
    function invariant_SoldMatchesPurchasesAndHoldings() public view {
        uint256[] memory streams = handler.streams();
        address[] memory fans = handler.fans();
        for (uint256 i; i < streams.length; ++i) {
            uint256 id = streams[i];
            assertEq(tickets.saleOf(id).sold, handler.ghostBought(id), "sold == tickets bought");
            uint256 held;
            for (uint256 j; j < fans.length; ++j) held += tickets.balanceOf(fans[j], id);
            assertEq(held + handler.ghostBurnt(id), handler.ghostBought(id), "held + burnt == bought");
        }
    }

    /// forge-config: default.invariant.runs = 4
    /// forge-config: default.invariant.depth = 500
    function invariant_CreatorsCreditedWhatFansPaid() public view {
        address[2] memory creators = [creator, creator2];
        for (uint256 i; i < 2; ++i) {
            (uint256 cleared, uint256 pending, uint256 feesOwed) = vault.earningsOf(creators[i]);
            assertEq(cleared + pending + feesOwed, handler.ghostGross(creators[i]), "credited == paid");
        }
    }

    /// forge-config: default.invariant.runs = 4
    /// forge-config: default.invariant.depth = 500
    function invariant_TicketNoncesCountSignedPurchases() public view {
        address[] memory fans = handler.fans();
        for (uint256 i; i < fans.length; ++i) {
            assertEq(tickets.nonces(fans[i]), handler.ghostSignedPurchases(fans[i]), "nonce == signed purchases");
        }
    }

    /// forge-config: default.invariant.runs = 4
    /// forge-config: default.invariant.depth = 500
    function invariant_VaultConservation() public view {
        assertEq(mesi.balanceOf(address(vault)), _ledger(_pair(creator, creator2)), "conservation");
    }

    /// @dev A stream is ticket-only exactly as its creator last set it (re-configuring or closing the sale keeps the
    /// flag), the view and the sale agree, and no purchase beyond the supply left ever went through.
    /// forge-config: default.invariant.runs = 4
    /// forge-config: default.invariant.depth = 500
    function invariant_TicketOnlyIsWhatTheCreatorSet() public view {
        uint256[] memory streams = handler.streams();
        for (uint256 i; i < streams.length; ++i) {
            bool expected = handler.ghostTicketOnly(streams[i]);
            assertEq(tickets.isTicketOnly(streams[i]), expected, "isTicketOnly == last set");
            assertEq(tickets.saleOf(streams[i]).ticketOnly, expected, "sale.ticketOnly == last set");
        }
        assertEq(handler.wronglySold(), 0, "a purchase beyond the supply went through");
    }

    /// @dev Payments pass through the tickets contract, never stay in it: it holds no $MESI and no stablecoin.
    /// forge-config: default.invariant.runs = 4
    /// forge-config: default.invariant.depth = 500
    function invariant_TicketsHoldNoMoney() public view {
        assertEq(mesi.balanceOf(address(tickets)), 0, "no $MESI in the tickets contract");
        assertEq(usdc.balanceOf(address(tickets)), 0, "no stablecoin in the tickets contract");
    }

    /// @dev After every run: the run reached each state the invariants speak about, often enough to mean something,
    /// and most calls did something. The counts are in every message and in cache/invariant-depth.log.
    function afterInvariant() public {
        TicketsHandler h = handler;
        string memory counts = _reachedCounts();
        vm.writeLine(INVARIANT_DEPTH_LOG, counts);
        assertGe(h.purchases(), MIN_PURCHASES, counts);
        assertGe(h.reachedCardPurchases(), MIN_CARD_PURCHASES, counts);
        assertGe(h.reachedSignedPurchases(), MIN_SIGNED_PURCHASES, counts);
        assertGe(h.reachedStablecoinPurchases(), MIN_STABLECOIN_PURCHASES, counts);
        assertGe(h.reachedReversals(), MIN_REVERSALS, counts);
        assertGe(h.reachedSoldOut(), MIN_SOLD_OUT, counts);
        assertGe(h.refusedOverSupply(), MIN_REFUSED_OVER_SUPPLY, counts);
        assertGe(h.reachedTicketOnlyChanges(), MIN_TICKET_ONLY_CHANGES, counts);
        // At most 60 % idle (sold-out, ended, blocked and paused sales are part of the run).
        assertLe(h.idle() * 5, h.calls() * 3, counts);
    }

    function _reachedCounts() internal view returns (string memory out) {
        TicketsHandler h = handler;
        out = string.concat("MesiTickets run: calls ", vm.toString(h.calls()), ", idle ", vm.toString(h.idle()));
        out = string.concat(out, ", purchases ", vm.toString(h.purchases()));
        out = string.concat(out, ", card ", vm.toString(h.reachedCardPurchases()));
        out = string.concat(out, ", signed ", vm.toString(h.reachedSignedPurchases()));
        out = string.concat(out, ", stablecoin ", vm.toString(h.reachedStablecoinPurchases()));
        out = string.concat(out, ", chargebacks ", vm.toString(h.reachedReversals()));
        out = string.concat(out, ", sold out ", vm.toString(h.reachedSoldOut()));
        out = string.concat(out, ", refused over supply ", vm.toString(h.refusedOverSupply()));
        out = string.concat(out, ", ticket-only changes ", vm.toString(h.reachedTicketOnlyChanges()));
    }
}
