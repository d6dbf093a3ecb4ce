// Runs the invariant suites once per fuzz seed and summarises how deep their runs went over every seed: the
// afterInvariant floors are set from this (the least over many seeds, with a margin), not from one fixed seed's
// paths. Each seed is one `hardhat test solidity --grep <pattern>` with MESI_FUZZ_SEED set (hardhat.config.ts reads
// it); each run of each invariant appends its counts to cache/invariant-depth.log (scripts/lib/invariant-depth.ts).
//
// Usage: node --import tsx scripts/invariant-seeds.ts [--seeds 20] [--from 1] [--grep invariant_] [--coverage]
//   --coverage  run under Hardhat's coverage instrumentation (other bytecode, so other fuzz paths), as
//               scripts/coverage-check.ts does
// Writes cache/invariant-seeds/<seed>.out (the runner's output) and cache/invariant-seeds/depth.log (every run's
// counts, prefixed by nothing so that parseDepthLog reads it); exits 1 when any seed failed.
import { spawn } from "node:child_process";
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";

import { formatDepth, INVARIANT_DEPTH_LOG, parseDepthLog } from "./lib/invariant-depth.ts";

const root = join(import.meta.dirname, "..");
const { values } = parseArgs({
  options: {
    seeds: { type: "string", default: "20" },
    from: { type: "string", default: "1" },
    grep: { type: "string", default: "invariant_" },
    coverage: { type: "boolean", default: false },
  },
});
const seeds = Number(values.seeds);
const from = Number(values.from);
if (!Number.isSafeInteger(seeds) || seeds < 1 || !Number.isSafeInteger(from) || from < 0) {
  console.error("invariant-seeds: --seeds must be a positive integer and --from a non-negative integer");
  process.exit(2);
}

const outDir = join(root, "cache", "invariant-seeds");
mkdirSync(outDir, { recursive: true });
const allRuns = join(outDir, values.coverage ? "depth-coverage.log" : "depth.log");
writeFileSync(allRuns, "");
const depthLog = join(root, INVARIANT_DEPTH_LOG);

function runSeed(seed: number): Promise<{ code: number; seconds: number }> {
  const args = ["test", "solidity", "--grep", values.grep, ...(values.coverage ? ["--coverage"] : [])];
  const env = { ...process.env, MESI_FUZZ_SEED: `0x${seed.toString(16).padStart(64, "0")}` };
  const started = performance.now();
  const child = spawn("hardhat", args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => {
      writeFileSync(join(outDir, `${seed}${values.coverage ? "-coverage" : ""}.out`), output);
      resolve({ code: code ?? 1, seconds: (performance.now() - started) / 1000 });
    });
  });
}

const failed: number[] = [];
for (let seed = from; seed < from + seeds; ++seed) {
  rmSync(depthLog, { force: true });
  const { code, seconds } = await runSeed(seed);
  const lines = existsSync(depthLog) ? readFileSync(depthLog, "utf8") : "";
  appendFileSync(allRuns, lines);
  if (code !== 0) failed.push(seed);
  const runs = lines.split("\n").filter((line) => line.includes(" run: ")).length;
  console.log(`seed ${seed}: ${code === 0 ? "passed" : "FAILED"} in ${seconds.toFixed(0)} s, ${runs} runs logged`);
}

console.log(`\nInvariant depth over seeds ${from}..${from + seeds - 1}${values.coverage ? " (coverage)" : ""}:`);
for (const line of formatDepth(parseDepthLog(readFileSync(allRuns, "utf8")))) console.log(`  ${line}`);
if (failed.length > 0) {
  console.log(`failed seeds: ${failed.join(", ")} (outputs in ${outDir})`);
  process.exit(1);
}
