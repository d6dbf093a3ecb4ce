// Runs every contract test (scripts/test-contracts.ts all) with Hardhat's
// coverage instrumentation, prints line, statement and branch coverage per
// contract file, lists the branches no test takes, and fails when the total
// line, statement or branch coverage of contracts/ is below the minimum, or
// when any one contract is below it on lines or branches (the per-contract
// floor: a weak file cannot hide behind strong ones).
//
// Counted files: contracts/**/*.sol except contracts/interfaces and
// contracts/bench (tests live in test/ and are never instrumented).
//
// Lines come from coverage/lcov.info as Hardhat computes them. EDR reports no
// branch data, so branches are inferred from statement execution counts:
// coverage/data/*/*.json count, per statement tag, the transactions that ran
// the statement. The statements and their tags come from the instrumentation
// call Hardhat makes (EDR's addStatementCoverageInstrumentation, same source
// name and text, so the same tags), the structure from solc's AST. Branch
// points: if/else arms, require/assert (pass, revert) and try/catch clauses;
// ternaries are expressions EDR does not instrument, so they are listed as not
// measured and left out of the totals. The exact rules, and when a miss is
// only "not proven", are in scripts/lib/branch-coverage.ts.
//
// Usage: node --import tsx scripts/coverage-check.ts [--min <percent>] [--reuse]
//   --reuse  analyse the coverage/ output of an earlier run instead of running the tests
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";

import { analyzeFileBranches, type FileBranchCoverage } from "./lib/branch-coverage.ts";
import { filesBelowFloor, type FileCoverage } from "./lib/coverage-floor.ts";
import {
  contractSourceFiles,
  instrumentedStatements,
  isCountedContract,
  parseSolidity,
  projectSourceName,
  readExecutionCounts,
  readHardhatStatementPercents,
  solcVersion,
} from "./lib/branch-coverage-sources.ts";

const root = join(import.meta.dirname, "..");
const coverageDir = join(root, "coverage");
const lcovPath = join(coverageDir, "lcov.info");

interface LineCoverage {
  readonly hit: number;
  readonly found: number;
}

function readLcov(path: string): Map<string, LineCoverage> {
  const records = new Map<string, LineCoverage>();
  let file = "";
  let hit = 0;
  let found = 0;
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (line.startsWith("SF:")) file = line.slice(3);
    else if (line.startsWith("LH:")) hit = Number(line.slice(3));
    else if (line.startsWith("LF:")) found = Number(line.slice(3));
    else if (line === "end_of_record") records.set(file, { hit, found });
  }
  return records;
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

const percent = (hit: number, total: number): number => (total === 0 ? 100 : (100 * hit) / total);
const ratio = (hit: number, total: number): string =>
  total === 0 ? "-" : `${percent(hit, total).toFixed(2)}% (${hit}/${total})`;

const { values } = parseArgs({
  options: { min: { type: "string", default: "95" }, reuse: { type: "boolean", default: false } },
});
const minimum = Number(values.min);

// Tags depend on the text, so read the sources before the tests compile them.
const allFiles = contractSourceFiles(root);
const contents = new Map(allFiles.map((file) => [file, readFileSync(join(root, file), "utf8")]));
const files = allFiles.filter(isCountedContract);

let output: string | undefined;
if (!values.reuse) {
  const run = await runCoverage();
  if (run.exitCode !== 0) {
    console.log(`coverage: tests failed under coverage (exit ${run.exitCode})`);
    process.exit(run.exitCode);
  }
  output = run.output;
}
if (!existsSync(lcovPath)) {
  console.log(`coverage: ${lcovPath} was not written`);
  process.exit(1);
}
const changed = allFiles.filter((file) => readFileSync(join(root, file), "utf8") !== contents.get(file));
if (changed.length > 0) {
  console.log(`coverage: sources changed during the run, rerun: ${changed.join(", ")}`);
  process.exit(1);
}

const lcov = readLcov(lcovPath);
const counts = readExecutionCounts(coverageDir);
const version = solcVersion();
const tags = new Map(
  allFiles.map((file) => [
    file,
    instrumentedStatements(contents.get(file) ?? "", projectSourceName(root, file), version),
  ]),
);

