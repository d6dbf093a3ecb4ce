// MesiVault: the ledger. Creator earnings (cleared / pending / fees owed), the
// float and the fee pool are recomputed here from the vault's events alone, so
// that `verify` can compare them with the contract's state. Escrow movements
// (the vault emits none) are booked from the escrow's events in escrow.ts.
import { Address, BigInt, ByteArray, Bytes, crypto, ethereum } from "@graphprotocol/graph-ts";

import {
  Account,
  BlockChange,
  Claim,
  Creator,
  ExcessSweep,
  CreditReversal,
  CreditSettlement,
  FeeSweep,
  FeeWithdrawal,
  FloatMovement,
  ModuleCredit,
  Payment,
  RelayerCredit,
  StablecoinWithdrawal,
  Tip,
} from "../../generated/schema";
import {
  AccountOpened,
  Claimed,
  ConverterUpdated,
  CreditReversed,
  CreditSettled,
  Credited,
  EscrowModuleUpdated,
  ExcessSwept,
  FanBlocked,
  FanUnblocked,
  FeeUpdated,
  FeesSwept,
  FeesWithdrawn,
  FloatFunded,
  FloatWithdrawn,
  HoldPeriodUpdated,
  ModuleCredited,
  ModuleScheduleCancelled,
  ModuleScheduled,
  ModulesLocked,
  ModuleStablecoinCredited,
  Paused,
  RoleGranted,
  RoleRevoked,
  StablecoinTipped,
  StablecoinWithdrawn,
  Tipped,
  TreasuryUpdated,
  Unpaused,
} from "../../generated/MesiVault/MesiVault";
import { Books } from "../common/books";
import { loadCreator, loadCreatorDay, loadCreatorFan, loadFan, loadVault, ONE } from "../common/entities";
import { paymentSourceName, PURPOSE_TIP, SOURCE_FIAT, tipChannelName } from "../common/enums";
import { eventId } from "../common/ids";
import { closePendingChange, loadVaultModule, scheduleChange } from "../common/modules";
import { recordParameterChange } from "../common/parameters";

/** Creates the Tip and its Payment row and counts the tip in every aggregate. */
function recordTip(
  event: ethereum.Event,
  books: Books,
  fanAddress: Address,
  source: string,
  amount: BigInt,
  fee: BigInt,
  channel: i32,
  channelRef: Bytes,
  memoHash: Bytes | null,
  paymentRef: Bytes | null,
  stablecoin: Bytes | null,
  stableAmount: BigInt | null,
): Tip {
  const id = eventId(event);
  const creatorAddress = books.creator.id;
  const tip = new Tip(id);
  tip.creator = creatorAddress;
  tip.fan = fanAddress;
  tip.source = source;
  tip.amount = amount;
  tip.fee = fee;
  tip.channel = tipChannelName(channel);
  tip.channelRef = channelRef;
  tip.memoHash = memoHash;
  tip.paymentRef = paymentRef;
  tip.credit = paymentRef;
  tip.stablecoin = stablecoin;
  tip.stableAmount = stableAmount;
  tip.blockNumber = event.block.number;
  tip.timestamp = event.block.timestamp;
  tip.transactionHash = event.transaction.hash;
  tip.logIndex = event.logIndex;
  tip.save();

  const payment = new Payment(id);
  payment.kind = "TIP";
  payment.creator = creatorAddress;
  payment.fan = fanAddress;
  payment.source = source;
  payment.amount = amount;
  payment.fee = fee;
  payment.paymentRef = paymentRef;
  payment.tip = id;
  payment.blockNumber = event.block.number;
  payment.timestamp = event.block.timestamp;
  payment.transactionHash = event.transaction.hash;
  payment.save();

  books.creator.tipCount = books.creator.tipCount.plus(ONE);
  books.creator.tipVolume = books.creator.tipVolume.plus(amount);
  books.day.tipCount = books.day.tipCount.plus(ONE);
  books.day.tipVolume = books.day.tipVolume.plus(amount);
  books.vault.tipCount = books.vault.tipCount.plus(ONE);
  books.vault.tipVolume = books.vault.tipVolume.plus(amount);
  const fan = loadFan(fanAddress, event.block);
  fan.tipCount = fan.tipCount.plus(ONE);
  fan.tipTotal = fan.tipTotal.plus(amount);
  fan.paidTotal = fan.paidTotal.plus(amount);
  fan.save();
  const pair = loadCreatorFan(Address.fromBytes(creatorAddress), fanAddress, event.block);
  pair.tipCount = pair.tipCount.plus(ONE);
  pair.tippedTotal = pair.tippedTotal.plus(amount);
  pair.paidTotal = pair.paidTotal.plus(amount);
  pair.lastTipAt = event.block.timestamp;
  pair.save();
  return tip;
}

