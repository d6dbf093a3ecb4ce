// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import { ICreditModule } from "./ICreditModule.sol";
import { MesiTypes } from "./IMesiTypes.sol";
import { IMesiVault } from "./IMesiVault.sol";

/// @title IMesiTickets
/// @notice ERC-1155 tickets: token id = the registry's stream id. The stream's creator sets the price (in $MESI),
/// the supply and whether tickets may be transferred; fans buy with $MESI, a permit, a stablecoin, through the
/// relayer (card), or gasless by signing a {BuyAuthorization} ($MESI) or a {StablecoinBuyAuthorization} that the relayer
/// submits. Sales never exceed supply.
/// The creator can switch the stream to ticket-only at any time: while on, only ticket holders may watch, whatever
/// the stream's other rules say.
///
/// Chargebacks: a card (Fiat) purchase is paid by a held credit. If the relayer reverses it during the hold, the vault
/// calls {ICreditModule-onCreditReversed} and the tickets are taken back: those the buyer still holds (up to the
/// quantity bought) are burnt and their places freed for sale again ({TicketsRevoked}). Tickets of a transferable sale
/// that the buyer already passed on stay with their new holder; the creator's reversed credit covers them no more.
interface IMesiTickets is ICreditModule {
    /// @notice A ticket sale. `price` per ticket in $MESI base units.
    struct Sale {
        uint128 price;
        uint32 supply;
        uint32 sold;
        uint40 endsAt; // 0 = no end
        bool transferable;
        bool closed;
        bool ticketOnly;
        address creator;
    }

    /// @notice What a fan signs (EIP-712, domain "MesiTickets"/"1") so that anyone — normally the relayer, which pays
    /// the gas — can submit their $MESI ticket purchase ({buyBySig}). `maxTotalPrice` bounds price × quantity, so a
    /// price raised after signing cannot charge the fan more; `nonce` is the fan's next {nonces} value.
    struct BuyAuthorization {
        address fan;
        uint256 streamId;
        uint32 quantity;
        uint256 maxTotalPrice;
        uint256 nonce;
        uint256 deadline;
    }

    /// @notice What a fan signs (EIP-712, domain "MesiTickets"/"1") so that anyone — normally the relayer, which pays
    /// the gas — can submit their stablecoin ticket purchase ({buyWithStablecoinBySig}). `maxStableIn` bounds the
    /// stablecoin paid (the converter's quote of price × quantity at submission), so a price or rate that moved after
    /// signing cannot charge the fan more; `nonce` is the fan's next {nonces} value (shared with {BuyAuthorization}).
    struct StablecoinBuyAuthorization {
        address fan;
        uint256 streamId;
        uint32 quantity;
        address stablecoin;
        uint256 maxStableIn;
        uint256 nonce;
        uint256 deadline;
    }

    /// @notice The creator created or updated the sale of a stream.
    event SaleConfigured(
        uint256 indexed streamId,
        address indexed creator,
        uint256 price,
        uint32 supply,
        bool transferable,
        uint40 endsAt
    );
    /// @notice The sale closed for good after `sold` tickets.
    event SaleClosed(uint256 indexed streamId, address indexed creator, uint32 sold);
    /// @notice `buyer` bought `quantity` tickets for `totalPrice` $MESI gross (`fee` to the platform), paid from
    /// `source`; `paymentRef` is non-zero for relayer purchases (card/stablecoin credited from the float).
    event TicketsPurchased(
        uint256 indexed streamId,
        address indexed creator,
        address indexed buyer,
        uint32 quantity,
        uint256 totalPrice,
        uint256 fee,
        MesiTypes.PaymentSource source,
        bytes32 paymentRef,
        uint32 soldAfter
    );
    /// @notice A card purchase's held credit was reversed (chargeback): `revoked` of its tickets, those `buyer` still
    /// held, were burnt and freed for sale again (`soldAfter`); tickets already passed on to others stay with them.
    event TicketsRevoked(
        uint256 indexed streamId,
        address indexed creator,
        address indexed buyer,
        uint32 revoked,
        bytes32 paymentRef,
        uint32 soldAfter
    );
    /// @notice Ticket-only mode switched; apps must remove non-holders from the stream within seconds.
    event TicketOnlySet(uint256 indexed streamId, address indexed creator, bool enabled);
    /// @notice The ERC-1155 metadata URI changed (clients substitute `{id}`, per ERC-1155).
    event BaseUriUpdated(string oldUri, string newUri);

