// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import { Test } from "forge-std/Test.sol";
import { StdInvariant } from "forge-std/StdInvariant.sol";

import { CreatorRegistry } from "../../../contracts/CreatorRegistry.sol";
import { MesiToken } from "../../../contracts/MesiToken.sol";
import { MesiVault } from "../../../contracts/MesiVault.sol";
import { ICreatorRegistry } from "../../../contracts/interfaces/ICreatorRegistry.sol";
import { RegistrySetup } from "./RegistrySetup.sol";

/// @notice Drives subscriptions, renewals, tier switches, price and activity changes, blocks and time.
contract SubscriptionHandler is Test {
    CreatorRegistry internal immutable registry;
    MesiToken internal immutable mesi;
    MesiVault internal immutable vault;
    address internal immutable creator;

    address[] internal fans;
    uint32 internal constant TIERS = 3;

    /// @notice $MESI the fans paid in total (measured from their balances).
    uint256 public ghostPaid;
    /// @notice Successful subscribe calls, and how many were same-tier renewals.
    uint256 public ghostSubscriptions;
    uint256 public ghostRenewals;
    /// @notice Subscribe calls that reverted (blocked fan, inactive tier, ...).
    uint256 public ghostRejected;
    /// @notice Set if a renewal of the held tier ever moved the expiry backwards.
    bool public ghostExpiryDecreased;
    /// @notice Set if a subscription ever ended before now + its paid or trial length.
    bool public ghostExpiryTooShort;

    constructor(
        CreatorRegistry registry_,
        MesiToken mesi_,
        MesiVault vault_,
        address creator_,
        address[] memory fans_
    ) {
        registry = registry_;
        mesi = mesi_;
        vault = vault_;
        creator = creator_;
        fans = fans_;
    }

    function fanCount() external view returns (uint256) {
        return fans.length;
    }

    function fanAt(uint256 i) external view returns (address) {
        return fans[i];
    }

    function subscribe(uint256 fanSeed, uint256 tierSeed, uint256 periodsSeed) external {
        address fan = fans[fanSeed % fans.length];
        uint32 tierId = uint32(bound(tierSeed, 1, TIERS));
        uint16 periods = uint16(bound(periodsSeed, 1, 24));
        ICreatorRegistry.Subscription memory before = registry.subscriptionOf(creator, fan);
        uint256 balanceBefore = mesi.balanceOf(fan);

        vm.prank(fan);
        try registry.subscribe(creator, tierId, periods) {
            ++ghostSubscriptions;
            ghostPaid += balanceBefore - mesi.balanceOf(fan);
            ICreatorRegistry.Subscription memory afterwards = registry.subscriptionOf(creator, fan);
            if (before.tierId == tierId) {
                ++ghostRenewals;
                if (afterwards.expiresAt < before.expiresAt) ghostExpiryDecreased = true;
            }
            // Every subscription lasts at least one trial day (a paid one at least a period) from now.
            if (afterwards.expiresAt < block.timestamp + 1 days) ghostExpiryTooShort = true;
        } catch {
            ++ghostRejected;
        }
    }

    function updateTier(uint256 tierSeed, uint256 price, bool active) external {
        uint32 tierId = uint32(bound(tierSeed, 1, TIERS));
        price = bound(price, 1, 50e18);
        vm.prank(creator);
        registry.updateTier(tierId, price, active);
    }

    function toggleBlock(uint256 fanSeed) external {
        address fan = fans[fanSeed % fans.length];
        vm.prank(creator);
        if (vault.isBlocked(creator, fan)) vault.unblockFan(fan);
        else vault.blockFan(fan);
    }

    function warp(uint256 seconds_) external {
        vm.warp(block.timestamp + bound(seconds_, 0, 120 days));
    }
}

/// @notice Invariants of subscriptions (see test/contracts/invariant/README.md).
contract CreatorRegistryInvariantTest is StdInvariant, RegistrySetup {
    SubscriptionHandler internal handler;

    function setUp() public override {
        super.setUp();
        _createTier(1e18, 1, 7); // Bronze, 7-day trial
        _createTier(3e18, 2, 0); // Silver
        _createTier(10e18, 3, 1); // Gold, 1-day trial
        address[] memory fans = new address[](4);
        for (uint256 i; i < fans.length; ++i) {
            fans[i] = makeAddr(string.concat("fan", vm.toString(i)));
            _fund(fans[i], 1_000_000e18);
        }
        handler = new SubscriptionHandler(registry, mesi, vault, creator, fans);
        targetContract(address(handler));
    }

    function invariant_RenewalNeverDecreasesExpiry() public view {
        assertFalse(handler.ghostExpiryDecreased());
    }

    function invariant_SubscriptionLastsAtLeastItsLength() public view {
        assertFalse(handler.ghostExpiryTooShort());
    }

    function invariant_VaultHoldsExactlyWhatFansPaid() public view {
        assertEq(mesi.balanceOf(address(vault)), handler.ghostPaid());
        // The vault's conservation law, with the parts subscriptions never touch at zero.
        assertEq(vault.feePool() + vault.floatBalance() + vault.escrowed(), 0);
        (uint256 cleared, uint256 pending, uint256 feesOwed) = vault.earningsOf(creator);
        assertEq(cleared + pending + feesOwed, handler.ghostPaid());
        assertEq(pending, 0);
    }

    function invariant_SubscriptionMatchesItsTier() public view {
        for (uint256 i; i < handler.fanCount(); ++i) {
            address fan = handler.fanAt(i);
            ICreatorRegistry.Subscription memory s = registry.subscriptionOf(creator, fan);
            if (s.tierId == 0) {
                assertEq(s.expiresAt, 0);
                assertFalse(registry.isSubscribed(creator, fan, 0));
                continue;
            }
            assertEq(s.rank, registry.tierOf(creator, s.tierId).rank);
            assertEq(registry.isSubscribed(creator, fan, s.rank), s.expiresAt > block.timestamp);
            assertFalse(registry.isSubscribed(creator, fan, s.rank + 1));
        }
    }
}
