// `npm run deploy -- --network <baseSepolia|base>`: deploys Mesi's production
// module (ignition/modules/MesiProduction.ts) with Hardhat Ignition to an L2,
// with the parameters of ignition/parameters/<network>.json (checked first:
// non-zero admin delay, no operational role for the deployer, every address
// set), records the addresses in @mesi/deployments for that chain and, with
// --verify, verifies the sources (`hardhat ignition verify`).
//
// The RPC URL, the deployer's key and the explorer API key are Hardhat
// configuration variables, never files in the repository:
//   npx hardhat keystore set BASE_SEPOLIA_RPC_URL   (or BASE_RPC_URL)
//   npx hardhat keystore set MESI_DEPLOYER_PRIVATE_KEY
//   npx hardhat keystore set ETHERSCAN_API_KEY        (only for --verify)
// (or the same names as environment variables).
//
// Ignition keeps its journal in ignition/deployments/chain-<id>/, so an
// interrupted deploy resumes where it stopped when run again.
//
// Usage: npm run deploy -- --network baseSepolia [--parameters <file>] [--verify] [--addresses-file <path>]
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { parseArgs } from "node:util";

import hre from "hardhat";
import { z } from "zod";

import { buildContracts } from "./lib/build-contracts.ts";
import { ADDRESSES_MODULE_PATH, writeChainAddresses } from "./lib/deployments-module.ts";
import { deployMesiProduction } from "./lib/production-deploy.ts";

const root = join(import.meta.dirname, "..");
const Options = z.object({
  network: z.enum(["baseSepolia", "base"], { message: "--network must be baseSepolia or base" }),
  parameters: z.string().min(1).optional(),
  verify: z.boolean(),
  addressesFile: z.string().min(1).default(ADDRESSES_MODULE_PATH),
});

const { values } = parseArgs({
  options: {
    network: { type: "string" },
    parameters: { type: "string" },
    verify: { type: "boolean", default: false },
    "addresses-file": { type: "string" },
  },
});
const options = Options.parse({
  network: values.network,
  parameters: values.parameters,
  verify: values.verify,
  addressesFile: values["addresses-file"],
});
const parametersFile = options.parameters ?? join(root, "ignition", "parameters", `${options.network}.json`);
const parametersJson: unknown = JSON.parse(readFileSync(parametersFile, "utf8"));

console.log("compiling contracts (incremental)…");
await buildContracts();
const connection = await hre.network.create({ network: options.network });
try {
  const chainId = Number(await connection.provider.request({ method: "eth_chainId" }));
  console.log(
    `deploying MesiProduction to ${options.network} (chain ${chainId}) with ${relative(root, parametersFile)}…`,
  );
  const deployment = await deployMesiProduction({
    hre,
    connection,
    parametersJson,
    deploymentDir: join(root, "ignition", "deployments", `chain-${chainId}`),
    onProgress: (message) => console.log(`  ${message}`),
  });
  const file = await writeChainAddresses(deployment.chainId, deployment.contracts, options.addressesFile);
  console.log(`\nchain ${deployment.chainId}, admin ${deployment.admin}; wrote ${relative(process.cwd(), file)}`);
  for (const [name, { address, blockNumber }] of Object.entries(deployment.contracts)) {
    console.log(`  ${name.padEnd(16)} ${address}  (block ${blockNumber})`);
  }
  if (options.verify) {
    console.log("\nverifying sources…");
    const result = spawnSync("hardhat", ["ignition", "verify", `chain-${chainId}`, "--network", options.network], {
      cwd: root,
      stdio: "inherit",
    });
    if (result.status !== 0) process.exitCode = 1;
  }
} finally {
  await connection.close();
}
