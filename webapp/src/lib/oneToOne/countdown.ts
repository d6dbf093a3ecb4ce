// Countdowns on the one-to-one cards: the time left as people read it, and the chain's clock as the page sees it.
// Deadlines are judged by block time, and a local chain's time can run ahead of the wall clock (evm_increaseTime),
// so the page counts from the latest block's time whenever it is ahead of its own clock.

/** "4:07" under an hour, "2 h 05 min" under a day, "3 d 4 h" beyond; never negative. */
export function formatCountdown(secondsLeft: number): string {
  const left = Math.max(0, Math.floor(secondsLeft));
  const d = Math.floor(left / 86_400);
  const h = Math.floor((left % 86_400) / 3600);
  const min = Math.floor((left % 3600) / 60);
  const s = left % 60;
  if (d > 0) return `${d} d ${h} h`;
  if (h > 0) return `${h} h ${String(min).padStart(2, "0")} min`;
  return `${min}:${String(s).padStart(2, "0")}`;
}

/** How far the chain's clock runs ahead of this page's: a block's time seen at `wallSeconds` (never behind). */
export function chainClockOffset(blockTimestamp: number, wallSeconds: number): number {
  return Math.max(0, blockTimestamp - wallSeconds);
}

/** How long one thing came after another, for facts: "12 s", "4 min", "2 h 05 min", "3 d 4 h". */
export function formatElapsed(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  return formatCountdown(s);
}
