import { ethereum } from "@graphprotocol/graph-ts";

import { ParameterChange } from "../../generated/schema";
import { eventId } from "./ids";

/** Records a parameter change of any Mesi contract (values as text). */
export function recordParameterChange(event: ethereum.Event, name: string, oldValue: string, newValue: string): void {
  const change = new ParameterChange(eventId(event));
  change.contract = event.address;
  change.name = name;
  change.oldValue = oldValue;
  change.newValue = newValue;
  change.blockNumber = event.block.number;
  change.timestamp = event.block.timestamp;
  change.transactionHash = event.transaction.hash;
  change.save();
}
