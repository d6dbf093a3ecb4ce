// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import { AccessControlDefaultAdminRules } from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import { Math } from "@openzeppelin/contracts/utils/math/Math.sol";

import { IStableConverter } from "./interfaces/IStableConverter.sol";

/// @title StableConverter
/// @notice Rates of listed stablecoins in $MESI, set by RATE_SETTER_ROLE within a bound per update.
/// @dev The bound protects against a mistyped or compromised single update; it is not a bound over time, and a
/// delisted stablecoin is listed again freely (the first rate of a listing is unbounded).
contract StableConverter is IStableConverter, AccessControlDefaultAdminRules {
    /// @notice May set and delist rates.
    bytes32 public constant RATE_SETTER_ROLE = keccak256("RATE_SETTER_ROLE");
    /// @notice Rates are $MESI base units per stablecoin base unit, scaled by this.
    uint256 public constant RATE_SCALE = 1e18;
    /// @notice 100 % in basis points.
    uint256 public constant BPS_DENOMINATOR = 10_000;
    /// @notice Default bound on one update: 10 %.
    uint256 public constant DEFAULT_MAX_RATE_CHANGE_BPS = 1000;

    mapping(address stablecoin => uint256 rate) private _rates;
    uint256 private _maxRateChangeBps;

    /// @notice Sets the admin and the default bound on one rate update (10 %).
    /// @param initialDelay Delay of an admin handover (0 locally, e.g. 1 day in production).
    /// @param initialAdmin Holder of DEFAULT_ADMIN_ROLE.
    constructor(uint48 initialDelay, address initialAdmin) AccessControlDefaultAdminRules(initialDelay, initialAdmin) {
        _maxRateChangeBps = DEFAULT_MAX_RATE_CHANGE_BPS;
        emit MaxRateChangeUpdated(0, DEFAULT_MAX_RATE_CHANGE_BPS);
    }

    /// @inheritdoc IStableConverter
    function setRate(address stablecoin, uint256 newRate) external onlyRole(RATE_SETTER_ROLE) {
        if (newRate == 0) revert Converter_RateZero(stablecoin);
        uint256 oldRate = _rates[stablecoin];
        if (oldRate != 0) {
            uint256 maxChange = Math.mulDiv(oldRate, _maxRateChangeBps, BPS_DENOMINATOR);
            uint256 change = newRate > oldRate ? newRate - oldRate : oldRate - newRate;
            if (change > maxChange) {
                revert Converter_RateChangeTooLarge(stablecoin, oldRate, newRate, _maxRateChangeBps);
            }
        }
        _rates[stablecoin] = newRate;
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
        return _rates[stablecoin];
    }

    /// @inheritdoc IStableConverter
    function maxRateChangeBps() external view returns (uint256) {
        return _maxRateChangeBps;
    }

    function _requireListed(address stablecoin) private view returns (uint256 rate) {
        rate = _rates[stablecoin];
        if (rate == 0) revert Converter_NotListed(stablecoin);
    }
}
