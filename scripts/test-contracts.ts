// Runs Hardhat's contract tests on the files named by convention
// (test/contracts/**/*.t.sol and other .sol, test/contracts/**/*.test.ts), so
// helper modules such as fixture.ts are not run as tests. Finding no test file
// for the chosen runner is a failure (exit 1), not an empty pass.
//
// Usage: node --import tsx scripts/test-contracts.ts <solidity|nodejs|all> [hardhat test options]
//   e.g. `all --snapshot-check`, `solidity --snapshot`, `all --coverage`
import { spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";

import { contractTestFiles } from "./lib/contract-test-files.ts";
import { formatDepth, INVARIANT_DEPTH_LOG, parseDepthLog } from "./lib/invariant-depth.ts";

const root = join(import.meta.dirname, "..");
const [runner, ...options] = process.argv.slice(2);
const { solidity, nodejs } = contractTestFiles(root);

const noFiles = (what: string): never => {
  console.error(`test-contracts: no ${what} under test/contracts: nothing to run is a failure, not a pass`);
  process.exit(1);
};

let args: string[];
if (runner === "solidity") {
  if (!solidity.some((file) => file.endsWith(".t.sol"))) noFiles("*.t.sol file");
  // No file list: naming files makes Hardhat treat the run as filtered and
  // skip reporting added/removed gas snapshot entries.
  args = ["test", "solidity", ...options];
} else if (runner === "nodejs") {
  if (nodejs.length === 0) noFiles("*.test.ts file");
  args = ["test", "nodejs", ...options, "--", ...nodejs];
} else if (runner === "all") {
  if (nodejs.length === 0 && !solidity.some((file) => file.endsWith(".t.sol"))) noFiles("*.t.sol or *.test.ts file");
  // Naming only .test.ts files would skip the Solidity runner, so name both.
  const files = nodejs.length === 0 ? [] : [...solidity, ...nodejs];
  args = ["test", ...options, ...(files.length === 0 ? [] : ["--", ...files])];
} else {
  console.error("usage: test-contracts.ts <solidity|nodejs|all> [hardhat test options]");
  process.exit(2);
}

// Invariant suites append one line per run here (see scripts/lib/invariant-depth.ts): start empty.
const depthLog = join(root, INVARIANT_DEPTH_LOG);
rmSync(depthLog, { force: true });

const child = spawn("hardhat", args, { cwd: root, stdio: "inherit" });
child.once("error", (error) => {
  console.error(`hardhat: could not start: ${error.message}`);
  process.exit(1);
});
child.once("exit", (code) => {
  if (existsSync(depthLog)) {
    console.log("\nInvariant depth (what each run reached; afterInvariant asserts the floors):");
    for (const line of formatDepth(parseDepthLog(readFileSync(depthLog, "utf8")))) console.log(`  ${line}`);
  }
  process.exit(code ?? 1);
});
