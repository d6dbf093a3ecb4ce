// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import { AccessControlDefaultAdminRules } from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import { ERC1155 } from "@openzeppelin/contracts/token/ERC1155/ERC1155.sol";
import { ERC1155Burnable } from "@openzeppelin/contracts/token/ERC1155/extensions/ERC1155Burnable.sol";
import { IERC20Permit } from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import { SafeCast } from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import { Nonces } from "@openzeppelin/contracts/utils/Nonces.sol";
import { EIP712 } from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import { SignatureChecker } from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";

import { ICreatorRegistry } from "./interfaces/ICreatorRegistry.sol";
import { ICreditModule } from "./interfaces/ICreditModule.sol";
import { IMesiTickets } from "./interfaces/IMesiTickets.sol";
import { MesiTypes } from "./interfaces/IMesiTypes.sol";
import { IMesiVault } from "./interfaces/IMesiVault.sol";
import { IStableConverter } from "./interfaces/IStableConverter.sol";

/// @title MesiTickets
/// @notice ERC-1155 stream tickets sold for $MESI through the vault (which enforces creators' blocks and the pause).
/// @dev A sale is two storage slots: the first holds everything a purchase updates (price, supply, sold, end,
/// flags), the second the creator, cached at configuration so that a purchase never calls the registry. A purchase
/// writes one sale slot, makes one vault call and mints. Gasless purchases ({buyBySig}, {buyWithStablecoinBySig}) are
/// EIP-712 signed by the fan (domain "MesiTickets"/"1") with sequential nonces, as the vault's signed tips are.
contract MesiTickets is IMesiTickets, ERC1155Burnable, AccessControlDefaultAdminRules, EIP712, Nonces {
    using SafeCast for uint256;

    /// @dev A card purchase whose credit can still be reversed.
    struct HeldPurchase {
        address buyer;
        uint32 quantity;
        uint64 streamId;
    }

    /// @dev What a purchase reserved: who is paid, the gross $MESI price, the sale's sold count afterwards.
    struct Reservation {
        address creator;
        uint256 total;
        uint32 soldAfter;
    }

    /// @notice May buy for fans from the vault's float (card and off-chain stablecoin payments).
    bytes32 public constant RELAYER_ROLE = keccak256("RELAYER_ROLE");

    // solhint-disable gas-small-strings
    /// @notice EIP-712 typehash of {IMesiTickets.BuyAuthorization}.
    bytes32 public constant BUY_AUTHORIZATION_TYPEHASH = keccak256(
        "BuyAuthorization(address fan,uint256 streamId,uint32 quantity,uint256 maxTotalPrice,uint256 nonce,uint256 deadline)"
    );
    /// @notice EIP-712 typehash of {IMesiTickets.StablecoinBuyAuthorization}.
    bytes32 public constant STABLECOIN_BUY_AUTHORIZATION_TYPEHASH = keccak256(
        "StablecoinBuyAuthorization(address fan,uint256 streamId,uint32 quantity,address stablecoin,uint256 maxStableIn,uint256 nonce,uint256 deadline)"
    );
    // solhint-enable gas-small-strings

    /// @notice The vault every purchase is paid through (this contract holds its MODULE_ROLE).
    IMesiVault public immutable vault;
    /// @notice The registry whose stream ids are the token ids and whose stream creators own the sales.
    ICreatorRegistry public immutable registry;
    /// @dev $MESI, cached: the token permits are applied to.
    IERC20Permit private immutable _mesi;

    mapping(uint256 streamId => Sale) private _sales;
    /// @dev Card purchases whose credit is still held (one slot: 20 + 4 + 8 bytes), taken back on reversal.
    mapping(bytes32 paymentRef => HeldPurchase) private _heldPurchases;

    constructor(
        IMesiVault vault_,
        ICreatorRegistry registry_,
        uint48 initialDelay,
        address initialAdmin
    ) ERC1155("") AccessControlDefaultAdminRules(initialDelay, initialAdmin) EIP712("MesiTickets", "1") {
        vault = vault_;
        registry = registry_;
        _mesi = IERC20Permit(vault_.mesi());
    }

    // ─────────────────────────────────────── Creator ───────────────────────────────────────

    /// @inheritdoc IMesiTickets
    function configureSale(uint256 streamId, uint256 price, uint32 supply, bool transferable, uint40 endsAt) external {
        if (registry.streamCreator(streamId) != msg.sender) revert Tickets_NotStreamCreator(streamId, msg.sender);
        Sale storage sale = _sales[streamId];
        if (sale.closed) revert Tickets_SaleClosed(streamId);
        if (price == 0) revert Tickets_PriceZero();
        uint32 sold = sale.sold;
        if (supply < sold) revert Tickets_SupplyBelowSold(streamId, supply, sold);
        if (endsAt != 0 && endsAt <= block.timestamp) revert Tickets_InvalidEnd(endsAt);

        sale.price = price.toUint128();
        sale.supply = supply;
        sale.endsAt = endsAt;
        sale.transferable = transferable;
        sale.creator = msg.sender;
        emit SaleConfigured(streamId, msg.sender, price, supply, transferable, endsAt);
    }

    /// @inheritdoc IMesiTickets
    function closeSale(uint256 streamId) external {
        Sale storage sale = _creatorSale(streamId);
        if (sale.closed) revert Tickets_SaleClosed(streamId);
        sale.closed = true;
        emit SaleClosed(streamId, msg.sender, sale.sold);
    }

    /// @inheritdoc IMesiTickets
    function setTicketOnly(uint256 streamId, bool enabled) external {
        Sale storage sale = _creatorSale(streamId);
        sale.ticketOnly = enabled;
        emit TicketOnlySet(streamId, msg.sender, enabled);
    }

    // ─────────────────────────────────────── Purchases ───────────────────────────────────────

    /// @inheritdoc IMesiTickets
    function buy(uint256 streamId, uint32 quantity, uint256 maxTotalPrice) external {
        _buyWithMesi(msg.sender, streamId, quantity, maxTotalPrice);
    }

    /// @inheritdoc IMesiTickets
    function buyWithPermit(
        uint256 streamId,
        uint32 quantity,
        uint256 maxTotalPrice,
        IMesiVault.Permit calldata permit
    ) external {
        _tryPermit(_mesi, msg.sender, permit);
        _buyWithMesi(msg.sender, streamId, quantity, maxTotalPrice);
    }

    /// @inheritdoc IMesiTickets
    function buyBySig(
        BuyAuthorization calldata auth,
        bytes calldata signature,
        IMesiVault.Permit calldata permit
    ) external {
        // Checks: the signature before the nonce, so that a bad signature never burns one.
        if (block.timestamp > auth.deadline) revert Tickets_SignatureExpired(auth.deadline, block.timestamp);
        if (!SignatureChecker.isValidSignatureNowCalldata(auth.fan, buyAuthorizationDigest(auth), signature)) {
            revert Tickets_InvalidSignature(auth.fan);
        }
        _useCheckedNonce(auth.fan, auth.nonce);
        if (permit.value != 0) _tryPermit(_mesi, auth.fan, permit);
        _buyWithMesi(auth.fan, auth.streamId, auth.quantity, auth.maxTotalPrice);
    }

    /// @inheritdoc IMesiTickets
    /// @dev The vault converts `quoteStableIn(total)` of the stablecoin (rounded up, so at least `total` $MESI) from
    /// the float; the event reports the $MESI actually credited. `Tickets_PriceTooHigh` carries stablecoin units here.
    function buyWithStablecoin(uint256 streamId, uint32 quantity, address stablecoin, uint256 maxStableIn) external {
        // Checks, effects
        (Reservation memory r, uint256 stableIn) = _reserveInStablecoin(streamId, quantity, stablecoin, maxStableIn);
        // Interactions
        _collectStablecoinAndDeliver(msg.sender, streamId, quantity, stablecoin, stableIn, r);
    }

    /// @inheritdoc IMesiTickets
    function buyWithStablecoinBySig(
        StablecoinBuyAuthorization calldata auth,
        bytes calldata signature,
        IMesiVault.Permit calldata permit
    ) external {
        // Checks: the signature before the nonce, so that a bad signature never burns one.
        if (block.timestamp > auth.deadline) revert Tickets_SignatureExpired(auth.deadline, block.timestamp);
        if (
            !SignatureChecker.isValidSignatureNowCalldata(auth.fan, stablecoinBuyAuthorizationDigest(auth), signature)
        ) {
            revert Tickets_InvalidSignature(auth.fan);
        }
        // Effects: the nonce, then the reservation (the quote is a view of the converter).
        _useCheckedNonce(auth.fan, auth.nonce);
        (Reservation memory r, uint256 stableIn) = _reserveInStablecoin(
            auth.streamId,
            auth.quantity,
            auth.stablecoin,
            auth.maxStableIn
        );
        // Interactions: the fan's permit of the stablecoin for the vault, the vault's pull, the mint.
        if (permit.value != 0) _tryPermit(IERC20Permit(auth.stablecoin), auth.fan, permit);
        _collectStablecoinAndDeliver(auth.fan, auth.streamId, auth.quantity, auth.stablecoin, stableIn, r);
    }

    /// @inheritdoc IMesiTickets
    function buyWithCredit(
        bytes32 paymentRef,
        address fan,
        uint256 streamId,
        uint32 quantity,
        MesiTypes.PaymentSource source
    ) external onlyRole(RELAYER_ROLE) {
        // Checks, effects
        Reservation memory r = _reserve(streamId, quantity);
        // Interactions: the vault refuses a used or zero reference, a wrong source, a blocked fan and a short float.
        (uint256 fee, ) = vault.creditFromFloat(paymentRef, fan, r.creator, r.total, source);
        if (source == MesiTypes.PaymentSource.Fiat) {
            _heldPurchases[paymentRef] = HeldPurchase({
                buyer: fan,
                quantity: quantity,
                streamId: streamId.toUint64()
            });
        }
        _deliver(streamId, fan, quantity, r, fee, source, paymentRef);
    }

    /// @inheritdoc ICreditModule
    /// @dev Burns what the buyer still holds, up to the quantity bought, and lowers `sold` by as much.
    function onCreditReversed(bytes32 paymentRef) external {
        // Checks
        if (msg.sender != address(vault)) revert Tickets_NotVault(msg.sender);
        HeldPurchase memory purchase = _heldPurchases[paymentRef];
        if (purchase.buyer == address(0)) return;
        // Effects
        delete _heldPurchases[paymentRef];
        uint256 streamId = purchase.streamId;
        uint256 held = balanceOf(purchase.buyer, streamId);
        // revoked <= quantity (a uint32).
        uint32 revoked = held < purchase.quantity ? uint32(held) : purchase.quantity;
        Sale storage sale = _sales[streamId];
        // Those tickets were counted in `sold` when bought, and `sold` never decreases otherwise.
        uint32 soldAfter = sale.sold - revoked;
        sale.sold = soldAfter;
        emit TicketsRevoked(streamId, sale.creator, purchase.buyer, revoked, paymentRef, soldAfter);
        // Burning calls no receiver hook.
        if (revoked != 0) _burn(purchase.buyer, streamId, revoked);
    }

    // ─────────────────────────────────────── Admin ───────────────────────────────────────

    /// @inheritdoc IMesiTickets
    function setBaseUri(string calldata newUri) external onlyRole(DEFAULT_ADMIN_ROLE) {
        string memory oldUri = uri(0);
        _setURI(newUri);
        emit BaseUriUpdated(oldUri, newUri);
    }

    // ─────────────────────────────────────── Views ───────────────────────────────────────

    /// @inheritdoc IMesiTickets
    function saleOf(uint256 streamId) external view returns (Sale memory) {
        return _sales[streamId];
    }

    /// @inheritdoc IMesiTickets
    function isTicketOnly(uint256 streamId) external view returns (bool) {
        return _sales[streamId].ticketOnly;
    }

    /// @inheritdoc IMesiTickets
    function nonces(address fan) public view override(IMesiTickets, Nonces) returns (uint256) {
        return super.nonces(fan);
    }

    /// @inheritdoc IMesiTickets
    function buyAuthorizationDigest(BuyAuthorization calldata auth) public view returns (bytes32) {
        return
            _hashTypedDataV4(
                keccak256(
                    abi.encode(
                        BUY_AUTHORIZATION_TYPEHASH,
                        auth.fan,
                        auth.streamId,
                        auth.quantity,
                        auth.maxTotalPrice,
                        auth.nonce,
                        auth.deadline
                    )
                )
            );
    }

    /// @inheritdoc IMesiTickets
    function stablecoinBuyAuthorizationDigest(StablecoinBuyAuthorization calldata auth) public view returns (bytes32) {
        return
            _hashTypedDataV4(
                keccak256(
                    abi.encode(
                        STABLECOIN_BUY_AUTHORIZATION_TYPEHASH,
                        auth.fan,
                        auth.streamId,
                        auth.quantity,
                        auth.stablecoin,
                        auth.maxStableIn,
                        auth.nonce,
                        auth.deadline
                    )
                )
            );
    }

    /// @inheritdoc ERC1155
    function supportsInterface(
        bytes4 interfaceId
    ) public view override(ERC1155, AccessControlDefaultAdminRules) returns (bool) {
        return super.supportsInterface(interfaceId);
    }

    // ─────────────────────────────────────── Internal ───────────────────────────────────────

    /// @dev Tickets of a non-transferable sale can only be minted (bought) and burnt.
    function _update(address from, address to, uint256[] memory ids, uint256[] memory values) internal override {
        if (from != address(0) && to != address(0)) {
            for (uint256 i; i < ids.length; ++i) {
                if (!_sales[ids[i]].transferable) revert Tickets_NotTransferable(ids[i]);
            }
        }
        super._update(from, to, ids, values);
    }

    // ─────────────────────────────────────── Private ───────────────────────────────────────

    /// @dev `fan` pays in $MESI (through their allowance for the vault) and receives the tickets.
    function _buyWithMesi(address fan, uint256 streamId, uint32 quantity, uint256 maxTotalPrice) private {
        // Checks, effects
        Reservation memory r = _reserve(streamId, quantity);
        if (r.total > maxTotalPrice) revert Tickets_PriceTooHigh(streamId, r.total, maxTotalPrice);
        // Interactions: the vault pulls the $MESI (blocks and pause are enforced there).
        uint256 fee = vault.collectAndCredit(fan, r.creator, r.total);
        _deliver(streamId, fan, quantity, r, fee, MesiTypes.PaymentSource.Mesi, bytes32(0));
    }

    /// @dev Reserves as {_reserve} and quotes the price in `stablecoin`, which must not exceed `maxStableIn`.
    function _reserveInStablecoin(
        uint256 streamId,
        uint32 quantity,
        address stablecoin,
        uint256 maxStableIn
    ) private returns (Reservation memory r, uint256 stableIn) {
        r = _reserve(streamId, quantity);
        stableIn = IStableConverter(vault.converter()).quoteStableIn(stablecoin, r.total);
        if (stableIn > maxStableIn) revert Tickets_PriceTooHigh(streamId, stableIn, maxStableIn);
    }

    /// @dev The vault pulls `stableIn` of `stablecoin` from `fan` and credits its conversion (at least the reserved
    /// price); the tickets go to the fan. The event reports the $MESI actually credited.
    function _collectStablecoinAndDeliver(
        address fan,
        uint256 streamId,
        uint32 quantity,
        address stablecoin,
        uint256 stableIn,
        Reservation memory r
    ) private {
        (uint256 mesiAmount, uint256 fee) = vault.collectStablecoinAndCredit(
            fan,
            stablecoin,
            stableIn,
            r.total,
            r.creator
        );
        r.total = mesiAmount;
        _deliver(streamId, fan, quantity, r, fee, MesiTypes.PaymentSource.Stablecoin, bytes32(0));
    }

    /// @dev Checks that `quantity` tickets of an open sale are available and counts them as sold.
    function _reserve(uint256 streamId, uint32 quantity) private returns (Reservation memory r) {
        Sale storage sale = _sales[streamId];
        Sale memory s = sale;
        if (s.creator == address(0)) revert Tickets_NoSale(streamId);
        if (s.closed) revert Tickets_SaleClosed(streamId);
        if (s.endsAt != 0 && block.timestamp >= s.endsAt) revert Tickets_SaleEnded(streamId, s.endsAt);
        if (quantity == 0) revert Tickets_QuantityZero();
        // supply >= sold always holds (configureSale and this function keep it), so neither line can wrap.
        unchecked {
            uint32 remaining = s.supply - s.sold;
            if (quantity > remaining) revert Tickets_SoldOut(streamId, quantity, remaining);
            r.soldAfter = s.sold + quantity;
            // price < 2^128 and quantity < 2^32: the product is below 2^160.
            r.total = uint256(s.price) * quantity;
        }
        sale.sold = r.soldAfter;
        r.creator = s.creator;
    }

    /// @dev Records the purchase, then mints the paid tickets. The receiver's acceptance hook (an interaction) runs
    /// after every state change and the event of the purchase: a purchase made from the hook is logged after this one,
    /// so `soldAfter` grows along the logs.
    function _deliver(
        uint256 streamId,
        address buyer,
        uint32 quantity,
        Reservation memory r,
        uint256 fee,
        MesiTypes.PaymentSource source,
        bytes32 paymentRef
    ) private {
        // Effects (the sale counter and the payment are recorded by the caller)
        emit TicketsPurchased(streamId, r.creator, buyer, quantity, r.total, fee, source, paymentRef, r.soldAfter);
        // Interactions: the buyer's acceptance hook
        _mint(buyer, streamId, quantity, "");
    }

    /// @dev The configured sale of `streamId`, which the caller must have created.
    function _creatorSale(uint256 streamId) private view returns (Sale storage sale) {
        sale = _sales[streamId];
        address creator = sale.creator;
        if (creator == address(0)) revert Tickets_NoSale(streamId);
        if (creator != msg.sender) revert Tickets_NotStreamCreator(streamId, msg.sender);
    }

    /// @dev Applies `owner`'s EIP-2612 permit of `token` for the vault. A front-run permit reverts here but has already
    /// set the allowance, so a failure is ignored: the vault's pull reverts anyway if the allowance is missing.
    function _tryPermit(IERC20Permit token, address owner, IMesiVault.Permit calldata permit) private {
        // solhint-disable-next-line no-empty-blocks
        try token.permit(owner, address(vault), permit.value, permit.deadline, permit.v, permit.r, permit.s) {
            // Allowance set.
            // solhint-disable-next-line no-empty-blocks
        } catch {
            // Already used (front-run) or invalid.
        }
    }
}
