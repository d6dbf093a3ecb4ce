/** Counts reported by one test runner. Skipped and todo tests are neither passed nor failed. */
export interface TestCounts {
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly todo: number;
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
 * (`N passing` / `N failing` / `N skipped` / `N todo`, used by both `test solidity` and `test nodejs`),
 * node:test's spec and TAP reporters (`ℹ pass N`, `# pass N`, `skipped`/`skip`, `todo`) and vitest
 * (`Tests  N passed | M failed | K skipped | T todo`). The last summary in the output wins, so a
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
      skipped: lastNumber(line, /(\d+) skipped/g) ?? 0,
      todo: lastNumber(line, /(\d+) todo/g) ?? 0,
    };
  }

  const nodeTestPassed = lastNumber(text, /^[#ℹ] pass (\d+)\s*$/gm);
  if (nodeTestPassed !== undefined) {
    const failed = lastNumber(text, /^[#ℹ] fail (\d+)\s*$/gm) ?? 0;
    const cancelled = lastNumber(text, /^[#ℹ] cancelled (\d+)\s*$/gm) ?? 0;
    return {
      passed: nodeTestPassed,
      failed: failed + cancelled,
      skipped: lastNumber(text, /^[#ℹ] skip(?:ped)? (\d+)\s*$/gm) ?? 0,
      todo: lastNumber(text, /^[#ℹ] todo (\d+)\s*$/gm) ?? 0,
    };
  }

  // Hardhat prints `N passing` always and the other lines only when non-zero, right below it: read them from the
  // last summary block only, so an earlier run's `1 failing` is not taken for the last run's.
  const blocks = [
    ...text.matchAll(/^\s*\d+ passing\b[^\n]*\n(?:\s*\d+ (?:failing|skipped|todo|cancelled)\b[^\n]*\n?)*/gm),
  ];
  const block = blocks.at(-1)?.[0];
  if (block !== undefined) {
    return {
      passed: lastNumber(block, /^\s*(\d+) passing\b/gm) ?? 0,
      failed: (lastNumber(block, /^\s*(\d+) failing\b/gm) ?? 0) + (lastNumber(block, /^\s*(\d+) cancelled\b/gm) ?? 0),
      skipped: lastNumber(block, /^\s*(\d+) skipped\b/gm) ?? 0,
      todo: lastNumber(block, /^\s*(\d+) todo\b/gm) ?? 0,
    };
  }
  const hardhatFailed = lastNumber(text, /^\s*(\d+) failing\b/gm);
  if (hardhatFailed !== undefined) return { passed: 0, failed: hardhatFailed, skipped: 0, todo: 0 };

  return undefined;
}

/** Tests a runner reported in all: passed, failed, skipped and todo. */
export function totalTests(counts: TestCounts): number {
  return counts.passed + counts.failed + counts.skipped + counts.todo;
}

/** Why a suite's counts were settled as they were, for the summary. */
export type SettledCounts = TestCounts & { readonly problem?: string };

/**
 * Settles a suite's counts from its exit code and parsed summary:
 * - a suite that exits non-zero without reporting a failure (a crash, a compile error, a failed gas snapshot check)
 *   counts one failure so it cannot pass silently;
 * - a suite that ran no test (no summary, or a summary of nothing) counts one failure: a test suite whose files went
 *   missing, or whose filter matches nothing, proves nothing.
 */
export function settleCounts(exitCode: number, counts: TestCounts | undefined): SettledCounts {
  const found = counts ?? { passed: 0, failed: 0, skipped: 0, todo: 0 };
  if (exitCode !== 0 && found.failed === 0) {
    return { ...found, failed: 1, problem: `exited with code ${exitCode} without reporting a failed test` };
  }
  if (counts === undefined && exitCode === 0) {
    return { ...found, failed: 1, problem: "printed no test summary: no test ran" };
  }
  if (totalTests(found) === 0) return { ...found, failed: found.failed + 1, problem: "ran no tests" };
  return found;
}

/**
 * Test files that declared no test. node:test (and Hardhat's runner on top of it) reports such a file as one passing
 * test named by its path (`✔ /abs/path/x.test.ts (80ms)`, TAP `ok 1 - /abs/path/x.test.ts`): a file whose tests went
 * missing would otherwise count as a pass.
 */
export function emptyTestFiles(output: string): string[] {
  const found: string[] = [];
  for (const raw of stripAnsi(output).split("\n")) {
    const line = raw.trimEnd();
    const match = /^\s*✔ (\S+\.[cm]?[jt]sx?) \([\d.]+m?s\)$/.exec(line) ?? /^ok \d+ - (\S+\.[cm]?[jt]sx?)$/.exec(line);
    if (match?.[1] !== undefined) found.push(match[1]);
  }
  return found;
}

/** A skipped or todo test as the runner printed it, with its reason when the runner printed one. */
export interface SkippedTest {
  readonly kind: "skip" | "todo";
  readonly name: string;
  /** `undefined` when the runner printed none (node:test's bare `# SKIP`, Hardhat's reporter, which prints none). */
  readonly reason: string | undefined;
}

/**
 * The skipped and todo tests named in a runner's output:
 * - node:test spec: `﹣ name (0.1ms) # reason` (`# SKIP` alone when no reason was given), todo `✔ name (0.1ms) # reason`
 *   is not told apart from a pass by the spec reporter, so todo names come from TAP only;
 * - node:test TAP: `ok 3 - name # SKIP reason`, `ok 4 - name # TODO reason`;
 * - vitest: `↓ name [reason]` (the verbose reporter lists skipped tests; the default one only counts them).
 * Hardhat's reporters print skipped tests as `- name`, never with a reason; they are only counted.
 */
export function skippedTests(output: string): SkippedTest[] {
  const found: SkippedTest[] = [];
  for (const raw of stripAnsi(output).split("\n")) {
    const line = raw.trimEnd();
    let match = /^\s*﹣ (.+?) \([\d.]+m?s\)(?: # (.*))?$/.exec(line);
    if (match?.[1] !== undefined) {
      const reason = match[2]?.trim();
      found.push({
        kind: "skip",
        name: match[1],
        reason: reason === undefined || reason === "SKIP" ? undefined : reason,
      });
      continue;
    }
    match = /^\s*(?:not )?ok \d+ - (.+?) # (SKIP|TODO)\b\s*(.*)$/i.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined) {
      const reason = match[3]?.trim();
      found.push({
        kind: match[2].toUpperCase() === "TODO" ? "todo" : "skip",
        name: match[1],
        reason: reason || undefined,
      });
      continue;
    }
    match = /^\s*↓ (.+?)(?: \[(.*)\])?$/.exec(line);
    if (match?.[1] !== undefined) {
      found.push({ kind: "skip", name: match[1], reason: match[2]?.trim() || undefined });
      continue;
    }
  }
  return found;
}

/**
 * Lines that name a failure in vitest, node:test, Hardhat/mocha, tsc, solhint and prettier output, and the first
 * line of each thrown error (`TimeoutError: locator.waitFor: …`, `Error: sign-in did not complete …`), so the end of
 * a CI log says why, not only which.
 */
const FAILURE_LINE =
  /^\s*(FAIL|×|✖|✗|not ok)\s|^\s*\d+\) \S|AssertionError|^\s*([A-Z]\w*)?Error( \[\w+\])?: \S|error TS\d+|^\s*\d+:\d+\s+error\s|^\[warn\] \S/;

/** A failed test in node:test's spec reporter, with its duration. */
const SPEC_FAILED_TEST = /^\s*✖ .*\(\d+(\.\d+)?ms\)$/;

/**
 * The lines of a failed suite's output that say what failed, so that the end of a long log (all a CI page may
 * keep) still names the failing tests. At most `limit` lines, in order, ANSI colours removed; when nothing
 * matches, the last `limit` lines instead.
 */
export function failureDigest(output: string, limit = 25): string[] {
  const lines = stripAnsi(output)
    .split("\n")
    .map((line) => line.trimEnd());
  // node:test's spec reporter prints the reason on the line after a failed test's `✖ name (12ms)`, and Playwright's
  // reasons (`locator.waitFor: Timeout 10000ms exceeded.`) name no error class: keep that line too.
  const matching = lines.filter(
    (line, i) => FAILURE_LINE.test(line) || (SPEC_FAILED_TEST.test(lines[i - 1] ?? "") && line.trim() !== ""),
  );
  const picked = matching.length > 0 ? matching : lines.filter((line) => line.trim() !== "").slice(-limit);
  const unique = [...new Set(picked)];
  return unique.length > limit ? [...unique.slice(0, limit), `… and ${unique.length - limit} more`] : unique;
}
