// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import { Test } from "forge-std/Test.sol";
import { SafeCast } from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import { SubscriptionMath } from "../../../contracts/libraries/SubscriptionMath.sol";

/// @dev External entry points so that reverts happen one call deep.
contract SubscriptionMathHarness {
    function paidExpiry(
        uint64 currentExpiry,
        bool renewsSameTier,
        uint256 nowTimestamp,
        uint16 periods
    ) external pure returns (uint64) {
        return SubscriptionMath.paidExpiry(currentExpiry, renewsSameTier, nowTimestamp, periods);
    }

    function trialExpiry(uint256 nowTimestamp, uint8 trialDays) external pure returns (uint64) {
        return SubscriptionMath.trialExpiry(nowTimestamp, trialDays);
    }
}

contract SubscriptionMathTest is Test {
    uint256 internal constant PERIOD = 30 days;
    SubscriptionMathHarness internal harness = new SubscriptionMathHarness();

    function test_PaidExpiry_ExtendsSameTierFromFutureExpiry() public view {
        assertEq(harness.paidExpiry(1000 + uint64(PERIOD), true, 1000, 2), 1000 + 3 * PERIOD);
    }

    function test_PaidExpiry_StartsNowForOtherTierOrLapsed() public view {
        assertEq(harness.paidExpiry(5000, false, 1000, 1), 1000 + PERIOD);
        assertEq(harness.paidExpiry(999, true, 1000, 1), 1000 + PERIOD);
        assertEq(harness.paidExpiry(1000, true, 1000, 1), 1000 + PERIOD);
    }

    function testFuzz_PaidExpiry(
        uint64 currentExpiry,
        bool renewsSameTier,
        uint256 nowTimestamp,
        uint16 periods
    ) public view {
        nowTimestamp = bound(nowTimestamp, 0, type(uint40).max);
        periods = uint16(bound(periods, 1, 24));
        currentExpiry = uint64(bound(currentExpiry, 0, type(uint40).max));

        uint64 expiry = harness.paidExpiry(currentExpiry, renewsSameTier, nowTimestamp, periods);

        uint256 paidLength = uint256(periods) * PERIOD;
        uint256 start = renewsSameTier && currentExpiry > nowTimestamp ? currentExpiry : nowTimestamp;
        assertEq(expiry, start + paidLength);
        // Paying always buys at least the paid length from now...
        assertGe(expiry, nowTimestamp + paidLength);
        // ...and a renewal of the held tier never loses time already paid for.
        if (renewsSameTier) assertGe(expiry, uint256(currentExpiry) + (currentExpiry > nowTimestamp ? paidLength : 0));
        // Switching tiers never carries the old remainder over.
        if (!renewsSameTier) assertEq(expiry, nowTimestamp + paidLength);
    }

    function testFuzz_PaidExpiry_RevertWhen_BeyondUint64(uint64 currentExpiry, uint16 periods) public {
        periods = uint16(bound(periods, 1, 24));
        uint256 paidLength = uint256(periods) * PERIOD;
        currentExpiry = uint64(bound(currentExpiry, uint256(type(uint64).max) - paidLength + 1, type(uint64).max));
        vm.expectRevert(
            abi.encodeWithSelector(
                SafeCast.SafeCastOverflowedUintDowncast.selector,
                64,
                uint256(currentExpiry) + paidLength
            )
        );
        harness.paidExpiry(currentExpiry, true, 0, periods);
    }

    function testFuzz_TrialExpiry(uint256 nowTimestamp, uint8 trialDays) public view {
        nowTimestamp = bound(nowTimestamp, 0, type(uint40).max);
        assertEq(harness.trialExpiry(nowTimestamp, trialDays), nowTimestamp + uint256(trialDays) * 1 days);
    }
}
