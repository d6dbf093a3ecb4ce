// A messenger conversation as a report's 32-byte `relatedRef` on chain: the hash of its id, so moderators can
// match the on-chain report with the conversation without the chain learning anything about it.
import { keccak256, stringToBytes, type Hex } from "viem";

export function conversationRef(conversationId: string): Hex {
  return keccak256(stringToBytes(`mesi:conversation:${conversationId}`));
}
