// StableConverter: listed stablecoins and their rate history.
import { Address, BigInt, ethereum } from "@graphprotocol/graph-ts";

import { RateChange, Stablecoin } from "../../generated/schema";
import { MaxRateChangeUpdated, RateUpdated, StablecoinDelisted } from "../../generated/StableConverter/StableConverter";
import { eventId } from "../common/ids";
import { recordParameterChange } from "../common/parameters";

function recordRate(
  event: ethereum.Event,
  stablecoin: Address,
  oldRate: BigInt,
  newRate: BigInt,
  setter: Address,
): void {
  let coin = Stablecoin.load(stablecoin);
  if (coin == null) coin = new Stablecoin(stablecoin);
  coin.rate = newRate;
  coin.listed = !newRate.isZero();
  coin.save();
  const change = new RateChange(eventId(event));
  change.stablecoin = stablecoin;
  change.oldRate = oldRate;
  change.newRate = newRate;
  change.setter = setter;
  change.blockNumber = event.block.number;
  change.timestamp = event.block.timestamp;
  change.transactionHash = event.transaction.hash;
  change.save();
}

export function handleRateUpdated(event: RateUpdated): void {
  const p = event.params;
  recordRate(event, p.stablecoin, p.oldRate, p.newRate, p.setter);
}

export function handleStablecoinDelisted(event: StablecoinDelisted): void {
  const p = event.params;
  recordRate(event, p.stablecoin, p.oldRate, BigInt.zero(), Address.zero());
}

export function handleMaxRateChangeUpdated(event: MaxRateChangeUpdated): void {
  recordParameterChange(event, "MaxRateChangeUpdated", event.params.oldBps.toString(), event.params.newBps.toString());
}