export function handleTipped(event: Tipped): void {
  const p = event.params;
  const books = new Books(event, event.address, p.creator);
  recordTip(event, books, p.fan, "MESI", p.amount, p.fee, p.channel, p.channelRef, p.memoHash, null, null, null);
  books.accrue(p.amount, p.fee);
  books.save();
}

export function handleStablecoinTipped(event: StablecoinTipped): void {
  const p = event.params;
  const books = new Books(event, event.address, p.creator);
  recordTip(
    event,
    books,
    p.fan,
    "STABLECOIN",
    p.mesiAmount,
    p.fee,
    p.channel,
    p.channelRef,
    p.memoHash,
    null,
    p.stablecoin,
    p.stableAmount,
  );
  books.vault.floatBalance = books.vault.floatBalance.minus(p.mesiAmount);
  books.accrue(p.mesiAmount, p.fee);
  books.save();
}

export function handleCredited(event: Credited): void {
  const p = event.params;
  const source = paymentSourceName(p.source);
  const held = source == SOURCE_FIAT;
  const books = new Books(event, event.address, p.creator);

  const credit = new RelayerCredit(p.paymentRef);
  credit.creator = p.creator;
  credit.fan = p.fan;
  credit.amount = p.amount;
  credit.fee = p.fee;
  credit.source = source;
  credit.channel = tipChannelName(p.channel);
  credit.channelRef = p.channelRef;
  credit.purpose = p.purpose;
  credit.status = held ? "HELD" : "CLEARED";
  credit.clearsAt = p.clearsAt;
  credit.creditedAt = event.block.timestamp;
  credit.creditedAtBlock = event.block.number;
  credit.creditTransactionHash = event.transaction.hash;
  if (!held) credit.settledAt = event.block.timestamp;

  if (p.purpose == PURPOSE_TIP) {
    const tip = recordTip(
      event,
      books,
      p.fan,
      source,
      p.amount,
      p.fee,
      p.channel,
      p.channelRef,
      null,
      p.paymentRef,
      null,
      null,
    );
    credit.tip = tip.id;
  } else {
    loadFan(p.fan, event.block).save();
  }
  credit.save();

  books.vault.floatBalance = books.vault.floatBalance.minus(p.amount);
  if (held) {
    books.creator.pending = books.creator.pending.plus(p.amount);
    books.vault.pendingTotal = books.vault.pendingTotal.plus(p.amount);
  } else {
    books.accrue(p.amount, p.fee);
  }
  books.save();
}

export function handleCreditSettled(event: CreditSettled): void {
  const p = event.params;
  const id = eventId(event);
  const settlement = new CreditSettlement(id);
  settlement.credit = p.paymentRef;
  settlement.creator = p.creator;
  settlement.amount = p.amount;
  settlement.fee = p.fee;
  settlement.blockNumber = event.block.number;
  settlement.timestamp = event.block.timestamp;
  settlement.transactionHash = event.transaction.hash;
  settlement.save();

  const credit = RelayerCredit.load(p.paymentRef);
  if (credit != null) {
    credit.status = "CLEARED";
    credit.fee = p.fee;
    credit.settledAt = event.block.timestamp;
    credit.settlement = id;
    credit.save();
  }

  const books = new Books(event, event.address, p.creator);
  books.creator.pending = books.creator.pending.minus(p.amount);
  books.vault.pendingTotal = books.vault.pendingTotal.minus(p.amount);
  books.accrue(p.amount, p.fee);
  books.save();
}