    error Tickets_NotStreamCreator(uint256 streamId, address caller);
    error Tickets_NoSale(uint256 streamId);
    error Tickets_SaleClosed(uint256 streamId);
    error Tickets_SaleEnded(uint256 streamId, uint40 endsAt);
    error Tickets_QuantityZero();
    error Tickets_SoldOut(uint256 streamId, uint32 requested, uint32 remaining);
    error Tickets_SupplyBelowSold(uint256 streamId, uint32 supply, uint32 sold);
    error Tickets_PriceZero();
    error Tickets_PriceTooHigh(uint256 streamId, uint256 totalPrice, uint256 maxTotalPrice);
    error Tickets_NotTransferable(uint256 streamId);
    /// @notice {ICreditModule-onCreditReversed} was called by `caller`, not by the vault.
    error Tickets_NotVault(address caller);
    error Tickets_InvalidEnd(uint40 endsAt);
    /// @notice A {BuyAuthorization} was submitted after its `deadline`.
    error Tickets_SignatureExpired(uint256 deadline, uint256 nowTimestamp);
    /// @notice The signature is not `signer`'s (EOA or ERC-1271) over the {BuyAuthorization} submitted.
    error Tickets_InvalidSignature(address signer);

    /// @notice Creates or updates the sale of the caller's stream. Requirements: caller created the stream in the
    /// registry; price > 0; supply >= sold; endsAt 0 or in the future; sale not closed. Emits {SaleConfigured}.
    function configureSale(uint256 streamId, uint256 price, uint32 supply, bool transferable, uint40 endsAt) external;
    /// @notice Closes the sale for good. Requirements: the stream's creator. Emits {SaleClosed}.
    function closeSale(uint256 streamId) external;
    /// @notice Requirements: the stream's creator; sale configured. Emits {TicketOnlySet}.
    function setTicketOnly(uint256 streamId, bool enabled) external;

