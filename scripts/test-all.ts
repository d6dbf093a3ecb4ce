// Runs every suite in scripts/test-suites.ts in order, streaming each one's
// output, then lists the checks (lint, format, typecheck, ABI check, coverage,
// gas targets: each ok or FAILED) apart from the test suites, names every
// skipped test with its reason, and ends with exactly one line:
//   `checks: N ok, N failed` and then, last, `N passed, N failed, N skipped` (failed counts failed checks too)
// where the first three count tests only (todo tests count as skipped).
// A test suite that runs no test fails. Exits non-zero if anything failed.
//
// Usage (under Node 22, see scripts/toolchain.mjs):
//   node --import tsx scripts/test-all.ts [--suites <module>] [name-filter]
//   --suites  a module exporting `suites` in place of scripts/test-suites.ts (the harness's own tests use it)
import { spawn } from "node:child_process";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

import {
  emptyTestFiles,
  failureDigest,
  parseTestCounts,
  settleCounts,
  skippedTests,
  type SkippedTest,
  type TestCounts,
} from "./lib/test-counts.ts";
import type { Suite } from "./test-suites.ts";

const root = join(import.meta.dirname, "..");

interface SuiteResult extends TestCounts {
  readonly name: string;
  readonly kind: Suite["kind"];
  readonly seconds: number;
  /** What failed, from the suite's own output (empty when it passed). */
  readonly digest: readonly string[];
  /** The skipped and todo tests the runner named (it may only count them). */
  readonly skips: readonly SkippedTest[];
}

const NO_TESTS = { passed: 0, failed: 0, skipped: 0, todo: 0 } as const;

async function runSuite(suite: Suite): Promise<SuiteResult> {
  const started = performance.now();
  const [command, ...args] = suite.command;
  const env = { ...process.env, ...(process.stdout.isTTY ? { FORCE_COLOR: "1" } : {}) };
  const child = spawn(command, args, {
    cwd: suite.cwd === undefined ? root : join(root, suite.cwd),
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
    process.stdout.write(chunk);
  });
  child.stderr.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
    process.stderr.write(chunk);
  });
  const exitCode = await new Promise<number>((resolve) => {
    child.once("error", (error) => {
      process.stderr.write(`could not start ${command}: ${error.message}\n`);
      resolve(127);
    });
    child.once("close", (code) => resolve(code ?? 1));
  });
  const seconds = (performance.now() - started) / 1000;
  if (suite.kind === "check") {
    const counts = { ...NO_TESTS, passed: exitCode === 0 ? 1 : 0, failed: exitCode === 0 ? 0 : 1 };
    return { name: suite.name, kind: suite.kind, seconds, ...counts, skips: [], digest: digestOf(counts, output) };
  }
  // A file without tests is reported as one passing test: take it out of the passes and fail the suite.
  const empty = emptyTestFiles(output);
  const parsed = parseTestCounts(output);
  const settled = settleCounts(
    exitCode,
    parsed === undefined ? undefined : { ...parsed, passed: Math.max(0, parsed.passed - empty.length) },
  );
  const skips = skippedTests(output);
  // A skip needs a reason: a runner that printed the skip without one (node:test's bare `# SKIP`) fails the suite.
  const unexplained = skips.filter((skip) => skip.reason === undefined);
  const { problem, ...counts } = settled;
  const failed = counts.failed + (unexplained.length > 0 ? 1 : 0) + (empty.length > 0 && problem === undefined ? 1 : 0);
  const problems = [
    ...(problem === undefined ? [] : [`${suite.name}: ${problem}`]),
    ...empty.map((file) => `a test file that declares no test: ${file}`),
    ...unexplained.map((skip) => `${skip.kind} without a reason: ${skip.name}`),
  ];
  const result = { ...counts, failed };
  return {
    name: suite.name,
    kind: suite.kind,
    seconds,
    ...result,
    skips,
    digest: [...problems, ...digestOf(result, output)],
  };
}

function digestOf(counts: TestCounts, output: string): string[] {
  return counts.failed === 0 ? [] : failureDigest(output);
}

function describeCounts(r: SuiteResult): string {
  if (r.kind === "check") return r.failed === 0 ? "ok" : "FAILED";
  const extra = [r.skipped > 0 ? `, ${r.skipped} skipped` : "", r.todo > 0 ? `, ${r.todo} todo` : ""].join("");
  return `${r.failed === 0 ? "ok" : "FAILED"}, ${r.passed} passed, ${r.failed} failed${extra}`;
}

const { values, positionals } = parseArgs({ options: { suites: { type: "string" } }, allowPositionals: true });
const suitesModule = values.suites === undefined ? "./test-suites.ts" : pathToFileURL(resolve(values.suites)).href;
const { suites } = (await import(suitesModule)) as { suites: readonly Suite[] };
const filter = positionals[0];
const selected = suites.filter((suite) => filter === undefined || suite.name.includes(filter));
const results: SuiteResult[] = [];
for (const [index, suite] of selected.entries()) {
  console.log(`\n=== [${index + 1}/${selected.length}] ${suite.name}: ${suite.command.join(" ")}`);
  const result = await runSuite(suite);
  results.push(result);
  console.log(
    `=== [${index + 1}/${selected.length}] ${suite.name}: ${describeCounts(result)} (${result.seconds.toFixed(1)}s)`,
  );
}

// The end of the log is what a CI page keeps: repeat what failed there.
for (const r of results.filter((result) => result.digest.length > 0)) {
  console.log(`\nWhat failed in ${r.name}:`);
  for (const line of r.digest) console.log(`  ${line}`);
}

const checks = results.filter((r) => r.kind === "check");
const tests = results.filter((r) => r.kind === "tests");
const skipped = tests.filter((r) => r.skipped + r.todo + r.skips.length > 0);
if (skipped.length > 0) {
  console.log("\nSkipped:");
  for (const r of skipped) {
    console.log(`  ${r.name}: ${r.skipped} skipped, ${r.todo} todo`);
    for (const skip of r.skips) console.log(`    ${skip.kind} ${skip.name} — ${skip.reason ?? "NO REASON GIVEN"}`);
    const unnamed = r.skipped + r.todo - r.skips.length;
    if (unnamed > 0) console.log(`    ${unnamed} more: the runner counts them without printing names or reasons`);
  }
}

const status = (r: SuiteResult): string => (r.failed === 0 ? "ok    " : "FAILED");
console.log("\nChecks (each one ok or FAILED, not counted as tests):");
for (const r of checks) console.log(`  ${status(r)} ${r.name} (${r.seconds.toFixed(1)}s)`);
console.log("Tests:");
for (const r of tests) {
  console.log(
    `  ${status(r)} ${r.name}: ${describeCounts(r).replace(/^(ok|FAILED), /, "")} (${r.seconds.toFixed(1)}s)`,
  );
}
const sum = (list: readonly SuiteResult[], pick: (r: SuiteResult) => number): number =>
  list.reduce((total, r) => total + pick(r), 0);
const passed = sum(tests, (r) => r.passed);
const failed = sum(tests, (r) => r.failed);
const checksFailed = sum(checks, (r) => r.failed);
console.log(`checks: ${checks.length - checksFailed} ok, ${checksFailed} failed`);
// The last line: tests passed; tests failed plus failed checks (a red check is a failure of the run);
// tests skipped or todo.
console.log(`${passed} passed, ${failed + checksFailed} failed, ${sum(tests, (r) => r.skipped + r.todo)} skipped`);
process.exitCode = failed === 0 && checksFailed === 0 ? 0 : 1;
