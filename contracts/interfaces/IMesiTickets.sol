// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import { MesiTypes } from "./IMesiTypes.sol";
import { IMesiVault } from "./IMesiVault.sol";

/// @title IMesiTickets
/// @notice ERC-1155 tickets: token id = the registry's stream id. The stream's creator sets the price (in $MESI),
/// the supply and whether tickets may be transferred; fans buy with $MESI, a permit, a stablecoin, or through the
/// relayer (card). Sales never exceed supply. The creator can switch the stream to ticket-only at any time: while
/// on, only ticket holders may watch, whatever the stream's other rules say.
interface IMesiTickets {
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
    error Tickets_InvalidEnd(uint40 endsAt);

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
    /// @notice Buys paying `stablecoin` (allowance for the vault); pays at most `maxStableIn`.
    function buyWithStablecoin(uint256 streamId, uint32 quantity, address stablecoin, uint256 maxStableIn) external;
    /// @notice The relayer buys for `fan` from the float (card or off-chain stablecoin payment `paymentRef`).
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
}
