// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

/// @title IStableConverter
/// @notice Converts amounts of listed stablecoins into $MESI at a rate set by the RATE_SETTER role.
/// @dev A rate is "$MESI base units per stablecoin base unit", scaled by 1e18 (RATE_SCALE):
/// `mesiOut = stableAmount * rate / 1e18`. For USDC (6 decimals) at 1 MESI = 0.01 USD the rate is 1e32.
/// The first rate of a stablecoin (listing) is free; every later update may move the rate by at most
/// `maxRateChangeBps` of the current rate.
interface IStableConverter {
    /// @notice Emitted when a stablecoin's rate is set or changed (listing included: oldRate = 0).
    event RateUpdated(address indexed stablecoin, uint256 oldRate, uint256 newRate, address indexed setter);
    /// @notice Emitted when a stablecoin is delisted (its rate set to zero).
    event StablecoinDelisted(address indexed stablecoin, uint256 oldRate);
    /// @notice Emitted when the bound on a single rate update changes.
    event MaxRateChangeUpdated(uint256 oldBps, uint256 newBps);

    /// @notice The stablecoin has no rate (never listed or delisted).
    error Converter_NotListed(address stablecoin);
    /// @notice A rate of zero was given; use `delist` instead.
    error Converter_RateZero(address stablecoin);
    /// @notice The update moves the rate by more than the allowed bound.
    error Converter_RateChangeTooLarge(address stablecoin, uint256 oldRate, uint256 newRate, uint256 maxChangeBps);
    /// @notice The bound is zero or above 100 %.
    error Converter_InvalidMaxChange(uint256 bps);

    /// @notice Sets (or lists) a stablecoin's rate.
    /// Requirements: caller has RATE_SETTER_ROLE; `newRate` > 0; if listed, |newRate - old| <= old * maxRateChangeBps / 10_000.
    /// Emits {RateUpdated}.
    function setRate(address stablecoin, uint256 newRate) external;

    /// @notice Delists a stablecoin. Requirements: RATE_SETTER_ROLE; listed. Emits {StablecoinDelisted}.
    function delist(address stablecoin) external;

    /// @notice Sets the bound on one update. Requirements: DEFAULT_ADMIN_ROLE; 0 < bps <= 10_000. Emits {MaxRateChangeUpdated}.
    function setMaxRateChangeBps(uint256 bps) external;

    /// @notice $MESI base units received for `stableAmount` base units of `stablecoin` (rounded down).
    /// Reverts with {Converter_NotListed} if the stablecoin has no rate.
    function quote(address stablecoin, uint256 stableAmount) external view returns (uint256 mesiOut);

    /// @notice Stablecoin base units needed to receive at least `mesiAmount` (rounded up).
    function quoteStableIn(address stablecoin, uint256 mesiAmount) external view returns (uint256 stableIn);

    /// @notice Current rate (0 when not listed).
    function rateOf(address stablecoin) external view returns (uint256);

    /// @notice Current bound on one update, in basis points.
    function maxRateChangeBps() external view returns (uint256);
}
