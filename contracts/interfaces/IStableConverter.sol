// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

/// @title IStableConverter
/// @notice Converts amounts of listed stablecoins into $MESI at a rate set by the RATE_SETTER role.
/// @dev A rate is "$MESI base units per stablecoin base unit", scaled by 1e18 (RATE_SCALE):
/// `mesiOut = stableAmount * rate / 1e18`. For USDC (6 decimals) at 1 MESI = 0.01 USD the rate is 1e32.
///
/// Bounds: within each window of RATE_WINDOW (1 hour), every update stays within `maxRateChangeBps` of the rate the
/// window started with, however many updates it makes; a window starts at the first update after the previous one
/// ended. So the rate moves at most `maxRateChangeBps` per hour. Listing a stablecoin — the first time, or again
/// after {delist} — is at a rate the admin scheduled {defaultAdminDelay} ahead ({scheduleListing}); the rate setter
/// then lists it with {setRate} at exactly that rate. A compromised rate setter can therefore move a rate by at most
/// the bound per hour and cannot list or relist at a rate of its choosing.
interface IStableConverter {
    /// @notice Emitted when a stablecoin's rate is set or changed (listing included: oldRate = 0).
    event RateUpdated(address indexed stablecoin, uint256 oldRate, uint256 newRate, address indexed setter);
    /// @notice Emitted when a stablecoin is delisted (its rate set to zero).
    event StablecoinDelisted(address indexed stablecoin, uint256 oldRate);
    /// @notice Emitted when the bound on the change within one window changes.
    event MaxRateChangeUpdated(uint256 oldBps, uint256 newBps);
    /// @notice The admin scheduled the listing of `stablecoin` at `rate`, due from `readyAt`.
    event ListingScheduled(address indexed stablecoin, uint256 rate, uint48 readyAt);

    /// @notice The stablecoin has no rate (never listed or delisted).
    error Converter_NotListed(address stablecoin);
    /// @notice A rate of zero was given; use `delist` instead.
    error Converter_RateZero(address stablecoin);
    /// @notice The update moves the rate by more than the bound from `oldRate`, the rate its window started with.
    error Converter_RateChangeTooLarge(address stablecoin, uint256 oldRate, uint256 newRate, uint256 maxChangeBps);
    /// @notice The bound is zero or above 100 %.
    error Converter_InvalidMaxChange(uint256 bps);
    /// @notice Listing `stablecoin` needs a due listing at exactly the scheduled rate: `rate` and `readyAt` are what
    /// is scheduled (0 and 0: nothing).
    error Converter_ListingNotScheduled(address stablecoin, uint256 rate, uint48 readyAt);

    /// @notice Schedules listing `stablecoin` at `rate` once {defaultAdminDelay} has passed (replaces any earlier one).
    /// Requirements: DEFAULT_ADMIN_ROLE; rate > 0. Emits {ListingScheduled}.
    function scheduleListing(address stablecoin, uint256 rate) external;

    /// @notice Sets a listed stablecoin's rate, or lists one at its scheduled rate.
    /// Requirements: RATE_SETTER_ROLE; `newRate` > 0; if listed, |newRate - windowRate| <= windowRate *
    /// maxRateChangeBps / 10_000 (a window older than RATE_WINDOW restarts from the current rate); if not listed, a
    /// listing of `newRate` scheduled and due ({Converter_ListingNotScheduled}), which this uses up.
    /// Emits {RateUpdated}.
    function setRate(address stablecoin, uint256 newRate) external;

    /// @notice Delists a stablecoin. Requirements: RATE_SETTER_ROLE; listed. Emits {StablecoinDelisted}.
    function delist(address stablecoin) external;

    /// @notice Sets the bound per window. Requirements: DEFAULT_ADMIN_ROLE; 0 < bps <= 10_000. Emits {MaxRateChangeUpdated}.
    function setMaxRateChangeBps(uint256 bps) external;

    /// @notice $MESI base units received for `stableAmount` base units of `stablecoin` (rounded down).
    /// Reverts with {Converter_NotListed} if the stablecoin has no rate.
    function quote(address stablecoin, uint256 stableAmount) external view returns (uint256 mesiOut);

    /// @notice Stablecoin base units needed to receive at least `mesiAmount` (rounded up).
    function quoteStableIn(address stablecoin, uint256 mesiAmount) external view returns (uint256 stableIn);

    /// @notice Current rate (0 when not listed).
    function rateOf(address stablecoin) external view returns (uint256);

    /// @notice The rate the current window started with and when it started (updates are bounded against it).
    function rateWindowOf(address stablecoin) external view returns (uint256 windowRate, uint256 windowStart);

    /// @notice The scheduled listing of `stablecoin`: its rate and when it is due (0, 0: none).
    function listingOf(address stablecoin) external view returns (uint256 rate, uint48 readyAt);

    /// @notice Current bound per window, in basis points.
    function maxRateChangeBps() external view returns (uint256);
}
