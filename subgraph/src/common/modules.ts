// The vault's module changes behind the admin delay: each schedule is a
// ModuleChange that ends executed (the module's grant or setEscrowModule uses
// it up, once modules are locked), cancelled, or replaced by a later schedule
// of the same module, exactly as the vault keeps one schedule per module.
import { Address, BigInt, ethereum } from "@graphprotocol/graph-ts";

import { ModuleChange, ModuleChangeEvent, VaultModule } from "../../generated/schema";
import { eventId, eventItemId } from "./ids";

export function loadVaultModule(address: Address): VaultModule {
  let module = VaultModule.load(address);
  if (module == null) {
    module = new VaultModule(address);
    module.creditModule = false;
    module.escrowModule = false;
  }
  return module;
}

function recordStep(event: ethereum.Event, itemIndex: i32, change: ModuleChange, kind: string): void {
  const step = new ModuleChangeEvent(itemIndex == 0 ? eventId(event) : eventItemId(event, itemIndex));
  step.change = change.id;
  step.module = change.module;
  step.kind = kind;
  step.readyAt = change.readyAt;
  step.blockNumber = event.block.number;
  step.timestamp = event.block.timestamp;
  step.transactionHash = event.transaction.hash;
  step.save();
}

/** Ends `module`'s pending change (if any) with `status`; `executedAs` only for EXECUTED. */
export function closePendingChange(
  event: ethereum.Event,
  module: VaultModule,
  status: string,
  executedAs: string | null,
): void {
  const pendingId = module.pendingChange;
  if (!pendingId) return; // (Bytes overloads `==`: null by truthiness)
  const change = ModuleChange.load(pendingId);
  if (change == null) throw new Error("pending module change " + pendingId.toHexString() + " is missing");
  change.status = status;
  change.executedAs = executedAs;
  change.closedAt = event.block.timestamp;
  change.closedTransactionHash = event.transaction.hash;
  change.save();
  // A replacement shares its log with the new schedule's own step: it takes the log's second id.
  recordStep(event, status == "REPLACED" ? 1 : 0, change, status);
  module.pendingChange = null;
}

/** A new schedule for `module` (ModuleScheduled), replacing any earlier one. */
export function scheduleChange(event: ethereum.Event, module: VaultModule, readyAt: BigInt): void {
  closePendingChange(event, module, "REPLACED", null);
  const change = new ModuleChange(eventId(event));
  change.module = module.id;
  change.readyAt = readyAt;
  change.status = "SCHEDULED";
  change.scheduledAt = event.block.timestamp;
  change.scheduledAtBlock = event.block.number;
  change.scheduledTransactionHash = event.transaction.hash;
  change.save();
  recordStep(event, 0, change, "SCHEDULED");
  module.pendingChange = change.id;
}