    /// @notice Buys with $MESI (allowance for the vault). Requirements: sale open; quantity > 0 and <= remaining;
    /// price*quantity <= maxTotalPrice; not blocked; vault not paused. Emits {TicketsPurchased}.
    function buy(uint256 streamId, uint32 quantity, uint256 maxTotalPrice) external;
    /// @notice As {buy} with an EIP-2612 permit for the vault in the same transaction.
    function buyWithPermit(
        uint256 streamId,
        uint32 quantity,
        uint256 maxTotalPrice,
        IMesiVault.Permit calldata permit
    ) external;
    /// @notice Gasless purchase: anyone (normally the relayer) submits a fan's signed {BuyAuthorization}; the fan pays
    /// the $MESI and receives the tickets, the submitter pays only the gas. An optional EIP-2612 permit for the vault
    /// (`permit.value` 0 = none) sets the fan's allowance in the same transaction; a permit that fails (e.g. front-run)
    /// is ignored, and the vault's pull reverts if the allowance is then missing.
    /// Requirements: block.timestamp <= deadline ({Tickets_SignatureExpired}); signature by `auth.fan`, an EOA or an
    /// ERC-1271 wallet ({Tickets_InvalidSignature}); `auth.nonce` == nonces(fan) (`InvalidAccountNonce`); then as
    /// {buy} with the fan as buyer: sale open; quantity > 0 and <= remaining; price × quantity <= maxTotalPrice; fan
    /// not blocked; vault not paused; the fan's $MESI balance and allowance for the vault cover the price.
    /// Emits {TicketsPurchased} (buyer = fan, source `Mesi`, no paymentRef).
    function buyBySig(
        BuyAuthorization calldata auth,
        bytes calldata signature,
        IMesiVault.Permit calldata permit
    ) external;
    /// @notice Buys paying `stablecoin` (allowance for the vault); pays at most `maxStableIn`.
    function buyWithStablecoin(uint256 streamId, uint32 quantity, address stablecoin, uint256 maxStableIn) external;
    /// @notice Gasless stablecoin purchase: anyone (normally the relayer) submits a fan's signed
    /// {StablecoinBuyAuthorization}; the fan pays the stablecoin and receives the tickets, the submitter pays only the
    /// gas. The token authorization is an optional EIP-2612 permit of `auth.stablecoin` for the vault (`permit.value`
    /// 0 = none; USDC implements EIP-2612), applied after the sale is reserved; a permit that fails (e.g. front-run)
    /// is ignored, and the vault's pull reverts if the allowance is then missing. The vault pulls exactly the quote,
    /// so a permit for `maxStableIn` may leave the difference as allowance.
    /// Requirements: block.timestamp <= deadline ({Tickets_SignatureExpired}); signature by `auth.fan`, an EOA or an
    /// ERC-1271 wallet ({Tickets_InvalidSignature}); `auth.nonce` == nonces(fan) (`InvalidAccountNonce`); then as
    /// {buyWithStablecoin} with the fan as buyer: sale open ({Tickets_NoSale}, {Tickets_SaleClosed},
    /// {Tickets_SaleEnded}); quantity > 0 and <= remaining ({Tickets_QuantityZero}, {Tickets_SoldOut}); the quote
    /// <= maxStableIn ({Tickets_PriceTooHigh}, in stablecoin units); stablecoin listed; fan not blocked; vault not
    /// paused; the fan's stablecoin balance and allowance for the vault cover the quote.
    /// Emits {TicketsPurchased} (buyer = fan, source `Stablecoin`, no paymentRef, the $MESI credited).
    function buyWithStablecoinBySig(
        StablecoinBuyAuthorization calldata auth,
        bytes calldata signature,
        IMesiVault.Permit calldata permit
    ) external;
    /// @notice The relayer buys for `fan` from the float (card or off-chain stablecoin payment `paymentRef`). A card
    /// (Fiat) purchase is remembered until its credit clears, so that a reversal takes the tickets back.
    /// Requirements: RELAYER_ROLE; as {buy}; paymentRef unused. Emits {TicketsPurchased}.
    function buyWithCredit(
        bytes32 paymentRef,
        address fan,
        uint256 streamId,
        uint32 quantity,
        MesiTypes.PaymentSource source
    ) external;

    /// @notice Sets the ERC-1155 metadata URI, e.g. "https://meta.example/tickets/{id}.json".
    /// Requirements: DEFAULT_ADMIN_ROLE. Emits {BaseUriUpdated}.
    function setBaseUri(string calldata newUri) external;

    /// @notice The sale of a stream (all zero if none).
    function saleOf(uint256 streamId) external view returns (Sale memory);
    /// @notice Whether the stream is ticket-only right now.
    function isTicketOnly(uint256 streamId) external view returns (bool);
    /// @notice Next {BuyAuthorization} nonce of a fan (independent of the vault's tip nonces).
    function nonces(address fan) external view returns (uint256);
    /// @notice EIP-712 digest of a {BuyAuthorization} (domain "MesiTickets"/"1"): what the fan signs.
    function buyAuthorizationDigest(BuyAuthorization calldata auth) external view returns (bytes32);
    /// @notice EIP-712 digest of a {StablecoinBuyAuthorization} (domain "MesiTickets"/"1"): what the fan signs.
    function stablecoinBuyAuthorizationDigest(StablecoinBuyAuthorization calldata auth) external view returns (bytes32);
}
