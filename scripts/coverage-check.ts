// Runs every contract test (scripts/test-contracts.ts all) with Hardhat's
// coverage instrumentation and fails when line or statement coverage of
// contracts/ is below the threshold.
//
// Hardhat 3 writes coverage/lcov.info (lines only: EDR reports no branch
// data) and prints a table whose "Total" row carries line and statement
// percentages; the statement figure is read from that table.
//
// Usage: node --import tsx scripts/coverage-check.ts [--min <percent>]
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";

import { stripAnsi } from "./lib/test-counts.ts";

const root = join(import.meta.dirname, "..");
const lcovPath = join(root, "coverage", "lcov.info");

interface LineCoverage {
  readonly file: string;
  readonly hit: number;
  readonly found: number;
}

function readLcov(path: string): LineCoverage[] {
  const records: LineCoverage[] = [];
  let file = "";
  let hit = 0;
  let found = 0;
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (line.startsWith("SF:")) file = line.slice(3);
    else if (line.startsWith("LH:")) hit = Number(line.slice(3));
    else if (line.startsWith("LF:")) found = Number(line.slice(3));
    else if (line === "end_of_record") records.push({ file, hit, found });
  }
  return records;
}

function readStatementTotal(output: string): number | undefined {
  const total = stripAnsi(output)
    .split("\n")
    .find((line) => /^\W*Total\b/.test(line));
  const cells = total?.match(/\d+(?:\.\d+)?/g);
  return cells?.[1] === undefined ? undefined : Number(cells[1]);
}

async function runCoverage(): Promise<{ exitCode: number; output: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/test-contracts.ts", "all", "--coverage"], {
    cwd: root,
    stdio: ["ignore", "pipe", "inherit"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
    process.stdout.write(chunk);
  });
  const exitCode = await new Promise<number>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => resolve(code ?? 1));
  });
  return { exitCode, output };
}

const { values } = parseArgs({ options: { min: { type: "string", default: "95" } } });
const minimum = Number(values.min);

const { exitCode, output } = await runCoverage();
if (exitCode !== 0) {
  console.log(`coverage: tests failed under coverage (exit ${exitCode})`);
  process.exit(exitCode);
}
if (!existsSync(lcovPath)) {
  console.log(`coverage: ${lcovPath} was not written`);
  process.exit(1);
}

const records = readLcov(lcovPath);
const hit = records.reduce((sum, r) => sum + r.hit, 0);
const found = records.reduce((sum, r) => sum + r.found, 0);
if (found === 0) {
  console.log("coverage: no instrumented contract lines (no contracts yet): nothing to check");
  process.exit(0);
}

const linePercent = (100 * hit) / found;
const statementPercent = readStatementTotal(output);
const below = records.filter((r) => r.found > 0 && (100 * r.hit) / r.found < minimum);
for (const r of below) {
  console.log(`coverage: ${r.file} lines ${((100 * r.hit) / r.found).toFixed(2)}% (${r.hit}/${r.found})`);
}
const statementText = statementPercent === undefined ? "n/a" : `${statementPercent.toFixed(2)}%`;
console.log(
  `coverage: lines ${linePercent.toFixed(2)}% (${hit}/${found}), statements ${statementText}, minimum ${minimum}%`,
);
const ok = linePercent >= minimum && (statementPercent === undefined || statementPercent >= minimum);
process.exit(ok ? 0 : 1);
