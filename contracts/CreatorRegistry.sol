// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import { ICreatorRegistry } from "./interfaces/ICreatorRegistry.sol";
import { IMesiVault } from "./interfaces/IMesiVault.sol";
import { SubscriptionMath } from "./libraries/SubscriptionMath.sol";

/// @title CreatorRegistry
/// @notice Creators' profiles, follows, subscription tiers and subscriptions, and streams. One-to-one settings live in
/// the escrow ({IOneToOneEscrow.setSettings}), beside the state every request and acceptance reads anyway.
/// Paid subscriptions are collected through the vault (this contract holds MODULE_ROLE there), so the vault's
/// block list, pause and fee apply to them; a free trial moves no money, so this contract applies the vault's
/// pause and block list itself and reverts with the vault's errors, as a paid subscription would.
/// Profile and metadata URIs live in events only. The registry has no privileged functions.
contract CreatorRegistry is ICreatorRegistry {
    /// @notice Longest trial a tier may offer.
    uint8 public constant MAX_TRIAL_DAYS = 7;
    /// @notice Most periods one subscription payment may buy (two years).
    uint16 public constant MAX_PERIODS = 24;
    /// @notice Highest KYF level a stream may require.
    uint8 public constant MAX_KYF_LEVEL = 3;

    /// @dev One slot: whether registered and how many tiers (ids 1..tierCount).
    struct CreatorRecord {
        bool registered;
        uint32 tierCount;
    }

    /// @dev {Stream} in three slots: creator with the flags and small fields, the invite signer, the tip threshold.
    struct StoredStream {
        address creator;
        bool live;
        bool isPrivate;
        bool followers;
        uint8 minTierRank;
        uint8 kyfLevel;
        address inviteSigner;
        uint256 minTipped;
    }

    /// @notice The vault that collects subscription payments and keeps the block lists.
    IMesiVault public immutable vault;

    mapping(address creator => CreatorRecord) private _creators;
    mapping(address creator => mapping(address fan => bool)) private _follows;
    mapping(address creator => mapping(uint32 tierId => Tier)) private _tiers;
    mapping(address creator => mapping(address fan => Subscription)) private _subscriptions;
    mapping(uint256 streamId => StoredStream) private _streams;
    uint256 private _streamCount;

    modifier onlyRegistered() {
        if (!_creators[msg.sender].registered) revert Registry_NotRegistered(msg.sender);
        _;
    }

    /// @notice Binds the registry to the vault.
    /// @param vault_ The Mesi vault; it must grant this contract MODULE_ROLE for paid subscriptions.
    constructor(IMesiVault vault_) {
        vault = vault_;
    }

    // ───────────────────────────────────────── Profile ─────────────────────────────────────────

    /// @inheritdoc ICreatorRegistry
    function register(string calldata profileURI) external {
        if (_creators[msg.sender].registered) revert Registry_AlreadyRegistered(msg.sender);
        if (bytes(profileURI).length == 0) revert Registry_EmptyProfile();

        _creators[msg.sender].registered = true;
        emit CreatorRegistered(msg.sender, profileURI);
        // Registration pays for the creator's earnings storage once, so their first fan does not (trusted call).
        vault.openLedger(msg.sender);
    }

    /// @inheritdoc ICreatorRegistry
    function updateProfile(string calldata profileURI) external onlyRegistered {
        if (bytes(profileURI).length == 0) revert Registry_EmptyProfile();

        emit ProfileUpdated(msg.sender, profileURI);
    }

    // ───────────────────────────────────────── Follows ─────────────────────────────────────────

    /// @inheritdoc ICreatorRegistry
    function follow(address creator) external {
        if (!_creators[creator].registered) revert Registry_NotRegistered(creator);
        if (creator == msg.sender) revert Registry_SelfFollow(msg.sender);
        if (_follows[creator][msg.sender]) revert Registry_AlreadyFollowing(msg.sender, creator);
        if (vault.isBlocked(creator, msg.sender)) revert Registry_Blocked(creator, msg.sender);

        _follows[creator][msg.sender] = true;
        emit Followed(msg.sender, creator);
    }

    /// @inheritdoc ICreatorRegistry
    function unfollow(address creator) external {
        if (!_follows[creator][msg.sender]) revert Registry_NotFollowing(msg.sender, creator);

        _follows[creator][msg.sender] = false;
        emit Unfollowed(msg.sender, creator);
    }

    // ───────────────────────────────────────── Tiers ─────────────────────────────────────────

    /// @inheritdoc ICreatorRegistry
    function createTier(
        uint256 pricePer30Days,
        uint8 rank,
        uint8 trialDays,
        string calldata metadataURI
    ) external onlyRegistered returns (uint32 tierId) {
        uint128 price = _checkedPrice(pricePer30Days);
        if (rank == 0) revert Registry_InvalidRank(rank);
        if (trialDays > MAX_TRIAL_DAYS) revert Registry_TrialTooLong(trialDays, MAX_TRIAL_DAYS);

        CreatorRecord storage record = _creators[msg.sender];
        tierId = record.tierCount + 1;
        record.tierCount = tierId;
        _tiers[msg.sender][tierId] = Tier({ pricePer30Days: price, rank: rank, trialDays: trialDays, active: true });
        emit TierCreated(msg.sender, tierId, pricePer30Days, rank, trialDays, metadataURI);
    }

    /// @inheritdoc ICreatorRegistry
    function updateTier(uint32 tierId, uint256 pricePer30Days, bool active) external {
        Tier storage tier = _existingTier(msg.sender, tierId);
        uint128 price = _checkedPrice(pricePer30Days);

        tier.pricePer30Days = price;
        tier.active = active;
        emit TierUpdated(msg.sender, tierId, pricePer30Days, active);
    }

    // ───────────────────────────────────────── Subscriptions ─────────────────────────────────────────

    /// @inheritdoc ICreatorRegistry
    /// @dev A trial emits {Subscribed} with periods, paid and fee all 0. Reverts with the vault's
    /// `Vault_SelfPayment` when the caller is the creator, and on the trial path with `Vault_Paused` and
    /// `Vault_Blocked` (the paid path gets the same errors from the vault itself).
    function subscribe(address creator, uint32 tierId, uint16 periods) external {
        // Checks
        if (periods == 0 || periods > MAX_PERIODS) revert Registry_InvalidPeriods(periods);
        Tier memory tier = _existingTier(creator, tierId);
        if (!tier.active) revert Registry_TierInactive(creator, tierId);
        if (creator == msg.sender) revert IMesiVault.Vault_SelfPayment(msg.sender);

        Subscription storage subscription = _subscriptions[creator][msg.sender];
        uint32 currentTierId = subscription.tierId;

        // A subscription record is never deleted, so tierId 0 means the fan never subscribed to this creator.
        if (currentTierId == 0 && tier.trialDays != 0) {
            if (vault.paused()) revert IMesiVault.Vault_Paused();
            if (vault.isBlocked(creator, msg.sender)) revert IMesiVault.Vault_Blocked(creator, msg.sender);

            uint64 trialExpiresAt = SubscriptionMath.trialExpiry(block.timestamp, tier.trialDays);
            _storeSubscription(subscription, tierId, tier.rank, trialExpiresAt);
            emit Subscribed(msg.sender, creator, tierId, tier.rank, 0, 0, 0, true, trialExpiresAt);
            return;
        }

        uint64 expiresAt = SubscriptionMath.paidExpiry(
            subscription.expiresAt,
            currentTierId == tierId,
            block.timestamp,
            periods
        );
        // price < 2^128 and periods <= 24, so the product cannot overflow.
        uint256 paid = uint256(tier.pricePer30Days) * periods;

        // Effects
        _storeSubscription(subscription, tierId, tier.rank, expiresAt);

        // Interactions
        uint256 fee = vault.collectAndCredit(msg.sender, creator, paid);
        emit Subscribed(msg.sender, creator, tierId, tier.rank, periods, paid, fee, false, expiresAt);
    }

    // ───────────────────────────────────────── Streams ─────────────────────────────────────────

    /// @inheritdoc ICreatorRegistry
    function createStream(
        StreamRules calldata rules,
        string calldata metadataURI
    ) external onlyRegistered returns (uint256 streamId) {
        _checkRules(rules);

        streamId = ++_streamCount;
        StoredStream storage stream = _streams[streamId];
        stream.creator = msg.sender;
        _storeRules(stream, rules);
        emit StreamCreated(streamId, msg.sender, rules, metadataURI);
    }

    /// @inheritdoc ICreatorRegistry
    function updateStreamRules(uint256 streamId, StreamRules calldata rules) external {
        StoredStream storage stream = _ownStream(streamId);
        _checkRules(rules);

        _storeRules(stream, rules);
        emit StreamRulesUpdated(streamId, msg.sender, rules);
    }

    /// @inheritdoc ICreatorRegistry
    function setLive(uint256 streamId, bool live) external {
        StoredStream storage stream = _ownStream(streamId);

        stream.live = live;
        emit StreamLiveSet(streamId, msg.sender, live);
    }

    // ───────────────────────────────────────── Views ─────────────────────────────────────────

    /// @inheritdoc ICreatorRegistry
    function isRegistered(address creator) external view returns (bool) {
        return _creators[creator].registered;
    }

    /// @inheritdoc ICreatorRegistry
    function isFollowing(address fan, address creator) external view returns (bool) {
        return _follows[creator][fan];
    }

    /// @inheritdoc ICreatorRegistry
    /// @dev An unknown tier reads as all zeros.
    function tierOf(address creator, uint32 tierId) external view returns (Tier memory) {
        return _tiers[creator][tierId];
    }

    /// @inheritdoc ICreatorRegistry
    function tierCount(address creator) external view returns (uint32) {
        return _creators[creator].tierCount;
    }

    /// @inheritdoc ICreatorRegistry
    function subscriptionOf(address creator, address fan) external view returns (Subscription memory) {
        return _subscriptions[creator][fan];
    }

    /// @inheritdoc ICreatorRegistry
    function isSubscribed(address creator, address fan, uint8 minRank) external view returns (bool) {
        Subscription memory subscription = _subscriptions[creator][fan];
        return subscription.expiresAt > block.timestamp && subscription.rank >= minRank;
    }

    /// @inheritdoc ICreatorRegistry
    /// @dev An unknown stream reads as all zeros.
    function streamOf(uint256 streamId) external view returns (Stream memory) {
        StoredStream memory stored = _streams[streamId];
        return
            Stream({
                creator: stored.creator,
                live: stored.live,
                rules: StreamRules({
                    isPrivate: stored.isPrivate,
                    followers: stored.followers,
                    minTierRank: stored.minTierRank,
                    minTipped: stored.minTipped,
                    inviteSigner: stored.inviteSigner,
                    kyfLevel: stored.kyfLevel
                })
            });
    }

    /// @inheritdoc ICreatorRegistry
    /// @dev address(0) for an unknown stream.
    function streamCreator(uint256 streamId) external view returns (address) {
        return _streams[streamId].creator;
    }

    /// @inheritdoc ICreatorRegistry
    function streamCount() external view returns (uint256) {
        return _streamCount;
    }

    // ───────────────────────────────────────── Internal ─────────────────────────────────────────

    function _storeSubscription(
        Subscription storage subscription,
        uint32 tierId,
        uint8 rank,
        uint64 expiresAt
    ) private {
        subscription.tierId = tierId;
        subscription.rank = rank;
        subscription.expiresAt = expiresAt;
    }

    function _storeRules(StoredStream storage stream, StreamRules calldata rules) private {
        stream.isPrivate = rules.isPrivate;
        stream.followers = rules.followers;
        stream.minTierRank = rules.minTierRank;
        stream.kyfLevel = rules.kyfLevel;
        stream.inviteSigner = rules.inviteSigner;
        stream.minTipped = rules.minTipped;
    }

    function _existingTier(address creator, uint32 tierId) private view returns (Tier storage) {
        if (tierId == 0 || tierId > _creators[creator].tierCount) revert Registry_InvalidTier(creator, tierId);
        return _tiers[creator][tierId];
    }

    function _ownStream(uint256 streamId) private view returns (StoredStream storage stream) {
        stream = _streams[streamId];
        // Stream ids run from 1 and every stream has a creator, so a zero creator means an unknown id.
        if (stream.creator == address(0)) revert Registry_UnknownStream(streamId);
        if (stream.creator != msg.sender) revert Registry_NotStreamCreator(streamId, msg.sender);
    }

    function _checkRules(StreamRules calldata rules) private pure {
        if (rules.kyfLevel > MAX_KYF_LEVEL) revert Registry_InvalidKyfLevel(rules.kyfLevel);
    }

    /// @dev Prices are stored as uint128 (one-slot tiers): zero and anything wider are refused.
    function _checkedPrice(uint256 pricePer30Days) private pure returns (uint128) {
        if (pricePer30Days == 0 || pricePer30Days > type(uint128).max) revert Registry_InvalidPrice(pricePer30Days);
        return uint128(pricePer30Days); // bounded just above
    }
}
