// The on-chain shape of a tip: its channel, the channel's reference and the memo's hash.
import { encodeAbiParameters, keccak256, stringToBytes, zeroHash, type Address, type Hex } from "viem";

import type { TipChannel } from "./channel";

export { TipChannel } from "./channel";

/** Memos are kept off-chain; the tip carries their hash. An empty memo is the zero hash. */
export function memoHashOf(memo: string): Hex {
  const text = memo.trim();
  return text === "" ? zeroHash : keccak256(stringToBytes(text));
}

/** The `data` of `MesiToken.transferAndCall(vault, amount, data)` that tips `creator` (as `vault.encodeTipData`). */
export function encodeTipData(creator: Address, channel: TipChannel, channelRef: Hex, memoHash: Hex): Hex {
  return encodeAbiParameters(
    [{ type: "address" }, { type: "uint8" }, { type: "bytes32" }, { type: "bytes32" }],
    [creator, channel, channelRef, memoHash],
  );
}

/** A tipping link's id as the tip's channel reference: the link's creator and suggested amount, hashed. */
export function tipLinkRef(creator: Address, amount: bigint | undefined): Hex {
  return keccak256(encodeAbiParameters([{ type: "address" }, { type: "uint256" }], [creator, amount ?? 0n]));
}
