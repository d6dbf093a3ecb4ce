// Runs every suite in scripts/test-suites.ts in order, streaming each one's
// output, and ends with exactly one line: `N passed, N failed`, summed over
// all suites. Exits non-zero if anything failed.
//
// Usage (under Node 22, see scripts/toolchain.mjs): node --import tsx scripts/test-all.ts [name-filter]
import { spawn } from "node:child_process";
import { join } from "node:path";
import { performance } from "node:perf_hooks";

import { failureDigest, parseTestCounts, settleCounts, type TestCounts } from "./lib/test-counts.ts";
import { suites, type Suite } from "./test-suites.ts";

const root = join(import.meta.dirname, "..");

interface SuiteResult extends TestCounts {
  readonly name: string;
  readonly seconds: number;
  /** What failed, from the suite's own output (empty when it passed). */
  readonly digest: readonly string[];
}

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
  const counts =
    suite.kind === "check"
      ? { passed: exitCode === 0 ? 1 : 0, failed: exitCode === 0 ? 0 : 1 }
      : settleCounts(exitCode, parseTestCounts(output));
  return { name: suite.name, seconds, ...counts, digest: counts.failed === 0 ? [] : failureDigest(output) };
}

const filter = process.argv[2];
const selected = suites.filter((suite) => filter === undefined || suite.name.includes(filter));
const results: SuiteResult[] = [];
for (const [index, suite] of selected.entries()) {
  console.log(`\n=== [${index + 1}/${selected.length}] ${suite.name}: ${suite.command.join(" ")}`);
  const result = await runSuite(suite);
  results.push(result);
  const status = result.failed === 0 ? "ok" : "FAILED";
  console.log(
    `=== [${index + 1}/${selected.length}] ${suite.name}: ${status}, ` +
      `${result.passed} passed, ${result.failed} failed (${result.seconds.toFixed(1)}s)`,
  );
}

// The end of the log is what a CI page keeps: repeat what failed there.
for (const r of results.filter((result) => result.digest.length > 0)) {
  console.log(`\nWhat failed in ${r.name}:`);
  for (const line of r.digest) console.log(`  ${line}`);
}

console.log("\nSummary:");
for (const r of results) {
  console.log(
    `  ${r.failed === 0 ? "ok    " : "FAILED"} ${r.name}: ${r.passed} passed, ${r.failed} failed (${r.seconds.toFixed(1)}s)`,
  );
}
const passed = results.reduce((sum, r) => sum + r.passed, 0);
const failed = results.reduce((sum, r) => sum + r.failed, 0);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
