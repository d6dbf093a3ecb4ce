// The per-contract coverage floor: no counted contract may fall below the minimum on lines or branches, so a weak
// file cannot hide behind strong ones in the total.

export interface FileCoverage {
  readonly file: string;
  readonly linesHit: number;
  readonly lines: number;
  readonly branchesHit: number;
  readonly branches: number;
}

const percent = (hit: number, total: number): number => (total === 0 ? 100 : (100 * hit) / total);

/** One line per file below `minimum` % on lines or on branches (a file with no lines or branches counts as 100 %). */
export function filesBelowFloor(files: readonly FileCoverage[], minimum: number): string[] {
  const below: string[] = [];
  for (const f of files) {
    const misses: string[] = [];
    if (percent(f.linesHit, f.lines) < minimum) {
      misses.push(`lines ${percent(f.linesHit, f.lines).toFixed(2)}% (${f.linesHit}/${f.lines})`);
    }
    if (percent(f.branchesHit, f.branches) < minimum) {
      misses.push(`branches ${percent(f.branchesHit, f.branches).toFixed(2)}% (${f.branchesHit}/${f.branches})`);
    }
    if (misses.length > 0) below.push(`${f.file}: ${misses.join(", ")}`);
  }
  return below;
}
