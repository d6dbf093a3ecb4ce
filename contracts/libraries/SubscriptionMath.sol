// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import { SafeCast } from "@openzeppelin/contracts/utils/math/SafeCast.sol";

/// @title SubscriptionMath
/// @notice Expiry arithmetic of creator subscriptions.
library SubscriptionMath {
    /// @notice Length of one paid period.
    uint256 internal constant PERIOD = 30 days;

    /// @notice Expiry after paying `periods` periods at `nowTimestamp`.
    /// @param currentExpiry The fan's current expiry (0 if never subscribed).
    /// @param renewsSameTier Whether the payment is for the tier the fan already holds: it then extends from the
    /// current expiry while that lies in the future; otherwise it starts now and any remainder lapses.
    /// @return Expiry as stored; reverts (SafeCast) past uint64, which no realistic sequence of payments reaches.
    function paidExpiry(
        uint64 currentExpiry,
        bool renewsSameTier,
        uint256 nowTimestamp,
        uint16 periods
    ) internal pure returns (uint64) {
        uint256 start = renewsSameTier && currentExpiry > nowTimestamp ? currentExpiry : nowTimestamp;
        return SafeCast.toUint64(start + uint256(periods) * PERIOD);
    }

    /// @notice Expiry of a free trial of `trialDays` days starting at `nowTimestamp`.
    function trialExpiry(uint256 nowTimestamp, uint8 trialDays) internal pure returns (uint64) {
        return SafeCast.toUint64(nowTimestamp + uint256(trialDays) * 1 days);
    }
}
