// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import { Test } from "forge-std/Test.sol";
import { StdInvariant } from "forge-std/StdInvariant.sol";

import { CreatorRegistry } from "../../../contracts/CreatorRegistry.sol";
import { MesiToken } from "../../../contracts/MesiToken.sol";
import { MesiVault } from "../../../contracts/MesiVault.sol";
import { ICreatorRegistry } from "../../../contracts/interfaces/ICreatorRegistry.sol";
import { IMesiVault } from "../../../contracts/interfaces/IMesiVault.sol";
import { RegistrySetup } from "./RegistrySetup.sol";

/// @notice Drives subscriptions, renewals, tier switches, price and activity changes, blocks and time.
/// @dev Bounded: a subscription picks an active tier and a fan who is not blocked, so that it must succeed; a blocked
/// fan's and an inactive tier's subscriptions are attempted on purpose and must be refused. The handler keeps its own
/// model of every fan's subscription (tier, rank, expiry), computed from the product's rules — a first subscription to
/// a tier with a trial is free for its trial days; otherwise `periods` × 30 days are paid at the tier's price, from the
/// current expiry when renewing the tier still held, from now otherwise — never read back from the registry.
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
    /// @notice The model: each fan's tier, rank and expiry as the rules say they must be.
    mapping(address fan => ICreatorRegistry.Subscription) internal _model;
    /// @notice Set if a subscription charged other than price × periods (or anything for a trial).
    bool public ghostWrongCharge;
    /// @notice Subscriptions that went through although they had to be refused (must stay 0).
    uint256 public wronglyAccepted;
    /// @notice How often each path was taken in this run.
    uint256 public reachedTrials;
    uint256 public reachedFirstPaid;
    uint256 public reachedRenewalsActive;
    uint256 public reachedRenewalsLapsed;
    uint256 public reachedTierSwitches;
    uint256 public refusedBlocked;
    uint256 public refusedInactive;
    uint256 public calls;
    uint256 public idle;

    modifier counted() {
        ++calls;
        _;
    }

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

    function modelOf(address fan) external view returns (ICreatorRegistry.Subscription memory) {
        return _model[fan];
    }

    /// @dev An active tier (the first from a random start) and an unblocked fan: the subscription must succeed.
    /// A fan's first subscription is steered so that every run reaches both kinds whatever the seeds: fans 0 and 2
    /// start on a tier with a trial (Bronze or Gold), fan 1 on Silver, which has none (a first paid subscription),
    /// each re-activated first if it was paused; fan 3 starts wherever the seed lands.
    function subscribe(uint256 fanSeed, uint256 tierSeed, uint256 periodsSeed) external counted {
        uint256 index = fanSeed % fans.length;
        address fan = fans[index];
        if (vault.isBlocked(creator, fan)) return _idle();
        uint256 first = tierSeed % TIERS;
        if (_model[fan].tierId == 0 && index != 3) first = _activate(_firstTier(index, tierSeed)) - 1;
        uint32 tierId;
        for (uint32 k; k < TIERS; ++k) {
            uint32 candidate = uint32((first + k) % TIERS) + 1;
            if (registry.tierOf(creator, candidate).active) {
                tierId = candidate;
                break;
            }
        }
        if (tierId == 0) return _idle();
        // Mostly short (so that subscriptions lapse between calls), up to the 24-period maximum one time in four.
        _subscribe(fan, tierId, uint16(bound(periodsSeed, 1, periodsSeed % 4 == 0 ? 24 : 2)));
    }

    /// @dev Pays again for the tier a fan holds while it still runs, so that a renewal extending from the current
    /// expiry is reached on every call by construction, not by the chance of a subscribe landing before a lapse: a
    /// blocked fan is unblocked, the tier re-activated if paused, and a fan who never subscribed (on the tier
    /// `subscribe` would steer them to) or whose subscription lapsed subscribes to it first. One or two periods,
    /// so that subscriptions still lapse under `warp`.
    function renewWhileActive(uint256 fanSeed, uint256 periodsSeed) external counted {
        uint256 index = fanSeed % fans.length;
        address fan = fans[index];
        if (vault.isBlocked(creator, fan)) {
            vm.prank(creator);
            vault.unblockFan(fan);
        }
        ICreatorRegistry.Subscription memory held = _model[fan];
        uint32 tierId = _activate(held.tierId == 0 ? _firstTier(index, periodsSeed) : held.tierId);
        uint16 periods = uint16(bound(periodsSeed, 1, 2));
        if (held.expiresAt <= block.timestamp) _subscribe(fan, tierId, periods);
        _subscribe(fan, tierId, periods);
    }

    /// @dev The tier a fan's first subscription is steered to: a trial tier for fans 0 and 2, Silver otherwise.
    function _firstTier(uint256 index, uint256 seed) private pure returns (uint32) {
        if (index % 2 == 1) return 2;
        return seed % 2 == 0 ? 1 : 3;
    }

    /// @dev Re-activates `tierId` (at its price) if it was paused, and returns it.
    function _activate(uint32 tierId) private returns (uint32) {
        ICreatorRegistry.Tier memory tier = registry.tierOf(creator, tierId);
        if (!tier.active) {
            vm.prank(creator);
            registry.updateTier(tierId, tier.pricePer30Days, true);
        }
        return tierId;
    }

    /// @dev Subscribes `fan` (unblocked, `tierId` active), which must succeed, and checks it against the model.
    function _subscribe(address fan, uint32 tierId, uint16 periods) private {
        ICreatorRegistry.Subscription memory before = registry.subscriptionOf(creator, fan);
        ICreatorRegistry.Tier memory tier = registry.tierOf(creator, tierId);
        uint256 balanceBefore = mesi.balanceOf(fan);

        vm.prank(fan);
        registry.subscribe(creator, tierId, periods);
        ++ghostSubscriptions;
        uint256 charged = balanceBefore - mesi.balanceOf(fan);
        ghostPaid += charged;
        _apply(fan, tierId, tier, periods, charged);
        ICreatorRegistry.Subscription memory afterwards = registry.subscriptionOf(creator, fan);
        if (before.tierId == tierId) {
            ++ghostRenewals;
            if (afterwards.expiresAt < before.expiresAt) ghostExpiryDecreased = true;
        }
        // Every subscription lasts at least one trial day (a paid one at least a period) from now.
        if (afterwards.expiresAt < block.timestamp + 1 days) ghostExpiryTooShort = true;
    }

    /// @dev A blocked fan (blocked first if needed) or an inactive tier (deactivated first if needed): refused with
    /// the error that names it, and nothing moves.
    function subscribeRefused(uint256 fanSeed, uint256 tierSeed, bool blocked) external counted {
        address fan = fans[fanSeed % fans.length];
        uint32 tierId = uint32(bound(tierSeed, 1, TIERS));
        ICreatorRegistry.Tier memory tier = registry.tierOf(creator, tierId);
        bytes memory expected;
        if (blocked) {
            if (!vault.isBlocked(creator, fan)) {
                vm.prank(creator);
                vault.blockFan(fan);
            }
            if (!tier.active) return _idle();
            expected = abi.encodeWithSelector(IMesiVault.Vault_Blocked.selector, creator, fan);
        } else {
            if (tier.active) {
                vm.prank(creator);
                registry.updateTier(tierId, tier.pricePer30Days, false);
            }
            expected = abi.encodeWithSelector(ICreatorRegistry.Registry_TierInactive.selector, creator, tierId);
        }
        // A blocked fan's trial is refused by the registry, a paid subscription by the vault: the same error.
        vm.prank(fan);
        try registry.subscribe(creator, tierId, 1) {
            ++wronglyAccepted;
        } catch (bytes memory reason) {
            assertEq(reason, expected);
            if (blocked) ++refusedBlocked;
            else ++refusedInactive;
        }
    }

    function _apply(
        address fan,
        uint32 tierId,
        ICreatorRegistry.Tier memory tier,
        uint16 periods,
        uint256 charged
    ) private {
        ICreatorRegistry.Subscription memory m = _model[fan];
        if (m.tierId == 0 && tier.trialDays != 0) {
            ++reachedTrials;
            if (charged != 0) ghostWrongCharge = true;
            _model[fan] = ICreatorRegistry.Subscription(
                tierId,
                tier.rank,
                uint64(block.timestamp + tier.trialDays * 1 days)
            );
            return;
        }
        if (charged != uint256(tier.pricePer30Days) * periods) ghostWrongCharge = true;
        uint256 start = block.timestamp;
        if (m.tierId == 0) ++reachedFirstPaid;
        else if (m.tierId != tierId) ++reachedTierSwitches;
        else if (m.expiresAt > block.timestamp) {
            ++reachedRenewalsActive;
            start = m.expiresAt;
        } else {
            ++reachedRenewalsLapsed;
        }
        _model[fan] = ICreatorRegistry.Subscription(tierId, tier.rank, uint64(start + uint256(periods) * 30 days));
    }

    function _idle() private {
        ++idle;
    }

    /// @dev Re-prices a tier; deactivates one time in four (an inactive tier is re-activated by the next update).
    function updateTier(uint256 tierSeed, uint256 price, bool active) external counted {
        uint32 tierId = uint32(bound(tierSeed, 1, TIERS));
        price = bound(price, 1, 50e18);
        active = active || price % 4 != 0;
        vm.prank(creator);
        registry.updateTier(tierId, price, active);
    }

    /// @dev Unblocks a blocked fan; blocks one time in three.
    function toggleBlock(uint256 fanSeed) external counted {
        address fan = fans[fanSeed % fans.length];
        bool blocked = vault.isBlocked(creator, fan);
        if (!blocked && fanSeed % 3 != 0) return _idle();
        vm.prank(creator);
        if (blocked) vault.unblockFan(fan);
        else vault.blockFan(fan);
    }

    /// @dev Up to 60 days a step, so that subscriptions both lapse and are renewed while active.
    function warp(uint256 seconds_) external counted {
        vm.warp(block.timestamp + bound(seconds_, 0, 60 days));
    }
}

