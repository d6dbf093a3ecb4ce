// Loaders that create aggregates on first use with every field at its zero,
// so that handlers can add to them without null checks.
import { Address, BigInt, Bytes, ethereum } from "@graphprotocol/graph-ts";

import { Creator, CreatorDayData, CreatorFan, Fan, Vault } from "../../generated/schema";
import { dayOf, pairId, SECONDS_PER_DAY } from "./ids";

export const ZERO = BigInt.zero();
export const ONE = BigInt.fromI32(1);

export function loadCreator(address: Address, block: ethereum.Block): Creator {
  let creator = Creator.load(address);
  if (creator == null) {
    creator = new Creator(address);
    creator.registered = false;
    creator.oneToOneEnabled = false;
    creator.oneToOneMinAmount = ZERO;
    creator.oneToOneMinMinutes = 0;
    creator.oneToOneMaxMinutes = 0;
    creator.cleared = ZERO;
    creator.pending = ZERO;
    creator.feesOwed = ZERO;
    creator.totalEarned = ZERO;
    creator.totalFees = ZERO;
    creator.totalClaimed = ZERO;
    creator.tipCount = ZERO;
    creator.tipVolume = ZERO;
    creator.ticketsSold = ZERO;
    creator.ticketVolume = ZERO;
    creator.subscriptionVolume = ZERO;
    creator.oneToOneVolume = ZERO;
    creator.followerCount = 0;
    creator.blockedCount = 0;
  }
  creator.updatedAtBlock = block.number;
  return creator;
}

export function loadFan(address: Address, block: ethereum.Block): Fan {
  let fan = Fan.load(address);
  if (fan == null) {
    fan = new Fan(address);
    fan.tipCount = ZERO;
    fan.tipTotal = ZERO;
    fan.paidTotal = ZERO;
    fan.followingCount = 0;
  }
  fan.updatedAtBlock = block.number;
  return fan;
}

export function loadCreatorFan(creator: Address, fan: Address, block: ethereum.Block): CreatorFan {
  const id = pairId(creator, fan);
  let pair = CreatorFan.load(id);
  if (pair == null) {
    pair = new CreatorFan(id);
    pair.creator = creator;
    pair.fan = fan;
    pair.tippedTotal = ZERO;
    pair.tipCount = ZERO;
    pair.paidTotal = ZERO;
    pair.following = false;
    pair.blocked = false;
  }
  pair.updatedAtBlock = block.number;
  return pair;
}

export function loadCreatorDay(creator: Address, block: ethereum.Block): CreatorDayData {
  const day = dayOf(block.timestamp);
  const id = creator.concatI32(day);
  let data = CreatorDayData.load(id);
  if (data == null) {
    data = new CreatorDayData(id);
    data.creator = creator;
    data.date = day * SECONDS_PER_DAY;
    data.tipCount = ZERO;
    data.tipVolume = ZERO;
    data.ticketsSold = ZERO;
    data.ticketVolume = ZERO;
    data.subscriptionVolume = ZERO;
    data.oneToOneVolume = ZERO;
    data.fees = ZERO;
    data.earned = ZERO;
    data.claimed = ZERO;
    data.newFollowers = 0;
    data.lostFollowers = 0;
  }
  return data;
}

export function loadVault(address: Address, block: ethereum.Block): Vault {
  let vault = Vault.load(address);
  if (vault == null) {
    vault = new Vault(address);
    vault.floatBalance = ZERO;
    vault.feePool = ZERO;
    vault.escrowed = ZERO;
    vault.clearedTotal = ZERO;
    vault.pendingTotal = ZERO;
    vault.feesOwedTotal = ZERO;
    vault.feeBps = ZERO;
    vault.holdPeriod = ZERO;
    vault.paused = false;
    vault.tipVolume = ZERO;
    vault.tipCount = ZERO;
    vault.feesWithdrawn = ZERO;
    vault.accountCount = 0;
    vault.excessSwept = ZERO;
    vault.excessSweepCount = 0;
    vault.modulesLocked = false;
  }
  vault.updatedAtBlock = block.number;
  return vault;
}

/** Records a payment received by a creator in the fan/creator/day aggregates (volumes only; the ledger is the vault's). */
export function countPayment(creator: Address, fan: Address, amount: BigInt, block: ethereum.Block): void {
  const fanEntity = loadFan(fan, block);
  fanEntity.paidTotal = fanEntity.paidTotal.plus(amount);
  fanEntity.save();
  const pair = loadCreatorFan(creator, fan, block);
  pair.paidTotal = pair.paidTotal.plus(amount);
  pair.save();
}

export function bytesOrNull(value: Bytes): Bytes | null {
  return value.length == 0 ? null : value;
}
