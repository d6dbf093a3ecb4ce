// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import { Test } from "forge-std/Test.sol";
import { Math } from "@openzeppelin/contracts/utils/math/Math.sol";

import { StableConverter } from "../../../contracts/StableConverter.sol";
import { IStableConverter } from "../../../contracts/interfaces/IStableConverter.sol";

contract StableConverterTest is Test {
    StableConverter internal converter;
    address internal constant USDC = address(0x05DC);
    address internal admin = makeAddr("admin");
    address internal setter = makeAddr("setter");

    function setUp() public {
        converter = new StableConverter(0, admin);
        bytes32 role = converter.RATE_SETTER_ROLE();
        vm.prank(admin);
        converter.grantRole(role, setter);
    }

    function _list(uint256 rate) internal {
        vm.prank(setter);
        converter.setRate(USDC, rate);
    }

    function test_Quote_UsdcAtOneCent() public {
        _list(1e32);
        assertEq(converter.quote(USDC, 1e6), 100e18);
        assertEq(converter.quoteStableIn(USDC, 100e18), 1e6);
    }

    function test_RevertWhen_QuoteNotListed() public {
        vm.expectRevert(abi.encodeWithSelector(IStableConverter.Converter_NotListed.selector, USDC));
        converter.quote(USDC, 1);
    }

    function test_RevertWhen_RateChangeTooLarge() public {
        _list(1000);
        vm.expectRevert(
            abi.encodeWithSelector(IStableConverter.Converter_RateChangeTooLarge.selector, USDC, 1000, 1101, 1000)
        );
        vm.prank(setter);
        converter.setRate(USDC, 1101);
    }

    /// @notice quote rounds down: it never gives more than the exact conversion.
    function testFuzz_Quote_RoundsDown(uint256 rate, uint256 stableAmount) public {
        rate = bound(rate, 1, 1e40);
        stableAmount = bound(stableAmount, 0, 1e30);
        _list(rate);
        uint256 out = converter.quote(USDC, stableAmount);
        assertEq(out, Math.mulDiv(stableAmount, rate, 1e18));
        assertLe(out * 1e18, stableAmount * rate);
    }

    /// @notice quoteStableIn rounds up, minimally: quote(stableIn) >= x and quote(stableIn - 1) < x.
    function testFuzz_QuoteStableIn_RoundTrip(uint256 rate, uint256 mesiAmount) public {
        rate = bound(rate, 1, 1e40);
        mesiAmount = bound(mesiAmount, 0, 100_000_000_000e18);
        _list(rate);
        uint256 stableIn = converter.quoteStableIn(USDC, mesiAmount);
        assertGe(converter.quote(USDC, stableIn), mesiAmount, "enough");
        if (stableIn > 0) assertLt(converter.quote(USDC, stableIn - 1), mesiAmount, "minimal");
    }

    /// @notice Any update within the bound is accepted and any beyond it is rejected.
    function testFuzz_SetRate_Bounded(uint256 oldRate, uint256 newRate, uint256 maxBps) public {
        oldRate = bound(oldRate, 1, 1e40);
        newRate = bound(newRate, 1, 1e41);
        maxBps = bound(maxBps, 1, 10_000);
        vm.prank(admin);
        converter.setMaxRateChangeBps(maxBps);
        _list(oldRate);
        uint256 change = newRate > oldRate ? newRate - oldRate : oldRate - newRate;
        bool allowed = change <= Math.mulDiv(oldRate, maxBps, 10_000);
        if (!allowed) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IStableConverter.Converter_RateChangeTooLarge.selector,
                    USDC,
                    oldRate,
                    newRate,
                    maxBps
                )
            );
        }
        vm.prank(setter);
        converter.setRate(USDC, newRate);
        assertEq(converter.rateOf(USDC), allowed ? newRate : oldRate);
    }
}
