// A moderator's split of a disputed one-to-one, as the escrow computes it (IOneToOneEscrow.resolve):
// creatorAmount = amount × creatorBps / 10,000 rounded down, the rest back to the fan; the platform fee is taken
// from the creator's part at the vault's fee, rounded down.
import { BPS_DENOMINATOR, splitFee } from "$lib/amounts";

export const MAX_SPLIT_BPS = 10_000;

export interface SessionSplit {
  readonly creatorBps: number;
  /** The creator's part before the fee (what the escrow emits as creatorAmount). */
  readonly creatorGross: bigint;
  readonly fee: bigint;
  /** What reaches the creator's earnings. */
  readonly creatorNet: bigint;
  /** Refunded to the fan. */
  readonly fanAmount: bigint;
}

export function splitSession(amount: bigint, creatorBps: number, feeBps: bigint): SessionSplit {
  const creatorGross = (amount * BigInt(creatorBps)) / BPS_DENOMINATOR;
  const { fee, toCreator } = splitFee(creatorGross, feeBps);
  return { creatorBps, creatorGross, fee, creatorNet: toCreator, fanAmount: amount - creatorGross };
}

export type SplitProblem = "notWhole" | "tooLarge";

/** What a moderator typed as the creator's share in basis points: a whole number from 0 to 10,000. */
export function parseSplitBps(text: string): { ok: true; bps: number } | { ok: false; problem: SplitProblem } {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) return { ok: false, problem: "notWhole" };
  const bps = Number(trimmed);
  if (bps > MAX_SPLIT_BPS) return { ok: false, problem: "tooLarge" };
  return { ok: true, bps };
}
