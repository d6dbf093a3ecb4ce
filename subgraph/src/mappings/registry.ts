// CreatorRegistry: profiles, follows, tiers, subscriptions and streams with
// their access rules (one-to-one settings come from the escrow: escrow.ts).
import { Address, BigInt, Bytes, ethereum } from "@graphprotocol/graph-ts";

import { FanSubscription, FollowChange, Payment, Stream, SubscriptionPayment, Tier } from "../../generated/schema";
import {
  CreatorRegistered,
  Followed,
  ProfileUpdated,
  StreamCreated,
  StreamLiveSet,
  StreamRulesUpdated,
  Subscribed,
  TierCreated,
  TierUpdated,
  Unfollowed,
} from "../../generated/CreatorRegistry/CreatorRegistry";
import { countPayment, loadCreator, loadCreatorDay, loadCreatorFan, loadFan, ZERO } from "../common/entities";
import { counterId, eventId, pairId } from "../common/ids";

export function handleCreatorRegistered(event: CreatorRegistered): void {
  const creator = loadCreator(event.params.creator, event.block);
  creator.registered = true;
  creator.profileURI = event.params.profileURI;
  creator.registeredAt = event.block.timestamp;
  // The vault's AccountOpened of this same transaction, if any, was opened by this registration.
  creator.registeredTransactionHash = event.transaction.hash;
  creator.save();
}

export function handleProfileUpdated(event: ProfileUpdated): void {
  const creator = loadCreator(event.params.creator, event.block);
  creator.profileURI = event.params.profileURI;
  creator.save();
}

function recordFollow(event: ethereum.Event, fanAddress: Address, creatorAddress: Address, following: boolean): void {
  const change = new FollowChange(eventId(event));
  change.creator = creatorAddress;
  change.fan = fanAddress;
  change.following = following;
  change.blockNumber = event.block.number;
  change.timestamp = event.block.timestamp;
  change.transactionHash = event.transaction.hash;
  change.save();

  const delta = following ? 1 : -1;
  const creator = loadCreator(creatorAddress, event.block);
  creator.followerCount = creator.followerCount + delta;
  creator.save();
  const fan = loadFan(fanAddress, event.block);
  fan.followingCount = fan.followingCount + delta;
  fan.save();
  const pair = loadCreatorFan(creatorAddress, fanAddress, event.block);
  pair.following = following;
  if (following) pair.followedAt = event.block.timestamp;
  pair.save();
  const day = loadCreatorDay(creatorAddress, event.block);
  if (following) {
    day.newFollowers = day.newFollowers + 1;
  } else {
    day.lostFollowers = day.lostFollowers + 1;
  }
  day.save();
}

export function handleFollowed(event: Followed): void {
  recordFollow(event, event.params.fan, event.params.creator, true);
}

export function handleUnfollowed(event: Unfollowed): void {
  recordFollow(event, event.params.fan, event.params.creator, false);
}

function tierId(creator: Address, id: BigInt): Bytes {
  return creator.concatI32(id.toI32());
}

export function handleTierCreated(event: TierCreated): void {
  const p = event.params;
  loadCreator(p.creator, event.block).save();
  const tier = new Tier(tierId(p.creator, p.tierId));
  tier.creator = p.creator;
  tier.tierId = p.tierId;
  tier.pricePer30Days = p.pricePer30Days;
  tier.rank = p.rank;
  tier.trialDays = p.trialDays;
  tier.metadataURI = p.metadataURI;
  tier.active = true;
  tier.createdAt = event.block.timestamp;
  tier.save();
}

export function handleTierUpdated(event: TierUpdated): void {
  const p = event.params;
  const tier = Tier.load(tierId(p.creator, p.tierId));
  if (tier == null) return;
  tier.pricePer30Days = p.pricePer30Days;
  tier.active = p.active;
  tier.save();
}

export function handleSubscribed(event: Subscribed): void {
  const p = event.params;
  const id = pairId(p.creator, p.fan);
  const tier = tierId(p.creator, p.tierId);
  let subscription = FanSubscription.load(id);
  if (subscription == null) {
    subscription = new FanSubscription(id);
    subscription.creator = p.creator;
    subscription.fan = p.fan;
    subscription.totalPaid = ZERO;
  }
  subscription.tier = tier;
  subscription.rank = p.rank;
  subscription.expiresAt = p.expiresAt;
  subscription.totalPaid = subscription.totalPaid.plus(p.paid);
  subscription.trial = p.trial;
  subscription.save();

  const paymentId = eventId(event);
  const record = new SubscriptionPayment(paymentId);
  record.subscription = id;
  record.creator = p.creator;
  record.fan = p.fan;
  record.tier = tier;
  record.rank = p.rank;
  record.periods = p.periods;
  record.paid = p.paid;
  record.fee = p.fee;
  record.trial = p.trial;
  record.expiresAt = p.expiresAt;
  record.blockNumber = event.block.number;
  record.timestamp = event.block.timestamp;
  record.transactionHash = event.transaction.hash;
  record.save();

  const creator = loadCreator(p.creator, event.block);
  creator.subscriptionVolume = creator.subscriptionVolume.plus(p.paid);
  creator.save();
  loadFan(p.fan, event.block).save();
  if (p.paid.isZero()) return;

  const payment = new Payment(paymentId);
  payment.kind = "SUBSCRIPTION";
  payment.creator = p.creator;
  payment.fan = p.fan;
  payment.source = "MESI";
  payment.amount = p.paid;
  payment.fee = p.fee;
  payment.subscriptionPayment = paymentId;
  payment.blockNumber = event.block.number;
  payment.timestamp = event.block.timestamp;
  payment.transactionHash = event.transaction.hash;
  payment.save();
  countPayment(p.creator, p.fan, p.paid, event.block);
  const day = loadCreatorDay(p.creator, event.block);
  day.subscriptionVolume = day.subscriptionVolume.plus(p.paid);
  day.save();
}

function applyRules(
  stream: Stream,
  isPrivate: boolean,
  followers: boolean,
  minTierRank: i32,
  minTipped: BigInt,
  inviteSigner: Address,
  kyfLevel: i32,
): void {
  stream.isPrivate = isPrivate;
  stream.followers = followers;
  stream.minTierRank = minTierRank;
  stream.minTipped = minTipped;
  stream.inviteSigner = inviteSigner;
  stream.kyfLevel = kyfLevel;
}

export function handleStreamCreated(event: StreamCreated): void {
  const p = event.params;
  loadCreator(p.creator, event.block).save();
  const stream = new Stream(counterId(p.streamId));
  stream.streamId = p.streamId;
  stream.creator = p.creator;
  stream.metadataURI = p.metadataURI;
  stream.live = false;
  stream.ticketOnly = false;
  stream.createdAt = event.block.timestamp;
  const r = p.rules;
  applyRules(stream, r.isPrivate, r.followers, r.minTierRank, r.minTipped, r.inviteSigner, r.kyfLevel);
  stream.save();
}

export function handleStreamRulesUpdated(event: StreamRulesUpdated): void {
  const p = event.params;
  const stream = Stream.load(counterId(p.streamId));
  if (stream == null) return;
  const r = p.rules;
  applyRules(stream, r.isPrivate, r.followers, r.minTierRank, r.minTipped, r.inviteSigner, r.kyfLevel);
  stream.save();
}

export function handleStreamLiveSet(event: StreamLiveSet): void {
  const stream = Stream.load(counterId(event.params.streamId));
  if (stream == null) return;
  stream.live = event.params.live;
  stream.save();
}