export function handleCreditReversed(event: CreditReversed): void {
  const p = event.params;
  const id = eventId(event);
  const reversal = new CreditReversal(id);
  reversal.credit = p.paymentRef;
  reversal.creator = p.creator;
  reversal.fan = p.fan;
  reversal.amount = p.amount;
  reversal.blockNumber = event.block.number;
  reversal.timestamp = event.block.timestamp;
  reversal.transactionHash = event.transaction.hash;
  reversal.save();

  let purpose = PURPOSE_TIP;
  const credit = RelayerCredit.load(p.paymentRef);
  if (credit != null) {
    purpose = credit.purpose;
    credit.status = "REVERSED";
    credit.reversedAt = event.block.timestamp;
    credit.reversal = id;
    credit.save();
  }

  // The ledger: pending back to the float.
  const creator = loadCreator(p.creator, event.block);
  creator.pending = creator.pending.minus(p.amount);
  // The volumes: a reversed payment no longer counts (tipped totals feed access rules).
  if (purpose == PURPOSE_TIP) {
    creator.tipVolume = creator.tipVolume.minus(p.amount);
  } else {
    creator.ticketVolume = creator.ticketVolume.minus(p.amount);
  }
  creator.save();
  const fan = loadFan(p.fan, event.block);
  fan.paidTotal = fan.paidTotal.minus(p.amount);
  if (purpose == PURPOSE_TIP) fan.tipTotal = fan.tipTotal.minus(p.amount);
  fan.save();
  const pair = loadCreatorFan(p.creator, p.fan, event.block);
  pair.paidTotal = pair.paidTotal.minus(p.amount);
  if (purpose == PURPOSE_TIP) pair.tippedTotal = pair.tippedTotal.minus(p.amount);
  pair.save();
  const day = loadCreatorDay(p.creator, event.block);
  if (purpose == PURPOSE_TIP) {
    day.tipVolume = day.tipVolume.minus(p.amount);
  } else {
    day.ticketVolume = day.ticketVolume.minus(p.amount);
  }
  day.save();
  const vault = loadVault(event.address, event.block);
  vault.pendingTotal = vault.pendingTotal.minus(p.amount);
  vault.floatBalance = vault.floatBalance.plus(p.amount);
  if (purpose == PURPOSE_TIP) vault.tipVolume = vault.tipVolume.minus(p.amount);
  vault.save();
}

function recordModuleCredit(
  event: ethereum.Event,
  module: Address,
  creator: Address,
  fan: Address,
  amount: BigInt,
  fee: BigInt,
  stablecoin: Bytes | null,
  stableAmount: BigInt | null,
): void {
  const credit = new ModuleCredit(eventId(event));
  credit.module = module;
  credit.creator = creator;
  credit.fan = fan;
  credit.amount = amount;
  credit.fee = fee;
  credit.stablecoin = stablecoin;
  credit.stableAmount = stableAmount;
  credit.blockNumber = event.block.number;
  credit.timestamp = event.block.timestamp;
  credit.transactionHash = event.transaction.hash;
  credit.save();
  loadFan(fan, event.block).save();
  const books = new Books(event, event.address, creator);
  if (stablecoin) books.vault.floatBalance = books.vault.floatBalance.minus(amount);
  books.accrue(amount, fee);
  books.save();
}

export function handleModuleCredited(event: ModuleCredited): void {
  const p = event.params;
  recordModuleCredit(event, p.module, p.creator, p.fan, p.amount, p.fee, null, null);
}

export function handleModuleStablecoinCredited(event: ModuleStablecoinCredited): void {
  const p = event.params;
  recordModuleCredit(event, p.module, p.creator, p.fan, p.mesiAmount, p.fee, p.stablecoin, p.stableAmount);
}

export function handleClaimed(event: Claimed): void {
  const p = event.params;
  const claim = new Claim(eventId(event));
  claim.creator = p.creator;
  claim.to = p.to;
  claim.amount = p.amount;
  claim.feesSwept = p.feesSwept;
  claim.blockNumber = event.block.number;
  claim.timestamp = event.block.timestamp;
  claim.transactionHash = event.transaction.hash;
  claim.save();

  const creator = loadCreator(p.creator, event.block);
  creator.cleared = creator.cleared.minus(p.amount);
  creator.feesOwed = creator.feesOwed.minus(p.feesSwept);
  creator.totalClaimed = creator.totalClaimed.plus(p.amount);
  creator.save();
  const day = loadCreatorDay(p.creator, event.block);
  day.claimed = day.claimed.plus(p.amount);
  day.save();
  const vault = loadVault(event.address, event.block);
  vault.clearedTotal = vault.clearedTotal.minus(p.amount);
  vault.feesOwedTotal = vault.feesOwedTotal.minus(p.feesSwept);
  vault.feePool = vault.feePool.plus(p.feesSwept);
  vault.save();
}

export function handleFeesSwept(event: FeesSwept): void {
  const p = event.params;
  const sweep = new FeeSweep(eventId(event));
  sweep.creator = p.creator;
  sweep.amount = p.amount;
  sweep.blockNumber = event.block.number;
  sweep.timestamp = event.block.timestamp;
  sweep.transactionHash = event.transaction.hash;
  sweep.save();
  const creator = loadCreator(p.creator, event.block);
  creator.feesOwed = creator.feesOwed.minus(p.amount);
  creator.save();
  const vault = loadVault(event.address, event.block);
  vault.feesOwedTotal = vault.feesOwedTotal.minus(p.amount);
  vault.feePool = vault.feePool.plus(p.amount);
  vault.save();
}

