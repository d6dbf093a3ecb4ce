// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

/// @title ICreatorRegistry
/// @notice Creators' public setup: profile, follows, subscription tiers and subscriptions, streams and their access
/// rules. Money for subscriptions moves through the vault (a module call), so a fan blocked in the vault cannot
/// subscribe; this contract also refuses follows from blocked fans. One-to-one settings live in the escrow
/// ({IOneToOneEscrow.setSettings}), which asks {isRegistered} before storing them.
interface ICreatorRegistry {
    /// @notice A subscription tier. Price is per 30-day period in $MESI base units.
    /// @param rank Ordering used by access rules (e.g. 1 Bronze, 2 Silver, 3 Gold); higher includes lower.
    /// @param trialDays Free days (0–7) on a fan's first subscription to this creator.
    struct Tier {
        uint128 pricePer30Days;
        uint8 rank;
        uint8 trialDays;
        bool active;
    }

    /// @notice Access rules of a stream. Public streams (`isPrivate` false) ignore the private criteria; a private
    /// stream admits a fan who meets ANY enabled criterion (follower, tier rank >= minTierRank, tipped >= minTipped,
    /// holds an invite signed by inviteSigner). Blocked fans and fans below `kyfLevel` never get in. Ticket-only
    /// mode lives in the tickets contract and overrides these rules while on.
    struct StreamRules {
        bool isPrivate;
        bool followers;
        uint8 minTierRank;
        uint256 minTipped;
        address inviteSigner;
        uint8 kyfLevel;
    }

    /// @notice A stream as stored.
    struct Stream {
        address creator;
        bool live;
        StreamRules rules;
    }

    /// @notice A fan's subscription to a creator.
    struct Subscription {
        uint32 tierId;
        uint8 rank;
        uint64 expiresAt;
    }

    /// @notice An account registered as a creator with its profile URI.
    event CreatorRegistered(address indexed creator, string profileURI);
    /// @notice A creator changed their profile URI.
    event ProfileUpdated(address indexed creator, string profileURI);
    /// @notice A fan followed a creator.
    event Followed(address indexed fan, address indexed creator);
    /// @notice A fan stopped following a creator.
    event Unfollowed(address indexed fan, address indexed creator);
    /// @notice A creator created a subscription tier (price per 30 days in $MESI base units).
    event TierCreated(
        address indexed creator,
        uint32 indexed tierId,
        uint256 pricePer30Days,
        uint8 rank,
        uint8 trialDays,
        string metadataURI
    );
    /// @notice A creator changed a tier's price or switched it on or off.
    event TierUpdated(address indexed creator, uint32 indexed tierId, uint256 pricePer30Days, bool active);
    /// @notice A fan subscribed or renewed: `paid` $MESI gross (fee included), valid until `expiresAt`.
    event Subscribed(
        address indexed fan,
        address indexed creator,
        uint32 indexed tierId,
        uint8 rank,
        uint16 periods,
        uint256 paid,
        uint256 fee,
        bool trial,
        uint64 expiresAt
    );
    /// @notice A creator created a stream with its access rules.
    event StreamCreated(uint256 indexed streamId, address indexed creator, StreamRules rules, string metadataURI);
    /// @notice A creator changed a stream's access rules.
    event StreamRulesUpdated(uint256 indexed streamId, address indexed creator, StreamRules rules);
    /// @notice A creator went live on a stream or ended it.
    event StreamLiveSet(uint256 indexed streamId, address indexed creator, bool live);

    error Registry_AlreadyRegistered(address creator);
    error Registry_NotRegistered(address creator);
    error Registry_EmptyProfile();
    error Registry_SelfFollow(address account);
    error Registry_AlreadyFollowing(address fan, address creator);
    error Registry_NotFollowing(address fan, address creator);
    error Registry_Blocked(address creator, address fan);
    error Registry_InvalidTier(address creator, uint32 tierId);
    error Registry_TierInactive(address creator, uint32 tierId);
    error Registry_InvalidPrice(uint256 price);
    error Registry_InvalidRank(uint8 rank);
    error Registry_TrialTooLong(uint8 trialDays, uint8 maxTrialDays);
    error Registry_InvalidPeriods(uint16 periods);
    error Registry_UnknownStream(uint256 streamId);
    error Registry_NotStreamCreator(uint256 streamId, address caller);
    error Registry_InvalidKyfLevel(uint8 level);

