// Generates deployments/src/generated/abis.ts (every Mesi contract's ABI `as const`)
// from the Hardhat artifacts (compiling first if the contracts changed).
//
// Usage: node --import tsx scripts/gen-abis.ts [--check]
//   --check  write nothing; exit 1 if the committed module differs from what
//            the current artifacts generate (run by `npm test`).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { parseArgs } from "node:util";

import type { Abi } from "viem";

import { buildContracts } from "./lib/build-contracts.ts";
import { ABIS_MODULE_PATH, renderAbisModule } from "./lib/deployments-module.ts";
import { MESI_CONTRACTS, type MesiContractName } from "./lib/mesi-contracts.ts";

const root = join(import.meta.dirname, "..");

function readAbi(name: MesiContractName): Abi {
  const path = join(root, "artifacts", "contracts", `${name}.sol`, `${name}.json`);
  if (!existsSync(path)) {
    throw new Error(`no artifact for ${name} at ${relative(root, path)}: run \`npx hardhat build\` first`);
  }
  return (JSON.parse(readFileSync(path, "utf8")) as { abi: Abi }).abi;
}

const { values } = parseArgs({ options: { check: { type: "boolean", default: false } } });
await buildContracts();
const abis = Object.fromEntries(MESI_CONTRACTS.map((name) => [name, readAbi(name)])) as Record<MesiContractName, Abi>;
const generated = renderAbisModule(abis);
const target = relative(root, ABIS_MODULE_PATH);

if (values.check) {
  const committed = existsSync(ABIS_MODULE_PATH) ? readFileSync(ABIS_MODULE_PATH, "utf8") : "";
  if (committed !== generated) {
    console.log(`${target} is out of date with the contracts: run \`npm run gen:abis\` and commit it`);
    process.exit(1);
  }
  console.log(`${target} matches the artifacts (${MESI_CONTRACTS.length} contracts)`);
} else {
  writeFileSync(ABIS_MODULE_PATH, generated);
  console.log(`wrote ${target} (${MESI_CONTRACTS.length} contracts)`);
}