export function handleFeesWithdrawn(event: FeesWithdrawn): void {
  const p = event.params;
  const withdrawal = new FeeWithdrawal(eventId(event));
  withdrawal.treasury = p.treasury;
  withdrawal.amount = p.amount;
  withdrawal.blockNumber = event.block.number;
  withdrawal.timestamp = event.block.timestamp;
  withdrawal.transactionHash = event.transaction.hash;
  withdrawal.save();
  const vault = loadVault(event.address, event.block);
  vault.feePool = vault.feePool.minus(p.amount);
  vault.feesWithdrawn = vault.feesWithdrawn.plus(p.amount);
  vault.save();
}

function recordFloatMovement(event: ethereum.Event, kind: string, account: Address, amount: BigInt): void {
  const vault = loadVault(event.address, event.block);
  vault.floatBalance = kind == "FUNDED" ? vault.floatBalance.plus(amount) : vault.floatBalance.minus(amount);
  vault.save();
  const movement = new FloatMovement(eventId(event));
  movement.kind = kind;
  movement.account = account;
  movement.amount = amount;
  movement.balanceAfter = vault.floatBalance;
  movement.blockNumber = event.block.number;
  movement.timestamp = event.block.timestamp;
  movement.transactionHash = event.transaction.hash;
  movement.save();
}

export function handleFloatFunded(event: FloatFunded): void {
  recordFloatMovement(event, "FUNDED", event.params.from, event.params.amount);
}

export function handleFloatWithdrawn(event: FloatWithdrawn): void {
  recordFloatMovement(event, "WITHDRAWN", event.params.to, event.params.amount);
}

export function handleStablecoinWithdrawn(event: StablecoinWithdrawn): void {
  const p = event.params;
  const withdrawal = new StablecoinWithdrawal(eventId(event));
  withdrawal.stablecoin = p.stablecoin;
  withdrawal.to = p.to;
  withdrawal.amount = p.amount;
  withdrawal.blockNumber = event.block.number;
  withdrawal.timestamp = event.block.timestamp;
  withdrawal.transactionHash = event.transaction.hash;
  withdrawal.save();
}

function recordBlockChange(
  event: ethereum.Event,
  creatorAddress: Address,
  fanAddress: Address,
  blocked: boolean,
): void {
  const change = new BlockChange(eventId(event));
  change.creator = creatorAddress;
  change.fan = fanAddress;
  change.blocked = blocked;
  change.blockNumber = event.block.number;
  change.timestamp = event.block.timestamp;
  change.transactionHash = event.transaction.hash;
  change.save();
  const creator = loadCreator(creatorAddress, event.block);
  creator.blockedCount = creator.blockedCount + (blocked ? 1 : -1);
  creator.save();
  loadFan(fanAddress, event.block).save();
  const pair = loadCreatorFan(creatorAddress, fanAddress, event.block);
  pair.blocked = blocked;
  if (blocked) pair.blockedAt = event.block.timestamp;
  pair.save();
}

export function handleFanBlocked(event: FanBlocked): void {
  recordBlockChange(event, event.params.creator, event.params.fan, true);
}

export function handleFanUnblocked(event: FanUnblocked): void {
  recordBlockChange(event, event.params.creator, event.params.fan, false);
}

export function handleFeeUpdated(event: FeeUpdated): void {
  const vault = loadVault(event.address, event.block);
  vault.feeBps = event.params.newBps;
  vault.save();
  recordParameterChange(event, "FeeUpdated", event.params.oldBps.toString(), event.params.newBps.toString());
}

export function handleHoldPeriodUpdated(event: HoldPeriodUpdated): void {
  const vault = loadVault(event.address, event.block);
  vault.holdPeriod = event.params.newSeconds;
  vault.save();
  recordParameterChange(
    event,
    "HoldPeriodUpdated",
    event.params.oldSeconds.toString(),
    event.params.newSeconds.toString(),
  );
}

export function handleTreasuryUpdated(event: TreasuryUpdated): void {
  const vault = loadVault(event.address, event.block);
  vault.treasury = event.params.newTreasury;
  vault.save();
  recordParameterChange(
    event,
    "TreasuryUpdated",
    event.params.oldTreasury.toHexString(),
    event.params.newTreasury.toHexString(),
  );
}

