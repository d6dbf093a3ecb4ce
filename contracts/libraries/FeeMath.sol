// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

/// @title FeeMath
/// @notice Platform fee arithmetic in basis points.
library FeeMath {
    /// @notice 100 % in basis points.
    uint256 internal constant BPS_DENOMINATOR = 10_000;

    /// @notice A fee rate above 100 %.
    error FeeMath_BpsTooHigh(uint256 bps);

    /// @notice `floor(amount * bps / 10_000)`, exact for every uint256 `amount` (no intermediate overflow).
    /// @dev Splits `amount = q * 10_000 + r`: `amount * bps / 10_000 = q * bps + r * bps / 10_000`, and `q * bps`
    /// is an integer, so the floor only applies to the second term.
    /// @param amount Gross amount.
    /// @param bps Fee rate in basis points; reverts {FeeMath_BpsTooHigh} above 10_000.
    /// @return fee The fee, rounded down (in the creator's favour); `fee <= amount`.
    function feeOf(uint256 amount, uint256 bps) internal pure returns (uint256 fee) {
        if (bps > BPS_DENOMINATOR) revert FeeMath_BpsTooHigh(bps);
        // With bps <= 10_000: q * bps <= amount, r * bps < 1e8, and the sum is <= amount * bps / 10_000 <= amount.
        unchecked {
            fee = (amount / BPS_DENOMINATOR) * bps + ((amount % BPS_DENOMINATOR) * bps) / BPS_DENOMINATOR;
        }
    }

    /// @notice Splits a gross amount into the fee and the creator's net part.
    /// @return fee `feeOf(amount, bps)`.
    /// @return net `amount - fee`.
    function split(uint256 amount, uint256 bps) internal pure returns (uint256 fee, uint256 net) {
        fee = feeOf(amount, bps);
        // fee <= amount (see feeOf).
        unchecked {
            net = amount - fee;
        }
    }
}