/// @notice Invariants of subscriptions (see test/contracts/invariant/README.md).
contract CreatorRegistryInvariantTest is StdInvariant, RegistrySetup {
    /// @dev Written by afterInvariant, read by scripts/test-contracts.ts (hardhat.config.ts allows this one file).
    string internal constant INVARIANT_DEPTH_LOG = "cache/invariant-depth.log";
    /// @dev What every run of 500 calls must reach (about 60 % of the least a run reached when these were set).
    /// Four fans: each starts once, with a trial (fans 0 and 2 by construction) or paid (fan 1 by construction).
    uint256 internal constant MIN_TRIALS = 1;
    uint256 internal constant MIN_FIRST_PAID = 1;
    uint256 internal constant MIN_FIRST_SUBSCRIPTIONS = 3;
    /// Every renewWhileActive call reaches one.
    uint256 internal constant MIN_RENEWALS_ACTIVE = 3;
    uint256 internal constant MIN_RENEWALS_LAPSED = 1;
    uint256 internal constant MIN_RENEWALS = 8;
    uint256 internal constant MIN_TIER_SWITCHES = 10;
    uint256 internal constant MIN_REFUSED_BLOCKED = 10;
    uint256 internal constant MIN_REFUSED_INACTIVE = 10;

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

    /// forge-config: default.invariant.runs = 4
    /// forge-config: default.invariant.depth = 500
    function invariant_RenewalNeverDecreasesExpiry() public view {
        assertFalse(handler.ghostExpiryDecreased());
    }

    /// forge-config: default.invariant.runs = 4
    /// forge-config: default.invariant.depth = 500
    function invariant_SubscriptionLastsAtLeastItsLength() public view {
        assertFalse(handler.ghostExpiryTooShort());
    }

    /// forge-config: default.invariant.runs = 4
    /// forge-config: default.invariant.depth = 500
    function invariant_VaultHoldsExactlyWhatFansPaid() public view {
        assertEq(mesi.balanceOf(address(vault)), handler.ghostPaid());
        // The vault's conservation law, with the parts subscriptions never touch at zero.
        assertEq(vault.feePool() + vault.floatBalance() + vault.escrowed(), 0);
        (uint256 cleared, uint256 pending, uint256 feesOwed) = vault.earningsOf(creator);
        assertEq(cleared + pending + feesOwed, handler.ghostPaid());
        assertEq(pending, 0);
    }

    /// forge-config: default.invariant.runs = 4
    /// forge-config: default.invariant.depth = 500
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

    /// @dev Every fan's subscription is exactly what the rules give (the handler's model: trial days, or periods × 30
    /// days from the current expiry when renewing the tier held and still running, from now otherwise), every
    /// subscription charged exactly price × periods (a trial nothing), and every refused subscription was refused.
    /// forge-config: default.invariant.runs = 4
    /// forge-config: default.invariant.depth = 500
    function invariant_SubscriptionFollowsTheRules() public view {
        for (uint256 i; i < handler.fanCount(); ++i) {
            address fan = handler.fanAt(i);
            ICreatorRegistry.Subscription memory s = registry.subscriptionOf(creator, fan);
            ICreatorRegistry.Subscription memory m = handler.modelOf(fan);
            assertEq(s.tierId, m.tierId, "tier");
            assertEq(s.rank, m.rank, "rank");
            assertEq(s.expiresAt, m.expiresAt, "expiry");
        }
        assertFalse(handler.ghostWrongCharge(), "charged price x periods (a trial: nothing)");
        assertEq(handler.wronglyAccepted(), 0, "a subscription that had to be refused went through");
    }

    /// @dev After every run: the run reached each path the invariants speak about, often enough to mean something.
    function afterInvariant() public {
        SubscriptionHandler h = handler;
        string memory counts = _reachedCounts();
        vm.writeLine(INVARIANT_DEPTH_LOG, counts);
        assertGe(h.reachedTrials(), MIN_TRIALS, counts);
        assertGe(h.reachedFirstPaid(), MIN_FIRST_PAID, counts);
        assertGe(h.reachedTrials() + h.reachedFirstPaid(), MIN_FIRST_SUBSCRIPTIONS, counts);
        assertGe(h.reachedRenewalsActive(), MIN_RENEWALS_ACTIVE, counts);
        assertGe(h.reachedRenewalsLapsed(), MIN_RENEWALS_LAPSED, counts);
        assertGe(h.reachedRenewalsActive() + h.reachedRenewalsLapsed(), MIN_RENEWALS, counts);
        assertGe(h.reachedTierSwitches(), MIN_TIER_SWITCHES, counts);
        assertGe(h.refusedBlocked(), MIN_REFUSED_BLOCKED, counts);
        assertGe(h.refusedInactive(), MIN_REFUSED_INACTIVE, counts);
        assertLe(h.idle() * 2, h.calls(), counts);
    }

    function _reachedCounts() internal view returns (string memory out) {
        SubscriptionHandler h = handler;
        out = string.concat("CreatorRegistry run: calls ", vm.toString(h.calls()), ", idle ", vm.toString(h.idle()));
        out = string.concat(out, ", trials ", vm.toString(h.reachedTrials()));
        out = string.concat(out, ", first paid ", vm.toString(h.reachedFirstPaid()));
        out = string.concat(out, ", renewals active ", vm.toString(h.reachedRenewalsActive()));
        out = string.concat(out, ", renewals lapsed ", vm.toString(h.reachedRenewalsLapsed()));
        out = string.concat(out, ", tier switches ", vm.toString(h.reachedTierSwitches()));
        out = string.concat(out, ", refused blocked ", vm.toString(h.refusedBlocked()));
        out = string.concat(out, ", refused inactive ", vm.toString(h.refusedInactive()));
    }
}
