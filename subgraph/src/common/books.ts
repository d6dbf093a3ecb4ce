// The aggregates a payment touches on the vault's ledger (creator, creator-day,
// vault), shared by the vault's mapping and the escrow's (whose payouts the
// vault does not announce).
import { Address, BigInt, ethereum } from "@graphprotocol/graph-ts";

import { Creator, CreatorDayData, Vault } from "../../generated/schema";
import { loadCreator, loadCreatorDay, loadVault } from "./entities";

/** The aggregates a payment touches, loaded once per handler and saved once. */
export class Books {
  creator: Creator;
  day: CreatorDayData;
  vault: Vault;

  constructor(event: ethereum.Event, vault: Address, creator: Address) {
    this.creator = loadCreator(creator, event.block);
    this.day = loadCreatorDay(creator, event.block);
    this.vault = loadVault(vault, event.block);
  }

  /** Books `gross` minus `fee` into the creator's cleared earnings and `fee` into their fees owed. */
  accrue(gross: BigInt, fee: BigInt): void {
    const net = gross.minus(fee);
    this.creator.cleared = this.creator.cleared.plus(net);
    this.creator.feesOwed = this.creator.feesOwed.plus(fee);
    this.creator.totalEarned = this.creator.totalEarned.plus(net);
    this.creator.totalFees = this.creator.totalFees.plus(fee);
    this.day.earned = this.day.earned.plus(net);
    this.day.fees = this.day.fees.plus(fee);
    this.vault.clearedTotal = this.vault.clearedTotal.plus(net);
    this.vault.feesOwedTotal = this.vault.feesOwedTotal.plus(fee);
  }

  save(): void {
    this.creator.save();
    this.day.save();
    this.vault.save();
  }
}
