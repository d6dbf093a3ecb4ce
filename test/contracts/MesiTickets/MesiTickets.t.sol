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
/// @dev Bounded, so that depth holds by construction: every purchase picks, from a random start, a sale the fan can buy
/// from now (open, not ended, payments not paused, the fan not blocked, tickets left) and a quantity within what is
/// left; when none can be bought from, the call makes one so instead of doing nothing (it lifts the pause, the creator
/// unblocks the fan or re-opens an ended or sold-out sale). A chargeback picks a card purchase still in its hold, and
/// makes one first when none is. The refusals the invariants speak about are attempted on purpose and must revert
/// with the named error: a purchase beyond the supply left, from a closed sale, while paused, by a blocked fan, and a
/// transfer of a non-transferable ticket. Each outcome is counted; the counts are asserted after each run (see the
/// invariant test).
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
    /// @notice Purchases and transfers that had to be refused: refused as they must be, and any that went through
    /// (must stay 0).
    uint256 public refusedOverSupply;
    uint256 public refusedClosed;
    uint256 private _closeDeferred;
    uint256 public refusedPaused;
    uint256 public refusedBlocked;
    uint256 public refusedNotTransferable;
    uint256 public wronglySold;
    /// @notice How often each path was taken in this run.
    uint256 public reachedSoldOut;
    uint256 public reachedReversals;
    uint256 public reachedTicketOnlyChanges;
    uint256 public reachedCardPurchases;
    uint256 public reachedStablecoinPurchases;
    uint256 public reachedSignedPurchases;
    uint256 public reachedTransfers;
    uint256 private _transferCalls;
    uint256 public reachedBurns;
    /// @notice What the handler did to make a purchase possible (a sale re-opened, a fan unblocked, the pause lifted).
    uint256 public madeBuyable;
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

    /// @dev Re-configures a sale that is not closed (the first from a random start): supply 10 to 60 above what was
    /// sold (a sold-out sale reopens), price up to 1,000 $MESI, an end within 30 days or none.
    function configureSale(
        uint256 streamSeed,
        uint256 price,
        uint32 supply,
        bool transferable,
        uint40 endIn
    ) external counted {
        _configure(_openStream(streamSeed), price, supply, transferable, endIn);
    }

    /// @dev Closes the last stream's sale one time in seven, and at the latest on this handler's fourth call (a
    /// closed sale stays closed, so three sales stay open): the closed state is reached by construction, not by the
    /// chance of a seed. Once it is closed, a purchase from it is attempted and must be refused (Tickets_SaleClosed).
    function closeSale(uint256 streamSeed, uint256 fanSeed) external counted {
        uint256 streamId = _streams[_streams.length - 1];
        if (!tickets.saleOf(streamId).closed) {
            if (streamSeed % 7 != 0 && ++_closeDeferred < 4) return _idle();
            vm.prank(creatorOf[streamId]);
            tickets.closeSale(streamId);
        }
        _buyRefused(
            _fan(fanSeed),
            streamId,
            1,
            abi.encodeWithSelector(IMesiTickets.Tickets_SaleClosed.selector, streamId)
        );
        ++refusedClosed;
    }

    function setTicketOnly(uint256 streamSeed, bool enabled) external counted {
        uint256 streamId = _stream(streamSeed);
        vm.prank(creatorOf[streamId]);
        tickets.setTicketOnly(streamId, enabled);
        ghostTicketOnly[streamId] = enabled;
        ++reachedTicketOnlyChanges;
    }

    /// @dev Tries to buy one ticket more than a buyable sale has left: refused (Tickets_SoldOut), nothing moves.
    function buyBeyondSupply(uint256 fanSeed, uint256 streamSeed) external counted {
        (, address fan, uint256 streamId, ) = _buyable(fanSeed, streamSeed, 1);
        IMesiTickets.Sale memory sale = tickets.saleOf(streamId);
        uint32 quantity = sale.supply - sale.sold + 1;
        _buyRefused(
            fan,
            streamId,
            quantity,
            abi.encodeWithSelector(IMesiTickets.Tickets_SoldOut.selector, streamId, quantity, quantity - 1)
        );
        ++refusedOverSupply;
    }

    /// @dev Buys every ticket a buyable sale has left (the fan is topped up to pay them): the sale is sold out.
    function buyRemaining(uint256 fanSeed, uint256 streamSeed) external counted {
        (, address fan, uint256 streamId, ) = _buyable(fanSeed, streamSeed, 1);
        IMesiTickets.Sale memory sale = tickets.saleOf(streamId);
        uint32 quantity = sale.supply - sale.sold;
        _topUp(fan, uint256(sale.price) * quantity);
        uint256 before = mesi.balanceOf(fan);
        vm.prank(fan);
        tickets.buy(streamId, quantity, type(uint256).max);
        _count(streamId, quantity, before - mesi.balanceOf(fan));
        IMesiTickets.Sale memory afterwards = tickets.saleOf(streamId);
        assertEq(afterwards.sold, afterwards.supply, "sold out");
        ++reachedSoldOut;
    }

    function buy(uint256 fanSeed, uint256 streamSeed, uint32 quantity) external counted {
        address fan;
        uint256 streamId;
        (, fan, streamId, quantity) = _buyable(fanSeed, streamSeed, quantity);
        uint256 before = mesi.balanceOf(fan);
        vm.prank(fan);
        tickets.buy(streamId, quantity, type(uint256).max);
        _count(streamId, quantity, before - mesi.balanceOf(fan));
    }

    /// @dev The fan signs, this handler submits (and would pay the gas): only the fan's $MESI moves.
    function buyBySig(uint256 fanSeed, uint256 streamSeed, uint32 quantity) external counted {
        uint256 index;
        address fan;
        uint256 streamId;
        (index, fan, streamId, quantity) = _buyable(fanSeed, streamSeed, quantity);
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
        address fan;
        uint256 streamId;
        (, fan, streamId, quantity) = _buyable(fanSeed, streamSeed, quantity);
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
        _buyWithCredit(fanSeed, streamSeed, quantity, fiat);
    }

    /// @dev A chargeback during the hold: the tickets the buyer still holds are taken back, the money returns to the
    /// float (issue 8, item 7). Card purchases past their hold are dropped (they can no longer be reversed); when none
    /// is left, one is made first, so that every call reverses one.
    function reverseCardPurchase(uint256 seed) external counted {
        for (uint256 i = _cardPurchases.length; i > 0; --i) {
            (IMesiVault.CreditStatus status, , , , uint64 clearsAt, ) = vault.creditOf(
                _cardPurchases[i - 1].paymentRef
            );
            if (status != IMesiVault.CreditStatus.Held || block.timestamp >= clearsAt) _dropCardPurchase(i - 1);
        }
        if (_cardPurchases.length == 0) _buyWithCredit(seed, seed >> 64, uint32(seed >> 128), true);
        uint256 index = seed % _cardPurchases.length;
        CardPurchase memory purchase = _cardPurchases[index];
        _dropCardPurchase(index);
        uint256 heldBefore = tickets.balanceOf(purchase.fan, purchase.streamId);
        uint256 soldBefore = tickets.saleOf(purchase.streamId).sold;
        vault.reverseCredit(purchase.paymentRef);
        uint256 revoked = heldBefore - tickets.balanceOf(purchase.fan, purchase.streamId);
        assertEq(soldBefore - tickets.saleOf(purchase.streamId).sold, revoked, "freed what was taken back");
        ghostBought[purchase.streamId] -= revoked;
        ghostGross[creatorOf[purchase.streamId]] -= purchase.paid;
        ++reachedReversals;
    }

    /// @dev A fan (from a random start) who holds tickets of some stream sends some to another fan; a ticket of a
    /// non-transferable sale must be refused (Tickets_NotTransferable). Idle only when no fan holds any ticket.
    /// Every other call looks for a transferable holding first, so transfers go through in every run however the
    /// random holdings fall (a sweep found runs where most held tickets were of non-transferable sales: 3 < 4).
    function transfer(uint256 fromSeed, uint256 toSeed, uint256 streamSeed, uint256 amount) external counted {
        (bool found, address from, uint256 streamId, uint256 held) = _holder(
            fromSeed,
            streamSeed,
            ++_transferCalls % 2 == 0
        );
        if (!found) (found, from, streamId, held) = _holder(fromSeed, streamSeed);
        if (!found) return _idle();
        address to = _fan(toSeed);
        if (to == from) to = _fan((toSeed % _fans.length) + 1);
        amount = bound(amount, 1, held);
        bool transferable = tickets.saleOf(streamId).transferable;
        if (transferable) {
            vm.prank(from);
            tickets.safeTransferFrom(from, to, streamId, amount, "");
            ++reachedTransfers;
            return;
        }
        vm.prank(from);
        try tickets.safeTransferFrom(from, to, streamId, amount, "") {
            ++wronglySold;
        } catch (bytes memory reason) {
            assertEq(reason, abi.encodeWithSelector(IMesiTickets.Tickets_NotTransferable.selector, streamId));
            ++refusedNotTransferable;
        }
    }

    /// @dev A fan (from a random start) who holds tickets burns some. Idle only when no fan holds any ticket.
    function burn(uint256 fanSeed, uint256 streamSeed, uint256 amount) external counted {
        (bool found, address fan, uint256 streamId, uint256 held) = _holder(fanSeed, streamSeed);
        if (!found) return _idle();
        amount = bound(amount, 1, held);
        vm.prank(fan);
        tickets.burn(fan, streamId, amount);
        ghostBurnt[streamId] += amount;
        ++reachedBurns;
    }

    /// @dev Blocks an unblocked fan or unblocks a blocked one; either way, while the fan is blocked, a purchase from one
    /// of the creator's sales that has tickets for sale (re-opened first when none has) is attempted and must be
    /// refused (Vault_Blocked).
    function toggleBlock(uint256 fanSeed, uint256 streamSeed) external counted {
        address fan = _fan(fanSeed);
        uint256 streamId = _stream(streamSeed);
        address creator = creatorOf[streamId];
        bool wasBlocked = vault.isBlocked(creator, fan);
        if (!wasBlocked) {
            vm.prank(creator);
            vault.blockFan(fan);
        }
        if (vault.paused()) vault.unpause();
        bool found;
        for (uint256 k; k < _streams.length && !found; ++k) {
            uint256 candidate = _streams[((streamSeed % _streams.length) + k) % _streams.length];
            IMesiTickets.Sale memory sale = tickets.saleOf(candidate);
            found = sale.creator == creator && _saleAcceptsPurchases(candidate) && sale.sold < sale.supply;
            if (found) streamId = candidate;
        }
        // The seed's stream is this creator's; the last stream is the only one that closes, and each creator has two.
        if (!found) {
            if (tickets.saleOf(streamId).closed) streamId = _streams[(_indexOf(streamId) + 2) % _streams.length];
            IMesiTickets.Sale memory sale = tickets.saleOf(streamId);
            _configure(streamId, sale.price, 0, sale.transferable, uint40(fanSeed));
        }
        _buyRefused(fan, streamId, 1, abi.encodeWithSelector(IMesiVault.Vault_Blocked.selector, creator, fan));
        ++refusedBlocked;
        if (wasBlocked) {
            vm.prank(creator);
            vault.unblockFan(fan);
        }
    }

    /// @dev Unpauses a paused vault; otherwise pauses it and attempts a purchase, which must be refused (Vault_Paused).
    /// The pause lasts until the next call here or the next purchase.
    function togglePause(uint256 fanSeed, uint256 streamSeed) external counted {
        if (vault.paused()) return vault.unpause();
        (, address fan, uint256 streamId, ) = _buyable(fanSeed, streamSeed, 1);
        vault.pause();
        _buyRefused(fan, streamId, 1, abi.encodeWithSelector(IMesiVault.Vault_Paused.selector));
        ++refusedPaused;
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

    function _buyWithCredit(uint256 fanSeed, uint256 streamSeed, uint32 quantity, bool fiat) private {
        address fan;
        uint256 streamId;
        (, fan, streamId, quantity) = _buyable(fanSeed, streamSeed, quantity);
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

    /// @dev A fan (from the seed) and a sale they can buy from now, with a quantity of 1 to 8 within what is left, the
    /// fan holding enough $MESI for it. The sale is the first from a random start that accepts purchases, does not
    /// block the fan and has tickets left; when there is none, the call makes one so: it lifts a pause, the creator
    /// unblocks the fan, or the creator re-opens the sale (new supply, no end or a later one).
    function _buyable(
        uint256 fanSeed,
        uint256 streamSeed,
        uint32 quantitySeed
    ) private returns (uint256 index, address fan, uint256 streamId, uint32 quantity) {
        index = fanSeed % _fans.length;
        fan = _fans[index];
        if (vault.paused()) {
            vault.unpause();
            ++madeBuyable;
        }
        uint256 n = _streams.length;
        bool found;
        for (uint256 k; k < n && !found; ++k) {
            streamId = _streams[((streamSeed % n) + k) % n];
            IMesiTickets.Sale memory sale = tickets.saleOf(streamId);
            found = _saleAcceptsPurchases(streamId) && sale.sold < sale.supply && !vault.isBlocked(sale.creator, fan);
        }
        if (!found) {
            streamId = _openStream(streamSeed);
            IMesiTickets.Sale memory sale = tickets.saleOf(streamId);
            if (vault.isBlocked(sale.creator, fan)) {
                vm.prank(sale.creator);
                vault.unblockFan(fan);
            }
            if (!_saleAcceptsPurchases(streamId) || sale.sold == sale.supply) {
                _configure(streamId, sale.price, 0, sale.transferable, uint40(quantitySeed));
            }
            ++madeBuyable;
        }
        IMesiTickets.Sale memory open = tickets.saleOf(streamId);
        uint256 most = open.supply - open.sold;
        if (most > 8) most = 8;
        quantity = uint32(bound(quantitySeed, 1, most));
        _topUp(fan, uint256(open.price) * quantity);
    }

    /// @dev Whether the sale takes purchases now: not closed and not ended.
    function _saleAcceptsPurchases(uint256 streamId) private view returns (bool) {
        IMesiTickets.Sale memory sale = tickets.saleOf(streamId);
        return !sale.closed && (sale.endsAt == 0 || block.timestamp < sale.endsAt);
    }

    /// @dev The first stream from a random start whose sale is not closed (only the last stream's ever closes).
    function _openStream(uint256 seed) private view returns (uint256 streamId) {
        for (uint256 k; k < _streams.length; ++k) {
            streamId = _streams[((seed % _streams.length) + k) % _streams.length];
            if (!tickets.saleOf(streamId).closed) return streamId;
        }
    }

    function _configure(uint256 streamId, uint256 price, uint32 supply, bool transferable, uint40 endIn) private {
        uint256 sold = tickets.saleOf(streamId).sold;
        price = bound(price, 1, 1_000 ether);
        supply = uint32(bound(supply, sold + 10, sold + 60));
        uint40 endsAt = endIn % 3 == 0 ? 0 : uint40(block.timestamp + bound(endIn, 1 days, 30 days));
        vm.prank(creatorOf[streamId]);
        tickets.configureSale(streamId, price, supply, transferable, endsAt);
    }

    /// @dev A purchase that must be refused with `expected`: nothing moves.
    function _buyRefused(address fan, uint256 streamId, uint32 quantity, bytes memory expected) private {
        _topUp(fan, uint256(tickets.saleOf(streamId).price) * quantity);
        vm.prank(fan);
        try tickets.buy(streamId, quantity, type(uint256).max) {
            ++wronglySold;
        } catch (bytes memory reason) {
            assertEq(reason, expected);
        }
    }

    /// @dev The first fan (from a random start) holding tickets, of the first stream from a random start they hold.
    function _holder(
        uint256 fanSeed,
        uint256 streamSeed
    ) private view returns (bool found, address fan, uint256 streamId, uint256 held) {
        return _holder(fanSeed, streamSeed, false);
    }

    /// @dev The first fan (from a random start) holding tickets of some stream; with `onlyTransferable`, only
    /// tickets of a sale that allows transfers count.
    function _holder(
        uint256 fanSeed,
        uint256 streamSeed,
        bool onlyTransferable
    ) private view returns (bool found, address fan, uint256 streamId, uint256 held) {
        for (uint256 i; i < _fans.length * _streams.length; ++i) {
            fan = _fans[((fanSeed % _fans.length) + i / _streams.length) % _fans.length];
            streamId = _streams[((streamSeed % _streams.length) + i) % _streams.length];
            held = tickets.balanceOf(fan, streamId);
            if (held != 0 && (!onlyTransferable || tickets.saleOf(streamId).transferable))
                return (true, fan, streamId, held);
        }
    }

    /// @dev Sends the fan $MESI from this handler's reserve when they hold less than `needed`.
    function _topUp(address fan, uint256 needed) private {
        uint256 balance = mesi.balanceOf(fan);
        if (balance < needed) assertTrue(mesi.transfer(fan, needed - balance + 10_000 ether));
    }

    function _indexOf(uint256 streamId) private view returns (uint256 i) {
        while (_streams[i] != streamId) ++i;
    }

    function _dropCardPurchase(uint256 index) private {
        _cardPurchases[index] = _cardPurchases[_cardPurchases.length - 1];
        _cardPurchases.pop();
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

    /// @dev `ownerKey`'s EIP-2612 permit of USDC for the vault.
    function _signUsdcPermit(
        uint256 ownerKey,
        uint256 value,
        uint256 deadline
    ) internal view returns (IMesiVault.Permit memory permit) {
        address owner = vm.addr(ownerKey);
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"),
                owner,
                address(vault),
                value,
                usdc.nonces(owner),
                deadline
            )
        );
        bytes32 digest = keccak256(abi.encodePacked("\x19\x01", usdc.DOMAIN_SEPARATOR(), structHash));
        (permit.v, permit.r, permit.s) = vm.sign(ownerKey, digest);
        permit.value = value;
        permit.deadline = deadline;
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

    /// @dev A signed USDC purchase submitted by anyone charges the fan exactly the quote (through the fan's own USDC
    /// permit for the vault) and never the submitter; the creator gets at least the price; the ticket nonce moves once
    /// and the same order cannot be used again.
    function testFuzz_BuyWithStablecoinBySig_ChargesTheFanNotTheSubmitter(
        uint256 fanKey,
        address submitter,
        uint128 price,
        uint32 quantity
    ) public {
        fanKey = bound(fanKey, 1, SECP256K1_ORDER - 1);
        address signer = vm.addr(fanKey);
        vm.assume(signer.code.length == 0 && signer != creator && signer != address(this));
        vm.assume(submitter != signer && submitter != address(0) && submitter != address(vault));
        price = uint128(bound(price, 1, 1e24));
        quantity = uint32(bound(quantity, 1, 1000));
        uint256 total = uint256(price) * quantity;
        vm.prank(creator);
        tickets.configureSale(streamId, price, 1000, false, 0);
        uint256 stableIn = converter.quoteStableIn(address(usdc), total);
        usdc.mint(signer, stableIn);
        uint256 submitterUsdc = usdc.balanceOf(submitter);

        IMesiTickets.StablecoinBuyAuthorization memory auth = IMesiTickets.StablecoinBuyAuthorization({
            fan: signer,
            streamId: streamId,
            quantity: quantity,
            stablecoin: address(usdc),
            maxStableIn: stableIn,
            nonce: 0,
            deadline: block.timestamp
        });
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(fanKey, tickets.stablecoinBuyAuthorizationDigest(auth));
        bytes memory signature = abi.encodePacked(r, s, v);
        IMesiVault.Permit memory permit = _signUsdcPermit(fanKey, stableIn, block.timestamp);
        vm.prank(submitter);
        tickets.buyWithStablecoinBySig(auth, signature, permit);

        assertEq(usdc.balanceOf(signer), 0, "the fan paid the quote");
        assertEq(usdc.balanceOf(submitter), submitterUsdc, "the submitter paid nothing");
        assertEq(usdc.balanceOf(address(vault)), stableIn);
        assertEq(tickets.balanceOf(signer, streamId), quantity);
        assertGe(_grossCleared(creator), total, "creator credited at least the price");
        assertEq(tickets.nonces(signer), 1);
        assertEq(mesi.balanceOf(address(vault)), _ledger(_pair(creator, creator2)), "conservation");

        vm.expectRevert(abi.encodeWithSelector(Nonces.InvalidAccountNonce.selector, signer, 1));
        vm.prank(submitter);
        tickets.buyWithStablecoinBySig(auth, signature, permit);
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
    /// @dev What every run of 500 calls (over 15 handler functions, so about 33 calls each) must reach. No purchase
    /// idles (the handler makes a sale buyable first), so each count is about its handler's share of the calls, and
    /// the floors sit well below the least a run reached over several fuzz seeds (least/median in
    /// test/contracts/invariant/README.md).
    uint256 internal constant MIN_PURCHASES = 100;
    uint256 internal constant MIN_CARD_PURCHASES = 4;
    uint256 internal constant MIN_SIGNED_PURCHASES = 12;
    uint256 internal constant MIN_STABLECOIN_PURCHASES = 12;
    uint256 internal constant MIN_REVERSALS = 12;
    uint256 internal constant MIN_SOLD_OUT = 12;
    uint256 internal constant MIN_REFUSED_OVER_SUPPLY = 12;
    uint256 internal constant MIN_REFUSED_CLOSED = 3;
    uint256 internal constant MIN_REFUSED_PAUSED = 5;
    uint256 internal constant MIN_REFUSED_BLOCKED = 10;
    uint256 internal constant MIN_TICKET_ONLY_CHANGES = 12;
    uint256 internal constant MIN_TRANSFERS = 4;
    uint256 internal constant MIN_BURNS = 10;
    /// @dev Calls that find nothing to do: only a transfer or burn before anyone holds a ticket, and closeSale before
    /// the sale is closed.
    uint256 internal constant MAX_IDLE_PERCENT = 10;

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
        // The reserve the handler tops fans up from, so that a purchase never waits for money.
        assertTrue(mesi.transfer(address(handler), 1e27));
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
    /// forge-config: default.invariant.fail-on-revert = true
    function invariant_SoldNeverExceedsSupply() public view {
        uint256[] memory streams = handler.streams();
        for (uint256 i; i < streams.length; ++i) {
            IMesiTickets.Sale memory sale = tickets.saleOf(streams[i]);
            assertLe(sale.sold, sale.supply, "sold <= supply");
        }
    }

    /// forge-config: default.invariant.runs = 4
    /// forge-config: default.invariant.depth = 500
    /// forge-config: default.invariant.fail-on-revert = true
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
    /// forge-config: default.invariant.fail-on-revert = true
    function invariant_CreatorsCreditedWhatFansPaid() public view {
        address[2] memory creators = [creator, creator2];
        for (uint256 i; i < 2; ++i) {
            (uint256 cleared, uint256 pending, uint256 feesOwed) = vault.earningsOf(creators[i]);
            assertEq(cleared + pending + feesOwed, handler.ghostGross(creators[i]), "credited == paid");
        }
    }

    /// forge-config: default.invariant.runs = 4
    /// forge-config: default.invariant.depth = 500
    /// forge-config: default.invariant.fail-on-revert = true
    function invariant_TicketNoncesCountSignedPurchases() public view {
        address[] memory fans = handler.fans();
        for (uint256 i; i < fans.length; ++i) {
            assertEq(tickets.nonces(fans[i]), handler.ghostSignedPurchases(fans[i]), "nonce == signed purchases");
        }
    }

    /// forge-config: default.invariant.runs = 4
    /// forge-config: default.invariant.depth = 500
    /// forge-config: default.invariant.fail-on-revert = true
    function invariant_VaultConservation() public view {
        assertEq(mesi.balanceOf(address(vault)), _ledger(_pair(creator, creator2)), "conservation");
    }

    /// @dev A stream is ticket-only exactly as its creator last set it (re-configuring or closing the sale keeps the
    /// flag), the view and the sale agree, and no purchase beyond the supply left ever went through.
    /// forge-config: default.invariant.runs = 4
    /// forge-config: default.invariant.depth = 500
    /// forge-config: default.invariant.fail-on-revert = true
    function invariant_TicketOnlyIsWhatTheCreatorSet() public view {
        uint256[] memory streams = handler.streams();
        for (uint256 i; i < streams.length; ++i) {
            bool expected = handler.ghostTicketOnly(streams[i]);
            assertEq(tickets.isTicketOnly(streams[i]), expected, "isTicketOnly == last set");
            assertEq(tickets.saleOf(streams[i]).ticketOnly, expected, "sale.ticketOnly == last set");
        }
        assertEq(handler.wronglySold(), 0, "a purchase or transfer that had to be refused went through");
    }

    /// @dev Payments pass through the tickets contract, never stay in it: it holds no $MESI and no stablecoin.
    /// forge-config: default.invariant.runs = 4
    /// forge-config: default.invariant.depth = 500
    /// forge-config: default.invariant.fail-on-revert = true
    function invariant_TicketsHoldNoMoney() public view {
        assertEq(mesi.balanceOf(address(tickets)), 0, "no $MESI in the tickets contract");
        assertEq(usdc.balanceOf(address(tickets)), 0, "no stablecoin in the tickets contract");
    }

    /// @dev After every run: the run reached each state the invariants speak about, often enough to mean something,
    /// and nearly every call did something (fail-on-revert: no call reverted). The counts are in every message and in
    /// cache/invariant-depth.log.
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
        assertGe(h.refusedClosed(), MIN_REFUSED_CLOSED, counts);
        assertGe(h.refusedPaused(), MIN_REFUSED_PAUSED, counts);
        assertGe(h.refusedBlocked(), MIN_REFUSED_BLOCKED, counts);
        assertGe(h.reachedTicketOnlyChanges(), MIN_TICKET_ONLY_CHANGES, counts);
        assertGe(h.reachedTransfers(), MIN_TRANSFERS, counts);
        assertGe(h.reachedBurns(), MIN_BURNS, counts);
        assertLe(h.idle() * 100, h.calls() * MAX_IDLE_PERCENT, counts);
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
        out = string.concat(out, ", refused closed ", vm.toString(h.refusedClosed()));
        out = string.concat(out, ", refused paused ", vm.toString(h.refusedPaused()));
        out = string.concat(out, ", refused blocked ", vm.toString(h.refusedBlocked()));
        out = string.concat(out, ", refused not transferable ", vm.toString(h.refusedNotTransferable()));
        out = string.concat(out, ", ticket-only changes ", vm.toString(h.reachedTicketOnlyChanges()));
        out = string.concat(out, ", transfers ", vm.toString(h.reachedTransfers()));
        out = string.concat(out, ", burns ", vm.toString(h.reachedBurns()));
        out = string.concat(out, ", made buyable ", vm.toString(h.madeBuyable()));
    }
}
