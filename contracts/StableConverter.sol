// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import { AccessControlDefaultAdminRules } from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import { Math } from "@openzeppelin/contracts/utils/math/Math.sol";
import { SafeCast } from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import { IStableConverter } from "./interfaces/IStableConverter.sol";

/// @title StableConverter
/// @notice Rates of listed stablecoins in $MESI, set by RATE_SETTER_ROLE within a bound per window of time; listing
/// (and listing again after a delist) waits the admin's delay (see {IStableConverter}).
contract StableConverter is IStableConverter, AccessControlDefaultAdminRules {
    /// @dev A stablecoin's rate and the window its updates are bounded in: `windowRate` is the rate at `windowStart`,
    /// and until `windowStart + RATE_WINDOW` every update stays within `maxRateChangeBps` of it (quotes read only the
    /// first slot).
    struct RateState {
        uint256 rate;
        uint256 windowRate;
        uint40 windowStart;
    }

    /// @dev A scheduled listing: the rate it lists at, and when it is due.
    struct Listing {
        uint256 rate;
        uint48 readyAt;
    }

    /// @notice May set and delist rates.
    bytes32 public constant RATE_SETTER_ROLE = keccak256("RATE_SETTER_ROLE");
    /// @notice Rates are $MESI base units per stablecoin base unit, scaled by this.
    uint256 public constant RATE_SCALE = 1e18;
    /// @notice 100 % in basis points.
    uint256 public constant BPS_DENOMINATOR = 10_000;
    /// @notice Default bound on the change within one window: 10 %.
    uint256 public constant DEFAULT_MAX_RATE_CHANGE_BPS = 1000;
    /// @notice The window of time a rate moves at most `maxRateChangeBps` in.
    uint256 public constant RATE_WINDOW = 1 hours;

    mapping(address stablecoin => RateState) private _rates;
    mapping(address stablecoin => Listing) private _listings;
    uint256 private _maxRateChangeBps;

    /// @notice Sets the admin and the default bound (10 % per window).
    /// @param initialDelay Delay of an admin handover and of a listing (0 locally, e.g. 1 day in production).
    /// @param initialAdmin Holder of DEFAULT_ADMIN_ROLE.
    constructor(uint48 initialDelay, address initialAdmin) AccessControlDefaultAdminRules(initialDelay, initialAdmin) {
        _maxRateChangeBps = DEFAULT_MAX_RATE_CHANGE_BPS;
        emit MaxRateChangeUpdated(0, DEFAULT_MAX_RATE_CHANGE_BPS);
    }

    /// @inheritdoc IStableConverter
    function scheduleListing(address stablecoin, uint256 rate) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (rate == 0) revert Converter_RateZero(stablecoin);
        uint48 readyAt = SafeCast.toUint48(block.timestamp + defaultAdminDelay());
        _listings[stablecoin] = Listing({ rate: rate, readyAt: readyAt });
        emit ListingScheduled(stablecoin, rate, readyAt);
    }

    /// @inheritdoc IStableConverter
    function setRate(address stablecoin, uint256 newRate) external onlyRole(RATE_SETTER_ROLE) {
        if (newRate == 0) revert Converter_RateZero(stablecoin);
        RateState storage state = _rates[stablecoin];
        uint256 oldRate = state.rate;
        if (oldRate == 0) {
            // Listing: only at the rate the admin scheduled, once its delay is over.
            Listing memory listing = _listings[stablecoin];
            if (listing.readyAt == 0 || block.timestamp < listing.readyAt || listing.rate != newRate) {
                revert Converter_ListingNotScheduled(stablecoin, listing.rate, listing.readyAt);
            }
            delete _listings[stablecoin];
            state.windowRate = newRate;
            state.windowStart = SafeCast.toUint40(block.timestamp);
        } else {
            uint256 windowRate = state.windowRate;
            if (block.timestamp >= uint256(state.windowStart) + RATE_WINDOW) {
                // A new window starts from the current rate.
                windowRate = oldRate;
                state.windowRate = oldRate;
                state.windowStart = SafeCast.toUint40(block.timestamp);
            }
            uint256 maxChange = Math.mulDiv(windowRate, _maxRateChangeBps, BPS_DENOMINATOR);
            uint256 change = newRate > windowRate ? newRate - windowRate : windowRate - newRate;
            if (change > maxChange) {
                revert Converter_RateChangeTooLarge(stablecoin, windowRate, newRate, _maxRateChangeBps);
            }
        }
        state.rate = newRate;
        emit RateUpdated(stablecoin, oldRate, newRate, msg.sender);
    }

    /// @inheritdoc IStableConverter
    function delist(address stablecoin) external onlyRole(RATE_SETTER_ROLE) {
        uint256 oldRate = _requireListed(stablecoin);
        delete _rates[stablecoin];
        emit StablecoinDelisted(stablecoin, oldRate);
    }

    /// @inheritdoc IStableConverter
    function setMaxRateChangeBps(uint256 bps) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (bps == 0 || bps > BPS_DENOMINATOR) revert Converter_InvalidMaxChange(bps);
        uint256 oldBps = _maxRateChangeBps;
        _maxRateChangeBps = bps;
        emit MaxRateChangeUpdated(oldBps, bps);
    }

    /// @inheritdoc IStableConverter
    function quote(address stablecoin, uint256 stableAmount) external view returns (uint256 mesiOut) {
        mesiOut = Math.mulDiv(stableAmount, _requireListed(stablecoin), RATE_SCALE);
    }

    /// @inheritdoc IStableConverter
    /// @dev Rounded up, so `quote(s, quoteStableIn(s, x)) >= x`. Reverts with {Converter_NotListed} if not listed.
    function quoteStableIn(address stablecoin, uint256 mesiAmount) external view returns (uint256 stableIn) {
        stableIn = Math.mulDiv(mesiAmount, RATE_SCALE, _requireListed(stablecoin), Math.Rounding.Ceil);
    }

    /// @inheritdoc IStableConverter
    function rateOf(address stablecoin) external view returns (uint256) {
        return _rates[stablecoin].rate;
    }

    /// @inheritdoc IStableConverter
    function rateWindowOf(address stablecoin) external view returns (uint256 windowRate, uint256 windowStart) {
        RateState memory state = _rates[stablecoin];
        return (state.windowRate, state.windowStart);
    }

    /// @inheritdoc IStableConverter
    function listingOf(address stablecoin) external view returns (uint256 rate, uint48 readyAt) {
        Listing memory listing = _listings[stablecoin];
        return (listing.rate, listing.readyAt);
    }

    /// @inheritdoc IStableConverter
    function maxRateChangeBps() external view returns (uint256) {
        return _maxRateChangeBps;
    }

    function _requireListed(address stablecoin) private view returns (uint256 rate) {
        rate = _rates[stablecoin].rate;
        if (rate == 0) revert Converter_NotListed(stablecoin);
    }
}
