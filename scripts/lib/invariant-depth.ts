// How deep the invariant runs went: each invariant suite's afterInvariant appends one line per run to
// cache/invariant-depth.log (`<Suite> run: calls 500, idle 12, released 9, …`); this summarises them per suite as the
// least and the median of each count over the runs, which scripts/test-contracts.ts prints after a Solidity run.

export const INVARIANT_DEPTH_LOG = "cache/invariant-depth.log";

/** `suite → count name → the value in each run`. */
export type DepthRuns = Map<string, Map<string, number[]>>;

export function parseDepthLog(text: string): DepthRuns {
  const suites: DepthRuns = new Map();
  for (const line of text.split("\n")) {
    const match = /^(\S+) run: (.*)$/.exec(line.trim());
    if (match?.[1] === undefined || match[2] === undefined) continue;
    const counts = suites.get(match[1]) ?? new Map<string, number[]>();
    suites.set(match[1], counts);
    for (const pair of match[2].split(",")) {
      const field = /^\s*(.+?)\s+(\d+)\s*$/.exec(pair);
      if (field?.[1] === undefined || field[2] === undefined) continue;
      const values = counts.get(field[1]) ?? [];
      values.push(Number(field[2]));
      counts.set(field[1], values);
    }
  }
  return suites;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? 0;
}

/** One line per suite: `<suite>: N runs; per run, least/median: calls 480/500, released 6/9, …`. */
export function formatDepth(runs: DepthRuns): string[] {
  const lines: string[] = [];
  for (const [suite, counts] of runs) {
    const runCount = Math.max(0, ...[...counts.values()].map((values) => values.length));
    const parts = [...counts].map(([name, values]) => `${name} ${Math.min(...values)}/${median(values)}`);
    lines.push(`${suite}: ${runCount} runs; per run, least/median: ${parts.join(", ")}`);
  }
  return lines;
}
