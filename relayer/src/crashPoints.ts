// Named points where a crash test kills the relayer, to prove that a crash at
// each one loses, stalls or doubles no payment. The hook is a dependency that
// only the test entry (test/support/crashing-main.ts) installs; the production
// entry (main.ts) never reads one from the environment or the configuration.
export const CRASH_POINTS = [
  /** A verified webhook was applied inside its database transaction, not yet committed. */
  "webhook:before-commit",
  /** A webhook's transaction committed, not yet answered. */
  "webhook:after-commit",
  /** Outbox rows were claimed by this instance, not yet checked or sent (`rows` says how many: a batch is ≥ 2). */
  "engine:after-claim",
  /** A transaction was signed and recorded (write-ahead), not yet broadcast. */
  "engine:before-broadcast",
  /** A transaction was broadcast, the engine not yet past it. */
  "engine:after-broadcast",
  /** A transaction reached its confirmation depth, not yet booked as confirmed. */
  "engine:before-confirm",
] as const;

export type CrashPoint = (typeof CRASH_POINTS)[number];

/** Called at each crash point; `rows` is the number of outbox rows involved where there are some. */
export type CrashHook = (point: CrashPoint, detail?: { readonly rows: number }) => void;
