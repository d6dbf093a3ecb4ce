// The inputs of branch-coverage.ts for real files: the statements Hardhat's
// `--coverage` instruments (same EDR call, same source name, hence the same
// tags as in coverage/data), the solc AST of the same text, and the execution
// counts Hardhat saved.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";

import { addStatementCoverageInstrumentation, latestSupportedSolidityVersion } from "@nomicfoundation/edr";
import solc from "solc";

import type { InstrumentedStatement, SolcAstNode } from "./branch-coverage.ts";
import { stripAnsi } from "./test-counts.ts";

/** Hardhat 3 names project sources `project/<path from the root>` in solc input (and in coverage tags). */
export function projectSourceName(root: string, file: string): string {
  return `project/${relative(root, file).split(sep).join("/")}`;
}

/** The solc version of the `solc` package, which hardhat.config.ts compiles with (e.g. "0.8.30"). */
export function solcVersion(): string {
  const match = /^\d+\.\d+\.\d+/.exec(String(solc.semver()));
  if (match === null) throw new Error(`unexpected solc version ${String(solc.semver())}`);
  return match[0];
}

function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

/**
 * The statements EDR instruments in `content`, as Hardhat's coverage plugin
 * calls it (hardhat/dist/src/internal/builtin-plugins/coverage/instrumentation.js):
 * versions newer than EDR's parser are clamped to the newest it supports. A
 * tag depends on the source name and text, so it matches coverage/data only
 * for the text Hardhat compiled.
 */
export function instrumentedStatements(content: string, sourceName: string, version: string): InstrumentedStatement[] {
  const latest = latestSupportedSolidityVersion();
  const instrumentationVersion = compareVersions(version, latest) > 0 ? latest : version;
  const { metadata } = addStatementCoverageInstrumentation(content, sourceName, instrumentationVersion);
  return metadata
    .filter((m) => m.kind === "statement")
    .map((m) => ({ tag: Buffer.from(m.tag).toString("hex"), startUtf16: m.startUtf16, endUtf16: m.endUtf16 }));
}

interface SolcOutput {
  readonly errors?: readonly { readonly severity: string; readonly formattedMessage: string }[];
  readonly sources?: Readonly<Record<string, { readonly ast: SolcAstNode }>>;
}

/** Parses sources with solc (parsing only: imports are not resolved) and returns each one's AST. */
export function parseSolidity(sources: ReadonlyMap<string, string>): Map<string, SolcAstNode> {
  const input = {
    language: "Solidity",
    sources: Object.fromEntries([...sources].map(([name, content]) => [name, { content }])),
    settings: { stopAfter: "parsing", outputSelection: { "*": { "": ["ast"] } } },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input))) as SolcOutput;
  const errors = (output.errors ?? []).filter((e) => e.severity === "error");
  if (errors.length > 0) throw new Error(`solc could not parse:\n${errors.map((e) => e.formattedMessage).join("\n")}`);
  const asts = new Map<string, SolcAstNode>();
  for (const name of sources.keys()) {
    const ast = output.sources?.[name]?.ast;
    if (ast === undefined) throw new Error(`solc returned no AST for ${name}`);
    asts.set(name, ast);
  }
  return asts;
}

/**
 * Sums the execution counts in coverage/data/<runner>/*.json (one object of
 * tag → count per test worker, written by Hardhat's coverage manager).
 */
export function readExecutionCounts(coverageDir: string): Map<string, number> {
  const counts = new Map<string, number>();
  const dataDir = join(coverageDir, "data");
  if (!existsSync(dataDir)) return counts;
  for (const runner of readdirSync(dataDir)) {
    const runnerDir = join(dataDir, runner);
    if (!statSync(runnerDir).isDirectory()) continue;
    for (const file of readdirSync(runnerDir)) {
      if (!file.endsWith(".json")) continue;
      const entries = JSON.parse(readFileSync(join(runnerDir, file), "utf8")) as Record<string, number>;
      for (const [tag, count] of Object.entries(entries)) counts.set(tag, (counts.get(tag) ?? 0) + count);
    }
  }
  return counts;
}

/** Every .sol file under contracts/ (what Hardhat instruments), relative to `root`, with forward slashes. */
export function contractSourceFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".sol")) files.push(path);
    }
  };
  if (existsSync(join(root, "contracts"))) walk("contracts");
  return files.sort();
}

/**
 * Whether a file's coverage counts: contracts/ except contracts/interfaces
 * (no code) and contracts/bench (gas benches). Tests live in test/ and are
 * never instrumented.
 */
export function isCountedContract(file: string): boolean {
  return (
    file.startsWith("contracts/") && !file.startsWith("contracts/interfaces/") && !file.startsWith("contracts/bench/")
  );
}

/**
 * The statement % per file in the coverage table Hardhat prints
 * (`║ contracts/X.sol │ <line %> │ <statement %> │ <uncovered lines> ║`).
 */
export function readHardhatStatementPercents(output: string): Map<string, number> {
  const percents = new Map<string, number>();
  for (const line of stripAnsi(output).split("\n")) {
    const cells = line.split(/[│║]/).map((cell) => cell.trim());
    if (cells.length >= 4 && cells[1]?.endsWith(".sol") === true && /^\d+(\.\d+)?$/.test(cells[3] ?? "")) {
      percents.set(cells[1], Number(cells[3]));
    }
  }
  return percents;
}
