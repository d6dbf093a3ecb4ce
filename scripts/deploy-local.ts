// `npm run deploy:local`: deploys Mesi with Hardhat Ignition to a running
// local node (Hardhat node or anvil, account 0 unlocked) and records the
// addresses in the @mesi/deployments module. `npm start` does this itself on
// a chain it starts; use this for a node you run yourself.
//
// Roles go to the default test mnemonic's accounts (scripts/lib/local-accounts.ts).
//
// Usage: npm run deploy:local -- [--rpc-url http://127.0.0.1:8545] [--addresses-file <path>]
//        (or set MESI_RPC_URL)
import { relative } from "node:path";
import { parseArgs } from "node:util";

import { z } from "zod";

import { buildContracts } from "./lib/build-contracts.ts";
import { ADDRESSES_MODULE_PATH, writeChainAddresses } from "./lib/deployments-module.ts";
import { deployMesiWithIgnition } from "./lib/ignition-deploy.ts";
import { localAccounts } from "./lib/local-accounts.ts";
import { MESI_CONTRACTS } from "./lib/mesi-contracts.ts";

const Options = z.object({
  rpcUrl: z.string().url().default("http://127.0.0.1:8545"),
  addressesFile: z.string().min(1).default(ADDRESSES_MODULE_PATH),
});

const { values } = parseArgs({
  options: { "rpc-url": { type: "string" }, "addresses-file": { type: "string" } },
});
const options = Options.parse({
  rpcUrl: values["rpc-url"] ?? process.env.MESI_RPC_URL,
  addressesFile: values["addresses-file"],
});

const accounts = localAccounts();
console.log("compiling contracts (incremental)…");
await buildContracts();
console.log(`deploying Mesi with Hardhat Ignition to ${options.rpcUrl}…`);
const deployment = await deployMesiWithIgnition({
  rpcUrl: options.rpcUrl,
  relayer: accounts.relayer.address,
  moderator: accounts.moderator.address,
  verifier: accounts.verifier.address,
  onProgress: (message) => console.log(`  ${message}`),
});
const file = await writeChainAddresses(deployment.chainId, deployment.contracts, options.addressesFile);
console.log(`\nchain ${deployment.chainId}, admin ${deployment.admin}; wrote ${relative(process.cwd(), file)}`);
for (const name of MESI_CONTRACTS) {
  const { address, blockNumber } = deployment.contracts[name];
  console.log(`  ${name.padEnd(16)} ${address}  (block ${blockNumber})`);
}
