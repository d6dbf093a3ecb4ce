// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import { Test } from "forge-std/Test.sol";
import { Math } from "@openzeppelin/contracts/utils/math/Math.sol";

import { FeeMath } from "../../../contracts/libraries/FeeMath.sol";

/// @dev Calls the library through an external frame so that its reverts can be expected.
contract FeeMathHarness {
    function feeOf(uint256 amount, uint256 bps) external pure returns (uint256) {
        return FeeMath.feeOf(amount, bps);
    }
}

contract FeeMathTest is Test {
    uint256 internal constant SUPPLY = 100_000_000_000e18;
    FeeMathHarness internal harness;

    function setUp() public {
        harness = new FeeMathHarness();
    }

    function test_FeeOf_TenPercent() public pure {
        assertEq(FeeMath.feeOf(100e18, 1000), 10e18);
        assertEq(FeeMath.feeOf(19_999, 1000), 1_999);
        assertEq(FeeMath.feeOf(9, 1000), 0);
        assertEq(FeeMath.feeOf(SUPPLY, 2000), SUPPLY / 5);
    }

    function test_FeeOf_WholeRangeWithoutOverflow() public pure {
        assertEq(FeeMath.feeOf(type(uint256).max, 10_000), type(uint256).max);
        assertEq(FeeMath.feeOf(type(uint256).max, 0), 0);
        assertEq(FeeMath.feeOf(type(uint256).max, 1000), Math.mulDiv(type(uint256).max, 1000, 10_000));
    }

    function test_RevertWhen_BpsAboveDenominator() public {
        vm.expectRevert(abi.encodeWithSelector(FeeMath.FeeMath_BpsTooHigh.selector, 10_001));
        harness.feeOf(1, 10_001);
    }

    /// forge-config: default.fuzz.runs = 1024
    function testFuzz_FeeOf_EqualsFloorOfProduct(uint256 amount, uint256 bps) public pure {
        bps = bound(bps, 0, 10_000);
        uint256 fee = FeeMath.feeOf(amount, bps);
        assertEq(fee, Math.mulDiv(amount, bps, 10_000), "floor(amount * bps / 1e4)");
        assertLe(fee, amount, "fee <= amount");
    }

    function testFuzz_Split_SumsToAmount_UpToSupply(uint256 amount, uint256 bps) public pure {
        amount = bound(amount, 0, SUPPLY);
        bps = bound(bps, 0, 2000);
        (uint256 fee, uint256 net) = FeeMath.split(amount, bps);
        assertEq(fee + net, amount);
        assertEq(fee, (amount * bps) / 10_000);
        // Rounding favours the creator: the fee is never more than the exact share.
        assertLe(fee * 10_000, amount * bps);
        assertGt((fee + 1) * 10_000, amount * bps);
    }
}
