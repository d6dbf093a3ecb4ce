// Entity ids. Event entities: transaction hash + log index, as graph-node
// subgraphs conventionally key them. Pairs: the two addresses back to back.
import { Address, BigInt, Bytes, ethereum } from "@graphprotocol/graph-ts";

export const SECONDS_PER_DAY: i32 = 86400;

/** Transaction hash followed by the log index (4 bytes). */
export function eventId(event: ethereum.Event): Bytes {
  return event.transaction.hash.concatI32(event.logIndex.toI32());
}

/** Transaction hash, log index and a position inside the event (TransferBatch items). */
export function eventItemId(event: ethereum.Event, index: i32): Bytes {
  return eventId(event).concatI32(index);
}

/** Creator address followed by fan address. */
export function pairId(creator: Address, fan: Address): Bytes {
  return creator.concat(fan);
}

/** Day number (UTC) of a block timestamp. */
export function dayOf(timestamp: BigInt): i32 {
  return timestamp.toI32() / SECONDS_PER_DAY;
}

/** Decimal id of a uint256 counter (stream, session, report). */
export function counterId(value: BigInt): string {
  return value.toString();
}

/** A uint256 as 32 big-endian bytes (stream id inside composite ids). */
export function uint256Bytes(value: BigInt): Bytes {
  const hex = value.toHexString().slice(2);
  let padded = hex;
  while (padded.length < 64) padded = "0" + padded;
  return Bytes.fromHexString("0x" + padded);
}

/** Whether every byte is zero (an unset bytes32 reference). */
export function isZeroBytes(value: Bytes): boolean {
  for (let i = 0; i < value.length; i++) {
    if (value[i] != 0) return false;
  }
  return true;
}
