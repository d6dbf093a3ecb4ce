// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import { ICreatorRegistry } from "../../../contracts/interfaces/ICreatorRegistry.sol";
import { IMesiVault } from "../../../contracts/interfaces/IMesiVault.sol";
import { RegistrySetup } from "./RegistrySetup.sol";

/// @notice Fuzz tests of the registry's value-dependent paths against the real vault and token.
contract CreatorRegistryTest is RegistrySetup {
    function test_SubscribePaid() public {
        uint32 tierId = _createTier(10e18, 2, 0);
        _fund(fan, 100e18);
        _subscribe(fan, tierId, 3);
        ICreatorRegistry.Subscription memory s = registry.subscriptionOf(creator, fan);
        assertEq(s.tierId, tierId);
        assertEq(s.rank, 2);
        assertEq(s.expiresAt, block.timestamp + 3 * PERIOD);
        assertEq(mesi.balanceOf(fan), 70e18);
    }

    function test_SubscribeTrial() public {
        uint32 tierId = _createTier(10e18, 1, 7);
        _subscribe(fan, tierId, 1);
        assertEq(registry.subscriptionOf(creator, fan).expiresAt, block.timestamp + 7 days);
    }

    // ───────────────────────── Unit: every revert path and view (mirrors the TypeScript suite) ─────────────────────────

    function test_RevertWhen_AlreadyRegistered() public {
        vm.expectRevert(abi.encodeWithSelector(ICreatorRegistry.Registry_AlreadyRegistered.selector, creator));
        vm.prank(creator);
        registry.register("ipfs://again");
    }

    function test_RevertWhen_ProfileEmpty() public {
        vm.expectRevert(ICreatorRegistry.Registry_EmptyProfile.selector);
        vm.prank(fan);
        registry.register("");
        vm.expectRevert(ICreatorRegistry.Registry_EmptyProfile.selector);
        vm.prank(creator);
        registry.updateProfile("");
    }

    function test_UpdateProfile() public {
        vm.expectEmit(address(registry));
        emit ICreatorRegistry.ProfileUpdated(creator, "ipfs://v2");
        vm.prank(creator);
        registry.updateProfile("ipfs://v2");
        assertTrue(registry.isRegistered(creator));
        assertFalse(registry.isRegistered(fan));
    }

    function test_RevertWhen_NotRegistered() public {
        vm.expectRevert(abi.encodeWithSelector(ICreatorRegistry.Registry_NotRegistered.selector, fan));
        vm.prank(fan);
        registry.updateProfile("x");
    }

    function test_FollowAndUnfollow() public {
        vm.expectEmit(address(registry));
        emit ICreatorRegistry.Followed(fan, creator);
        vm.prank(fan);
        registry.follow(creator);
        assertTrue(registry.isFollowing(fan, creator));

        vm.expectEmit(address(registry));
        emit ICreatorRegistry.Unfollowed(fan, creator);
        vm.prank(fan);
        registry.unfollow(creator);
        assertFalse(registry.isFollowing(fan, creator));
    }

    function test_RevertWhen_FollowInvalid() public {
        vm.expectRevert(abi.encodeWithSelector(ICreatorRegistry.Registry_NotRegistered.selector, fan));
        vm.prank(creator);
        registry.follow(fan);

        vm.expectRevert(abi.encodeWithSelector(ICreatorRegistry.Registry_SelfFollow.selector, creator));
        vm.prank(creator);
        registry.follow(creator);

        vm.prank(fan);
        registry.follow(creator);
        vm.expectRevert(abi.encodeWithSelector(ICreatorRegistry.Registry_AlreadyFollowing.selector, fan, creator));
        vm.prank(fan);
        registry.follow(creator);

        address blocked = makeAddr("blocked");
        vm.prank(creator);
        vault.blockFan(blocked);
        vm.expectRevert(abi.encodeWithSelector(ICreatorRegistry.Registry_Blocked.selector, creator, blocked));
        vm.prank(blocked);
        registry.follow(creator);
    }

    function test_RevertWhen_UnfollowNotFollowing() public {
        vm.expectRevert(abi.encodeWithSelector(ICreatorRegistry.Registry_NotFollowing.selector, fan, creator));
        vm.prank(fan);
        registry.unfollow(creator);
    }

    function test_RevertWhen_TierInvalid() public {
        vm.startPrank(creator);
        vm.expectRevert(abi.encodeWithSelector(ICreatorRegistry.Registry_InvalidPrice.selector, 0));
        registry.createTier(0, 1, 0, "");
        vm.expectRevert(abi.encodeWithSelector(ICreatorRegistry.Registry_InvalidRank.selector, 0));
        registry.createTier(1, 0, 0, "");
        vm.expectRevert(abi.encodeWithSelector(ICreatorRegistry.Registry_TrialTooLong.selector, 8, 7));
        registry.createTier(1, 1, 8, "");
        vm.expectRevert(abi.encodeWithSelector(ICreatorRegistry.Registry_InvalidTier.selector, creator, 0));
        registry.updateTier(0, 1, true);
        vm.expectRevert(abi.encodeWithSelector(ICreatorRegistry.Registry_InvalidTier.selector, creator, 1));
        registry.updateTier(1, 1, true);
        vm.stopPrank();
    }

    function test_RevertWhen_SubscribeInvalid() public {
        uint32 tierId = _createTier(1e18, 1, 0);
        uint32 trialTier = _createTier(1e18, 1, 2);
        vm.expectRevert(abi.encodeWithSelector(ICreatorRegistry.Registry_InvalidTier.selector, creator, 3));
        _subscribe(fan, 3, 1);

        vm.expectRevert(abi.encodeWithSelector(IMesiVault.Vault_SelfPayment.selector, creator));
        _subscribe(creator, tierId, 1);

        vm.prank(creator);
        registry.updateTier(tierId, 1e18, false);
        vm.expectRevert(abi.encodeWithSelector(ICreatorRegistry.Registry_TierInactive.selector, creator, tierId));
        _subscribe(fan, tierId, 1);

        vm.prank(creator);
        vault.blockFan(fan);
        vm.expectRevert(abi.encodeWithSelector(IMesiVault.Vault_Blocked.selector, creator, fan));
        _subscribe(fan, trialTier, 1);

        vault.pause();
        vm.expectRevert(IMesiVault.Vault_Paused.selector);
        _subscribe(makeAddr("someone"), trialTier, 1);
    }

    function test_Streams() public {
        ICreatorRegistry.StreamRules memory rules;
        vm.prank(creator);
        uint256 streamId = registry.createStream(rules, "ipfs://s");
        assertEq(registry.streamCount(), 1);

        rules.isPrivate = true;
        rules.kyfLevel = 2;
        vm.expectEmit(address(registry));
        emit ICreatorRegistry.StreamRulesUpdated(streamId, creator, rules);
        vm.prank(creator);
        registry.updateStreamRules(streamId, rules);
        assertEq(registry.streamOf(streamId).rules.kyfLevel, 2);
    }

    function test_RevertWhen_StreamInvalid() public {
        ICreatorRegistry.StreamRules memory rules;
        vm.prank(creator);
        uint256 streamId = registry.createStream(rules, "");

        vm.expectRevert(abi.encodeWithSelector(ICreatorRegistry.Registry_UnknownStream.selector, 2));
        vm.prank(creator);
        registry.setLive(2, true);

        vm.expectRevert(abi.encodeWithSelector(ICreatorRegistry.Registry_NotStreamCreator.selector, streamId, fan));
        vm.prank(fan);
        registry.updateStreamRules(streamId, rules);

        rules.kyfLevel = 4;
        vm.expectRevert(abi.encodeWithSelector(ICreatorRegistry.Registry_InvalidKyfLevel.selector, 4));
        vm.prank(creator);
        registry.updateStreamRules(streamId, rules);
    }

    // ───────────────────────────────────────── Fuzz ─────────────────────────────────────────

    function testFuzz_CreateTier_StoresAnyPriceUpToUint128(uint256 price, uint8 rank, uint8 trialDays) public {
        price = bound(price, 1, type(uint128).max);
        rank = uint8(bound(rank, 1, type(uint8).max));
        trialDays = uint8(bound(trialDays, 0, 7));

        uint32 tierId = _createTier(price, rank, trialDays);

        ICreatorRegistry.Tier memory tier = registry.tierOf(creator, tierId);
        assertEq(tier.pricePer30Days, price);
        assertEq(tier.rank, rank);
        assertEq(tier.trialDays, trialDays);
        assertTrue(tier.active);
        assertEq(registry.tierCount(creator), tierId);
    }

    function testFuzz_RevertWhen_PriceAboveUint128(uint256 price) public {
        price = bound(price, uint256(type(uint128).max) + 1, type(uint256).max);
        vm.expectRevert(abi.encodeWithSelector(ICreatorRegistry.Registry_InvalidPrice.selector, price));
        _createTier(price, 1, 0);
    }

    function testFuzz_UpdateTier_PriceRoundTrips(uint256 price, bool active) public {
        uint32 tierId = _createTier(1, 1, 0);
        price = bound(price, 1, type(uint128).max);
        vm.prank(creator);
        registry.updateTier(tierId, price, active);
        ICreatorRegistry.Tier memory tier = registry.tierOf(creator, tierId);
        assertEq(tier.pricePer30Days, price);
        assertEq(tier.active, active);
    }

    function testFuzz_Subscribe_ChargesPriceTimesPeriods(uint256 price, uint16 periods) public {
        periods = uint16(bound(periods, 1, 24));
        price = bound(price, 1, SUPPLY / periods);
        uint32 tierId = _createTier(price, 1, 0);
        _fund(fan, SUPPLY);
        uint256 paid = price * periods;

        vm.expectEmit(address(registry));
        emit ICreatorRegistry.Subscribed(
            fan,
            creator,
            tierId,
            1,
            periods,
            paid,
            _feeOf(paid),
            false,
            uint64(block.timestamp + periods * PERIOD)
        );
        _subscribe(fan, tierId, periods);

        assertEq(mesi.balanceOf(fan), SUPPLY - paid);
        assertEq(mesi.balanceOf(address(vault)), paid);
        (uint256 cleared, uint256 pending, uint256 feesOwed) = vault.earningsOf(creator);
        assertEq(feesOwed, _feeOf(paid));
        assertEq(cleared, paid - _feeOf(paid));
        assertEq(pending, 0);
        assertEq(registry.subscriptionOf(creator, fan).expiresAt, block.timestamp + periods * PERIOD);
    }

    function testFuzz_Subscribe_RenewalExpiry(uint16 first, uint16 second, uint256 gap, bool sameTier) public {
        first = uint16(bound(first, 1, 24));
        second = uint16(bound(second, 1, 24));
        gap = bound(gap, 0, 3 * 24 * PERIOD);
        uint32 tierA = _createTier(1e18, 1, 0);
        uint32 tierB = _createTier(2e18, 2, 0);
        _fund(fan, 1000e18);

        _subscribe(fan, tierA, first);
        uint64 firstExpiry = registry.subscriptionOf(creator, fan).expiresAt;
        assertEq(firstExpiry, block.timestamp + uint256(first) * PERIOD);

        vm.warp(block.timestamp + gap);
        uint32 secondTier = sameTier ? tierA : tierB;
        _subscribe(fan, secondTier, second);

        uint256 start = sameTier && firstExpiry > block.timestamp ? firstExpiry : block.timestamp;
        ICreatorRegistry.Subscription memory s = registry.subscriptionOf(creator, fan);
        assertEq(s.expiresAt, start + uint256(second) * PERIOD);
        assertEq(s.tierId, secondTier);
        assertEq(s.rank, sameTier ? 1 : 2);
        if (sameTier) assertGe(s.expiresAt, firstExpiry);
        assertEq(mesi.balanceOf(fan), 1000e18 - uint256(first) * 1e18 - uint256(second) * (sameTier ? 1e18 : 2e18));
    }

    function testFuzz_Subscribe_RepeatedRenewalsAccumulate(uint8 renewals, uint256 seed) public {
        renewals = uint8(bound(renewals, 1, 20));
        uint32 tierId = _createTier(1e18, 1, 0);
        _fund(fan, SUPPLY);
        uint256 expected = block.timestamp;
        for (uint256 i; i < renewals; ++i) {
            uint16 periods = uint16(bound(uint256(keccak256(abi.encode(seed, i))), 1, 24));
            // Renew before expiry: time moves less than a period.
            vm.warp(block.timestamp + (uint256(keccak256(abi.encode(seed, i, "warp"))) % PERIOD));
            if (expected < block.timestamp) expected = block.timestamp;
            expected += periods * PERIOD;
            _subscribe(fan, tierId, periods);
            assertEq(registry.subscriptionOf(creator, fan).expiresAt, expected);
        }
    }

    function testFuzz_Subscribe_Trial(uint8 trialDays, uint16 periods, uint256 start) public {
        trialDays = uint8(bound(trialDays, 1, 7));
        periods = uint16(bound(periods, 1, 24));
        start = bound(start, block.timestamp, type(uint40).max);
        vm.warp(start);
        uint32 tierId = _createTier(5e18, 3, trialDays);

        vm.expectEmit(address(registry));
        emit ICreatorRegistry.Subscribed(
            fan,
            creator,
            tierId,
            3,
            0,
            0,
            0,
            true,
            uint64(start + uint256(trialDays) * 1 days)
        );
        _subscribe(fan, tierId, periods);

        assertEq(registry.subscriptionOf(creator, fan).expiresAt, start + uint256(trialDays) * 1 days);
        assertEq(mesi.balanceOf(address(vault)), 0);
        assertTrue(registry.isSubscribed(creator, fan, 3));
        vm.warp(start + uint256(trialDays) * 1 days);
        assertFalse(registry.isSubscribed(creator, fan, 0));
    }

    function testFuzz_RevertWhen_PeriodsOutOfRange(uint16 periods) public {
        vm.assume(periods == 0 || periods > 24);
        uint32 tierId = _createTier(1e18, 1, 0);
        _fund(fan, 1000e18);
        vm.expectRevert(abi.encodeWithSelector(ICreatorRegistry.Registry_InvalidPeriods.selector, periods));
        _subscribe(fan, tierId, periods);
    }

    function testFuzz_IsSubscribed(uint8 rank, uint8 minRank, uint256 elapsed) public {
        rank = uint8(bound(rank, 1, type(uint8).max));
        elapsed = bound(elapsed, 0, 2 * PERIOD);
        uint32 tierId = _createTier(1e18, rank, 0);
        _fund(fan, 1e18);
        _subscribe(fan, tierId, 1);
        uint256 expiresAt = block.timestamp + PERIOD;
        vm.warp(block.timestamp + elapsed);
        assertEq(registry.isSubscribed(creator, fan, minRank), block.timestamp < expiresAt && rank >= minRank);
    }

    function testFuzz_Stream_RulesRoundTrip(ICreatorRegistry.StreamRules memory rules, bool live) public {
        rules.kyfLevel = uint8(bound(rules.kyfLevel, 0, 3));
        vm.startPrank(creator);
        uint256 streamId = registry.createStream(rules, "");
        registry.setLive(streamId, live);
        vm.stopPrank();

        ICreatorRegistry.Stream memory stream = registry.streamOf(streamId);
        assertEq(stream.creator, creator);
        assertEq(stream.live, live);
        assertEq(keccak256(abi.encode(stream.rules)), keccak256(abi.encode(rules)));
        assertEq(registry.streamCreator(streamId), creator);
    }

    function testFuzz_RevertWhen_KyfLevelAboveThree(uint8 kyfLevel) public {
        kyfLevel = uint8(bound(kyfLevel, 4, type(uint8).max));
        ICreatorRegistry.StreamRules memory rules;
        rules.kyfLevel = kyfLevel;
        vm.expectRevert(abi.encodeWithSelector(ICreatorRegistry.Registry_InvalidKyfLevel.selector, kyfLevel));
        vm.prank(creator);
        registry.createStream(rules, "");
    }
}