// The tags must be the ones the run recorded: another source text or source
// name, or another coverage run writing coverage/ meanwhile, would silently
// zero the branch counts. Every recorded tag must belong to a contract source,
// and each file's statement % must equal the one Hardhat printed.
const known = new Set([...tags.values()].flat().map((s) => s.tag));
const unknown = [...counts.keys()].filter((tag) => !known.has(tag)).length;
const hardhatStatements = output === undefined ? new Map<string, number>() : readHardhatStatementPercents(output);
const mismatched: string[] = [];
for (const file of files) {
  const statements = tags.get(file) ?? [];
  const expected = hardhatStatements.get(file);
  if (statements.length === 0) continue;
  if (expected === undefined) {
    if (output !== undefined) mismatched.push(`${file}: not in the table Hardhat printed`);
    continue;
  }
  const ours = percent(statements.filter((s) => (counts.get(s.tag) ?? 0) > 0).length, statements.length);
  if (Math.abs(expected - ours) > 0.01) mismatched.push(`${file}: Hardhat ${expected}%, tags ${ours.toFixed(2)}%`);
}
if (unknown > 0 || mismatched.length > 0) {
  console.log("coverage: coverage/data does not match these sources (stale data, or another coverage run meanwhile?)");
  if (unknown > 0) console.log(`  ${unknown} recorded tags belong to no contracts/ statement`);
  for (const line of mismatched) console.log(`  ${line}`);
  process.exit(1);
}

const countedFiles = files.filter((file) => (tags.get(file) ?? []).length > 0);
if (countedFiles.length === 0) {
  console.log("coverage: no instrumented contract statements (no contracts yet): nothing to check");
  process.exit(0);
}
const asts = parseSolidity(new Map(countedFiles.map((file) => [file, contents.get(file) ?? ""])));
const reports = new Map<string, FileBranchCoverage>();
for (const file of countedFiles) {
  const ast = asts.get(file);
  if (ast === undefined) throw new Error(`no AST for ${file}`);
  const source = contents.get(file) ?? "";
  reports.set(file, analyzeFileBranches({ source, ast, statements: tags.get(file) ?? [], counts }));
}

const rows = [["File", "Lines", "Statements", "Branches"]];
let linesHit = 0;
let linesFound = 0;
let statementsHit = 0;
let statements = 0;
let branchesHit = 0;
let branches = 0;
const perFile: FileCoverage[] = [];
for (const [file, report] of reports) {
  const lines = lcov.get(file) ?? { hit: 0, found: 0 };
  perFile.push({
    file,
    linesHit: lines.hit,
    lines: lines.found,
    branchesHit: report.hit,
    branches: report.total,
  });
  rows.push([
    file,
    ratio(lines.hit, lines.found),
    ratio(report.statementsHit, report.statements),
    ratio(report.hit, report.total),
  ]);
  linesHit += lines.hit;
  linesFound += lines.found;
  statementsHit += report.statementsHit;
  statements += report.statements;
  branchesHit += report.hit;
  branches += report.total;
}
rows.push(["Total", ratio(linesHit, linesFound), ratio(statementsHit, statements), ratio(branchesHit, branches)]);
const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
console.log();
console.log("Contract coverage");
for (const [index, row] of rows.entries()) {
  if (index === 1 || index === rows.length - 1) console.log(widths.map((w) => "-".repeat(w)).join("  "));
  console.log(
    row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join("  "),
  );
}
console.log(
  "branches inferred from statement execution counts: if/else arms, require/assert and try/catch clauses " +
    "(method: scripts/lib/branch-coverage.ts)",
);

const uncovered: string[] = [];
const unmeasured: string[] = [];
for (const [file, report] of reports) {
  for (const branch of report.branches) {
    for (const arm of branch.arms) {
      const where = `${file}:${branch.line} ${branch.kind} ${arm.label}`;
      if (arm.status === "missed") uncovered.push(`${where}  ${branch.snippet}`);
      else if (arm.status === "not-proven") {
        uncovered.push(`${where} (not proven: only ran in transactions that took another arm)  ${branch.snippet}`);
      } else if (arm.status === "not-measured") unmeasured.push(`${where}  ${branch.snippet}`);
    }
  }
}
if (uncovered.length > 0) {
  console.log(`uncovered branches (${uncovered.length}):`);
  for (const line of uncovered) console.log(`  ${line}`);
}
if (unmeasured.length > 0) {
  console.log(`branches not measured, not counted (${unmeasured.length}):`);
  for (const line of unmeasured) console.log(`  ${line}`);
}

const linePercent = percent(linesHit, linesFound);
const statementPercent = percent(statementsHit, statements);
const branchPercent = percent(branchesHit, branches);
console.log(
  `coverage: lines ${ratio(linesHit, linesFound)}, statements ${ratio(statementsHit, statements)}, ` +
    `branches ${ratio(branchesHit, branches)}, minimum ${minimum}%`,
);
const weakFiles = filesBelowFloor(perFile, minimum);
if (weakFiles.length > 0) {
  console.log(`coverage: contracts below the per-contract floor of ${minimum}% (lines or branches):`);
  for (const line of weakFiles) console.log(`  ${line}`);
} else {
  console.log(`coverage: every contract at or above ${minimum}% lines and branches`);
}
const ok = linePercent >= minimum && statementPercent >= minimum && branchPercent >= minimum && weakFiles.length === 0;
process.exit(ok ? 0 : 1);
