// A session id embeds its fan–creator pair (IOneToOneEscrow.sessionIdOf): the id alone tells whether `fan` booked
// it with `creator`, with no chain or index read.
import { sessionIdOf } from "@mesi/deployments";
import type { Address } from "viem";

export function sessionBelongsTo(sessionId: bigint, fan: Address, creator: Address): boolean {
  const seq = sessionId & ((1n << 64n) - 1n);
  return seq > 0n && sessionIdOf(fan, creator, seq) === sessionId;
}
