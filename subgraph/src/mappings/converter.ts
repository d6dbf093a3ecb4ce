// StableConverter: listed stablecoins, their rate history and rate window, and
// the listings the admin schedules behind the admin delay (a listing — the
// first or after a delisting — uses up its schedule, at exactly its rate).
import { Address, BigInt, Bytes, ethereum } from "@graphprotocol/graph-ts";

import { RateChange, Stablecoin, StablecoinListing } from "../../generated/schema";
import {
  ListingScheduled,
  MaxRateChangeUpdated,
  RateUpdated,
  StablecoinDelisted,
} from "../../generated/StableConverter/StableConverter";
import { ZERO } from "../common/entities";
import { eventId } from "../common/ids";
import { recordParameterChange } from "../common/parameters";

/** The converter's RATE_WINDOW: a rate moves at most maxRateChangeBps within one window. */
const RATE_WINDOW = BigInt.fromI32(3600);

function loadStablecoin(address: Address): Stablecoin {
  let coin = Stablecoin.load(address);
  if (coin == null) {
    coin = new Stablecoin(address);
    coin.rate = ZERO;
    coin.listed = false;
    coin.status = "DELISTED";
    coin.windowRate = ZERO;
    coin.windowStart = ZERO;
  }
  return coin;
}

/** Marks the stablecoin's pending listing `status` and returns its id (null if none). */
function closePendingListing(event: ethereum.Event, coin: Stablecoin, status: string): Bytes | null {
  const pendingId = coin.pendingListing;
  if (!pendingId) return null; // (Bytes overloads `==`: null by truthiness)
  const listing = StablecoinListing.load(pendingId);
  if (listing == null) throw new Error("pending listing " + pendingId.toHexString() + " is missing");
  listing.status = status;
  if (status == "LISTED") {
    listing.listedAt = event.block.timestamp;
    listing.listedTransactionHash = event.transaction.hash;
  }
  listing.save();
  coin.pendingListing = null;
  return pendingId;
}

function recordRate(
  event: ethereum.Event,
  coin: Stablecoin,
  kind: string,
  oldRate: BigInt,
  newRate: BigInt,
  setter: Address,
  listing: Bytes | null,
): void {
  coin.rate = newRate;
  coin.listed = !newRate.isZero();
  if (coin.listed) coin.status = "LISTED";
  else coin.status = coin.pendingListing ? "SCHEDULED" : "DELISTED";
  coin.save();
  const change = new RateChange(eventId(event));
  change.stablecoin = coin.id;
  change.kind = kind;
  change.listing = listing;
  change.oldRate = oldRate;
  change.newRate = newRate;
  change.setter = setter;
  change.blockNumber = event.block.number;
  change.timestamp = event.block.timestamp;
  change.transactionHash = event.transaction.hash;
  change.save();
}

export function handleListingScheduled(event: ListingScheduled): void {
  const p = event.params;
  const coin = loadStablecoin(p.stablecoin);
  // The converter keeps one schedule per stablecoin: a new one overwrites the last.
  closePendingListing(event, coin, "REPLACED");
  const listing = new StablecoinListing(eventId(event));
  listing.stablecoin = coin.id;
  listing.rate = p.rate;
  listing.readyAt = p.readyAt;
  listing.status = "SCHEDULED";
  listing.scheduledAt = event.block.timestamp;
  listing.scheduledAtBlock = event.block.number;
  listing.scheduledTransactionHash = event.transaction.hash;
  listing.save();
  coin.pendingListing = listing.id;
  if (!coin.listed) coin.status = "SCHEDULED";
  coin.save();
}

export function handleRateUpdated(event: RateUpdated): void {
  const p = event.params;
  const coin = loadStablecoin(p.stablecoin);
  const now = event.block.timestamp;
  if (p.oldRate.isZero()) {
    // A listing: uses up the schedule and starts a window at the listed rate.
    const listing = closePendingListing(event, coin, "LISTED");
    coin.windowRate = p.newRate;
    coin.windowStart = now;
    coin.listedAt = now;
    recordRate(event, coin, "LISTED", p.oldRate, p.newRate, p.setter, listing);
    return;
  }
  if (now.ge(coin.windowStart.plus(RATE_WINDOW))) {
    // The first update after a window ended starts the next one from the current rate.
    coin.windowRate = p.oldRate;
    coin.windowStart = now;
  }
  recordRate(event, coin, "UPDATED", p.oldRate, p.newRate, p.setter, null);
}

export function handleStablecoinDelisted(event: StablecoinDelisted): void {
  const coin = loadStablecoin(event.params.stablecoin);
  // The converter forgets the rate and its window.
  coin.windowRate = ZERO;
  coin.windowStart = ZERO;
  coin.delistedAt = event.block.timestamp;
  recordRate(event, coin, "DELISTED", event.params.oldRate, ZERO, Address.zero(), null);
}

export function handleMaxRateChangeUpdated(event: MaxRateChangeUpdated): void {
  recordParameterChange(event, "MaxRateChangeUpdated", event.params.oldBps.toString(), event.params.newBps.toString());
}
