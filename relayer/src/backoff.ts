// One backoff rule for every retry in the relayer: the delay doubles with each
// attempt from `baseMs` and stops growing at `maxMs`.

export interface BackoffOptions {
  readonly baseMs: number;
  readonly maxMs: number;
}

/** Delay before attempt `attempt + 1` after `attempt` failures (attempt 0 waits `baseMs`). */
export function backoffDelay(attempt: number, options: BackoffOptions): number {
  const doublings = Math.max(0, Math.min(attempt, 30));
  return Math.min(options.maxMs, options.baseMs * 2 ** doublings);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
