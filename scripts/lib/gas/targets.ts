// Gas targets and the committed gas snapshot: pure functions, so that the
// benchmark's verdicts and the snapshot check can be tested without a chain.

/** Gas used by each measured operation (whole transaction, 21,000 base included). */
export type GasMeasurements = Readonly<Record<string, bigint>>;

export interface GasTarget {
  readonly name: string;
  /** What the target compares, for people. */
  readonly description: string;
  /** Numerator measurement key. */
  readonly measured: string;
  /** Denominator measurement key. */
  readonly baseline: string;
  /** The ratio measured / baseline must not exceed this. */
  readonly maxRatio: number;
}

export interface TargetResult {
  readonly target: GasTarget;
  readonly ratio: number;
  readonly ok: boolean;
}

/** Ratio of two gas figures, rounded to 3 decimals (what the verdict uses). */
export function gasRatio(measured: bigint, baseline: bigint): number {
  if (baseline <= 0n) throw new Error("baseline gas must be positive");
  return Number((measured * 1000n + baseline / 2n) / baseline) / 1000;
}

export function evaluateTargets(targets: readonly GasTarget[], gas: GasMeasurements): TargetResult[] {
  return targets.map((target) => {
    const measured = gas[target.measured];
    const baseline = gas[target.baseline];
    if (measured === undefined || baseline === undefined) {
      throw new Error(`target ${target.name} needs measurements ${target.measured} and ${target.baseline}`);
    }
    const ratio = gasRatio(measured, baseline);
    return { target, ratio, ok: ratio <= target.maxRatio };
  });
}

/** `TARGET <name> measured=<ratio>x goal=<=<max>x status=ok|miss` */
export function formatTargetLine(result: TargetResult): string {
  const { target, ratio, ok } = result;
  return `TARGET ${target.name} measured=${ratio.toFixed(3)}x goal=<=${target.maxRatio.toFixed(2)}x status=${ok ? "ok" : "miss"}`;
}

/** The committed snapshot: measurement → gas, as decimal strings (JSON has no bigint). */
export type GasSnapshot = Readonly<Record<string, string>>;

export function toSnapshot(gas: GasMeasurements, keys: readonly string[]): GasSnapshot {
  return Object.fromEntries([...keys].sort().map((key) => [key, String(gas[key] ?? 0n)]));
}

export interface SnapshotComparison {
  /** Measurements that grew beyond the tolerance: the check fails. */
  readonly regressions: readonly string[];
  /** Measurements that fell beyond the tolerance: fine, but the snapshot should be updated. */
  readonly improvements: readonly string[];
  /** Measured but not in the snapshot, or in the snapshot but no longer measured: the check fails. */
  readonly mismatchedKeys: readonly string[];
}

/** Compares fresh measurements with the committed snapshot, allowing `tolerance` (0.01 = 1 %) either way. */
export function compareSnapshot(committed: GasSnapshot, fresh: GasSnapshot, tolerance: number): SnapshotComparison {
  const regressions: string[] = [];
  const improvements: string[] = [];
  const mismatchedKeys: string[] = [];
  const toleranceBps = BigInt(Math.round(tolerance * 10_000));
  for (const key of new Set([...Object.keys(committed), ...Object.keys(fresh)])) {
    const before = committed[key];
    const after = fresh[key];
    if (before === undefined || after === undefined) {
      mismatchedKeys.push(`${key}: ${before === undefined ? "not in the committed snapshot" : "no longer measured"}`);
      continue;
    }
    const was = BigInt(before);
    const now = BigInt(after);
    const change = `${key}: ${was} → ${now} (${now >= was ? "+" : ""}${((Number(now - was) / Number(was)) * 100).toFixed(2)} %)`;
    if (now * 10_000n > was * (10_000n + toleranceBps)) regressions.push(change);
    else if (now * 10_000n < was * (10_000n - toleranceBps)) improvements.push(change);
  }
  return { regressions, improvements, mismatchedKeys };
}
