/** Passed/failed counts reported by one test runner or check. */
export interface TestCounts {
  readonly passed: number;
  readonly failed: number;
}

const ANSI_PATTERN = /\u001b\[[0-9;?]*[A-Za-z]/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI_PATTERN, "");
}

function lastNumber(text: string, pattern: RegExp): number | undefined {
  let value: number | undefined;
  for (const match of text.matchAll(pattern)) value = Number(match[1]);
  return value;
}

/**
 * Reads the summary a test runner printed. Understands Hardhat's reporters
 * (`N passing` / `N failing`, used by both `test solidity` and `test nodejs`),
 * node:test's spec and TAP reporters (`ℹ pass N`, `# pass N`) and vitest
 * (`Tests  N passed | M failed`). The last summary in the output wins, so a
 * runner's own final total is used rather than any partial one.
 *
 * @returns the counts, or `undefined` when the output has no summary.
 */
export function parseTestCounts(output: string): TestCounts | undefined {
  const text = stripAnsi(output);

  const vitestLine = lastNumber(text, /^\s*Tests\s+.*?\((\d+)\)\s*$/gm);
  if (vitestLine !== undefined) {
    const line = [...text.matchAll(/^\s*Tests\s+(.*?)\(\d+\)\s*$/gm)].at(-1)?.[1] ?? "";
    return {
      passed: lastNumber(line, /(\d+) passed/g) ?? 0,
      failed: lastNumber(line, /(\d+) failed/g) ?? 0,
    };
  }

  const nodeTestPassed = lastNumber(text, /^[#ℹ] pass (\d+)\s*$/gm);
  if (nodeTestPassed !== undefined) {
    const failed = lastNumber(text, /^[#ℹ] fail (\d+)\s*$/gm) ?? 0;
    const cancelled = lastNumber(text, /^[#ℹ] cancelled (\d+)\s*$/gm) ?? 0;
    return { passed: nodeTestPassed, failed: failed + cancelled };
  }

  const hardhatPassed = lastNumber(text, /^\s*(\d+) passing\b/gm);
  const hardhatFailed = lastNumber(text, /^\s*(\d+) failing\b/gm);
  if (hardhatPassed !== undefined || hardhatFailed !== undefined) {
    return { passed: hardhatPassed ?? 0, failed: hardhatFailed ?? 0 };
  }

  return undefined;
}

/**
 * Settles a suite's counts from its exit code and parsed summary. A suite
 * that exits non-zero without reporting a failure (a crash, a compile error,
 * a failed gas snapshot check) counts one failure so it cannot pass silently.
 */
export function settleCounts(exitCode: number, counts: TestCounts | undefined): TestCounts {
  const { passed, failed } = counts ?? { passed: 0, failed: 0 };
  if (exitCode !== 0 && failed === 0) return { passed, failed: 1 };
  return { passed, failed };
}

/** Lines that name a failure in vitest, node:test, Hardhat/mocha, tsc, solhint and prettier output. */
const FAILURE_LINE =
  /^\s*(FAIL|×|✖|✗|not ok)\s|^\s*\d+\) \S|AssertionError|error TS\d+|^\s*\d+:\d+\s+error\s|^\[warn\] \S/;

/**
 * The lines of a failed suite's output that say what failed, so that the end of a long log (all a CI page may
 * keep) still names the failing tests. At most `limit` lines, in order, ANSI colours removed; when nothing
 * matches, the last `limit` lines instead.
 */
export function failureDigest(output: string, limit = 25): string[] {
  const lines = stripAnsi(output)
    .split("\n")
    .map((line) => line.trimEnd());
  const matching = lines.filter((line) => FAILURE_LINE.test(line));
  const picked = matching.length > 0 ? matching : lines.filter((line) => line.trim() !== "").slice(-limit);
  const unique = [...new Set(picked)];
  return unique.length > limit ? [...unique.slice(0, limit), `… and ${unique.length - limit} more`] : unique;
}
