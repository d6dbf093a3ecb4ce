// The on-chain facts a moderator weighs for a disputed one-to-one, from the index: when the fan paid (block and
// time), when the call started and was due to end, when the fan reported, and whether the creator blocked the fan
// during the session — when, and how long after the payment.
import type { BlockChangeRow, DisputedSessionRow } from "./queries";

export interface SessionFacts {
  readonly paidAt: number;
  readonly paidBlock: bigint | null;
  readonly paidTransaction: `0x${string}` | null;
  readonly startedAt: number | null;
  readonly endsAt: number | null;
  readonly reportedAt: number | null;
  readonly reportedBlock: bigint | null;
  /** The first block of the fan by the creator after the payment, if any. */
  readonly blocked: { readonly at: number; readonly block: bigint; readonly secondsAfterPayment: number } | null;
  /** Whether the fan is blocked now (the pair's latest change). */
  readonly blockedNow: boolean;
}

export function sessionFacts(session: DisputedSessionRow, changes: readonly BlockChangeRow[]): SessionFacts {
  const event = (kind: string) => session.events.find((e) => e.kind === kind);
  const paid = event("REQUESTED");
  const reported = event("DISPUTED");
  const paidAt = Number(session.requestedAt);
  const pair = changes
    .filter(
      (c) =>
        c.creator.id.toLowerCase() === session.creator.id.toLowerCase() &&
        c.fan.id.toLowerCase() === session.fan.id.toLowerCase(),
    )
    .sort((a, b) => Number(a.blockNumber) - Number(b.blockNumber));
  const firstBlock = pair.find((c) => c.blocked && Number(c.timestamp) >= paidAt);
  return {
    paidAt,
    paidBlock: paid ? BigInt(paid.blockNumber) : null,
    paidTransaction: paid?.transactionHash ?? null,
    startedAt: session.startedAt === null ? null : Number(session.startedAt),
    endsAt: session.endsAt === null ? null : Number(session.endsAt),
    reportedAt: reported ? Number(reported.timestamp) : null,
    reportedBlock: reported ? BigInt(reported.blockNumber) : null,
    blocked:
      firstBlock === undefined
        ? null
        : {
            at: Number(firstBlock.timestamp),
            block: BigInt(firstBlock.blockNumber),
            secondsAfterPayment: Number(firstBlock.timestamp) - paidAt,
          },
    blockedNow: pair.at(-1)?.blocked ?? false,
  };
}