    /// @notice Registers the caller as a creator. Requirements: not registered; non-empty URI. Emits {CreatorRegistered}.
    /// Also opens the caller's earnings entry in the vault ({IMesiVault.openLedger}: this contract holds MODULE_ROLE),
    /// so registration, not the creator's first fan, pays for that storage.
    function register(string calldata profileURI) external;
    /// @notice Requirements: registered; non-empty URI. Emits {ProfileUpdated}.
    function updateProfile(string calldata profileURI) external;

    /// @notice Requirements: creator registered; not self; not following; not blocked. Emits {Followed}.
    function follow(address creator) external;
    /// @notice Requirements: following. Emits {Unfollowed}.
    function unfollow(address creator) external;

    /// @notice Creates a tier. Requirements: registered; price > 0; rank > 0; trialDays <= 7. Emits {TierCreated}.
    function createTier(
        uint256 pricePer30Days,
        uint8 rank,
        uint8 trialDays,
        string calldata metadataURI
    ) external returns (uint32 tierId);
    /// @notice Requirements: the caller's tier exists; price > 0. Emits {TierUpdated}.
    function updateTier(uint32 tierId, uint256 pricePer30Days, bool active) external;

    /// @notice Subscribes the caller for `periods` × 30 days, paying through the vault (needs a $MESI allowance
    /// for the vault). Renewing the same tier extends from the current expiry; switching tier starts now and the
    /// rest of the old tier lapses. A first subscription to a creator whose tier has a trial is free for trialDays
    /// (periods ignored). Requirements: tier active; 1 <= periods <= 24; not blocked; vault not paused.
    /// Emits {Subscribed}.
    function subscribe(address creator, uint32 tierId, uint16 periods) external;

    /// @notice Creates a stream owned by the caller. Requirements: registered; kyfLevel <= 3. Emits {StreamCreated}.
    function createStream(StreamRules calldata rules, string calldata metadataURI) external returns (uint256 streamId);
    /// @notice Requirements: the caller created the stream. Emits {StreamRulesUpdated}.
    function updateStreamRules(uint256 streamId, StreamRules calldata rules) external;
    /// @notice Marks the stream live or ended. Requirements: the caller created the stream. Emits {StreamLiveSet}.
    function setLive(uint256 streamId, bool live) external;

    /// @notice Whether `creator` registered (the escrow requires it of a creator setting one-to-one settings).
    function isRegistered(address creator) external view returns (bool);
    /// @notice Whether `fan` follows `creator`.
    function isFollowing(address fan, address creator) external view returns (bool);
    /// @notice A creator's tier (all zero for an unknown tier).
    function tierOf(address creator, uint32 tierId) external view returns (Tier memory);
    /// @notice How many tiers a creator created; tier ids run from 1 to this number.
    function tierCount(address creator) external view returns (uint32);
    /// @notice A fan's subscription to a creator (all zero if never subscribed).
    function subscriptionOf(address creator, address fan) external view returns (Subscription memory);
    /// @notice Whether `fan` holds an unexpired subscription of rank >= `minRank` to `creator`.
    function isSubscribed(address creator, address fan, uint8 minRank) external view returns (bool);
    /// @notice A stream (all zero for an unknown id).
    function streamOf(uint256 streamId) external view returns (Stream memory);
    /// @notice The creator of a stream (zero for an unknown id).
    function streamCreator(uint256 streamId) external view returns (address);
    /// @notice How many streams exist; ids run from 1 to this number.
    function streamCount() external view returns (uint256);
}