export function handleConverterUpdated(event: ConverterUpdated): void {
  const vault = loadVault(event.address, event.block);
  vault.converter = event.params.newConverter;
  vault.save();
  recordParameterChange(
    event,
    "ConverterUpdated",
    event.params.oldConverter.toHexString(),
    event.params.newConverter.toHexString(),
  );
}

export function handlePaused(event: Paused): void {
  const vault = loadVault(event.address, event.block);
  vault.paused = true;
  vault.save();
  recordParameterChange(event, "Paused", "", event.params.account.toHexString());
}

export function handleUnpaused(event: Unpaused): void {
  const vault = loadVault(event.address, event.block);
  vault.paused = false;
  vault.save();
  recordParameterChange(event, "Unpaused", "", event.params.account.toHexString());
}

// ───────────────────────────── Accounts, stranded $MESI, modules ─────────────────────────────

export function handleAccountOpened(event: AccountOpened): void {
  const address = event.params.account;
  const account = new Account(address);
  // The registry emits CreatorRegistered just before it opens the creator's ledger, in the same transaction.
  account.openedVia = "OPEN_ACCOUNT";
  const creator = Creator.load(address);
  if (creator != null) {
    const registeredIn = creator.registeredTransactionHash;
    // Bytes overloads `==`: test for null by truthiness.
    if (registeredIn) {
      if (registeredIn.equals(event.transaction.hash)) account.openedVia = "CREATOR_REGISTRATION";
    }
  }
  account.openedBy = event.transaction.from;
  account.openedAt = event.block.timestamp;
  account.openedAtBlock = event.block.number;
  account.openedTransactionHash = event.transaction.hash;
  account.save();
  const vault = loadVault(event.address, event.block);
  vault.accountCount = vault.accountCount + 1;
  vault.save();
}

export function handleExcessSwept(event: ExcessSwept): void {
  const sweep = new ExcessSweep(eventId(event));
  sweep.treasury = event.params.treasury;
  sweep.amount = event.params.amount;
  sweep.blockNumber = event.block.number;
  sweep.timestamp = event.block.timestamp;
  sweep.transactionHash = event.transaction.hash;
  sweep.save();
  // Stranded $MESI was never in the ledger: only the total swept changes.
  const vault = loadVault(event.address, event.block);
  vault.excessSwept = vault.excessSwept.plus(event.params.amount);
  vault.excessSweepCount = vault.excessSweepCount + 1;
  vault.save();
}

export function handleModulesLocked(event: ModulesLocked): void {
  const vault = loadVault(event.address, event.block);
  vault.modulesLocked = true;
  vault.save();
  recordParameterChange(event, "ModulesLocked", "false", "true");
}

export function handleModuleScheduled(event: ModuleScheduled): void {
  const module = loadVaultModule(event.params.module);
  scheduleChange(event, module, event.params.readyAt);
  module.save();
}

export function handleModuleScheduleCancelled(event: ModuleScheduleCancelled): void {
  const module = loadVaultModule(event.params.module);
  closePendingChange(event, module, "CANCELLED", null);
  module.save();
}

/** Once modules are locked, making an address a module uses up its due schedule (the vault reverts without one). */
function executeModuleChange(event: ethereum.Event, moduleAddress: Address, kind: string, enable: boolean): void {
  const module = loadVaultModule(moduleAddress);
  if (kind == "CREDIT_MODULE") module.creditModule = enable;
  else module.escrowModule = enable;
  if (enable && loadVault(event.address, event.block).modulesLocked) {
    closePendingChange(event, module, "EXECUTED", kind);
  }
  module.save();
}

function moduleRole(): Bytes {
  return Bytes.fromByteArray(crypto.keccak256(ByteArray.fromUTF8("MODULE_ROLE")));
}

export function handleRoleGranted(event: RoleGranted): void {
  if (!event.params.role.equals(moduleRole())) return;
  executeModuleChange(event, event.params.account, "CREDIT_MODULE", true);
}

export function handleRoleRevoked(event: RoleRevoked): void {
  if (!event.params.role.equals(moduleRole())) return;
  executeModuleChange(event, event.params.account, "CREDIT_MODULE", false);
}

export function handleEscrowModuleUpdated(event: EscrowModuleUpdated): void {
  const p = event.params;
  if (p.oldModule.notEqual(Address.zero())) executeModuleChange(event, p.oldModule, "ESCROW_MODULE", false);
  if (p.newModule.notEqual(Address.zero())) executeModuleChange(event, p.newModule, "ESCROW_MODULE", true);
  const vault = loadVault(event.address, event.block);
  if (p.newModule.equals(Address.zero())) vault.escrowModule = null;
  else vault.escrowModule = p.newModule;
  vault.save();
}
