// Where a creator's disclosure request to a fan stands, from the chain's record and the clock.
export type DisclosureStage = "none" | "pending" | "overdue" | "consented" | "withdrawn";

export interface DisclosureRecord {
  /** Unix seconds; 0 when the creator never asked. */
  readonly requestedAt: number;
  /** Unix seconds; 0 when the fan has not consented to the latest request. */
  readonly consentedAt: number;
  /** KyfRegistry.hasConsented: consent stands and the attestation is valid. */
  readonly consentStands: boolean;
  /** The consent window in seconds (48 hours by default). */
  readonly windowSeconds: number;
  /** The fan withdrew consent to this request at least once (from the index's history). */
  readonly everWithdrawn?: boolean;
}

export interface DisclosureView {
  readonly stage: DisclosureStage;
  /** Unix seconds: requestedAt + window; null when never asked. */
  readonly deadline: number | null;
  /** Seconds left before the deadline (0 once passed); null when never asked or already answered. */
  readonly secondsLeft: number | null;
}

export function disclosureView(record: DisclosureRecord, nowSeconds: number): DisclosureView {
  if (record.requestedAt === 0) return { stage: "none", deadline: null, secondsLeft: null };
  const deadline = record.requestedAt + record.windowSeconds;
  if (record.consentStands) return { stage: "consented", deadline, secondsLeft: null };
  const secondsLeft = Math.max(0, deadline - nowSeconds);
  if (record.everWithdrawn === true) return { stage: "withdrawn", deadline, secondsLeft };
  return { stage: secondsLeft > 0 ? "pending" : "overdue", deadline, secondsLeft };
}

/** "1 d 3 h", "5 h 12 min", "4 min" — coarse, for a deadline countdown. */
export function formatTimeLeft(seconds: number): { days: number; hours: number; minutes: number } {
  const total = Math.max(0, Math.floor(seconds));
  return {
    days: Math.floor(total / 86_400),
    hours: Math.floor((total % 86_400) / 3_600),
    minutes: Math.floor((total % 3_600) / 60),
  };
}
