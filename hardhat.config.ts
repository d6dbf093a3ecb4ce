import { createRequire } from "node:module";

import hardhatIgnitionViem from "@nomicfoundation/hardhat-ignition-viem";
import hardhatNetworkHelpers from "@nomicfoundation/hardhat-network-helpers";
import hardhatNodeTestRunner from "@nomicfoundation/hardhat-node-test-runner";
import hardhatVerify from "@nomicfoundation/hardhat-verify";
import hardhatViem from "@nomicfoundation/hardhat-viem";
import hardhatViemAssertions from "@nomicfoundation/hardhat-viem-assertions";
import { configVariable, defineConfig } from "hardhat/config";

// The machine cannot download compilers: solc 0.8.30 comes from the `solc` npm
// package as a WASM build (later versions flood warnings from forge-std).
const require = createRequire(import.meta.url);
const soljsonPath = require.resolve("solc/soljson.js");
const coverageRun = process.argv.includes("--coverage");
// A sweep over fuzz seeds (scripts/invariant-seeds.ts) sets MESI_FUZZ_SEED; every other run keeps Hardhat's fixed
// default seed, so that fuzz gas figures stay reproducible.
const fuzzSeed = process.env.MESI_FUZZ_SEED;
if (fuzzSeed !== undefined && !/^0x[0-9a-fA-F]{64}$/.test(fuzzSeed)) {
  throw new Error(`MESI_FUZZ_SEED must be a 32-byte 0x-prefixed hex number, got "${fuzzSeed}"`);
}

export default defineConfig({
  plugins: [
    hardhatViem,
    hardhatViemAssertions,
    hardhatNodeTestRunner,
    hardhatNetworkHelpers,
    hardhatIgnitionViem,
    hardhatVerify,
  ],
  // Production L2s (README, "Production deploy"). URLs and the deployer's key are configuration variables
  // (`npx hardhat keystore set <NAME>` or environment variables), read only when the network is used.
  networks: {
    baseSepolia: {
      type: "http",
      chainType: "op",
      chainId: 84532,
      url: configVariable("BASE_SEPOLIA_RPC_URL"),
      accounts: [configVariable("MESI_DEPLOYER_PRIVATE_KEY")],
    },
    base: {
      type: "http",
      chainType: "op",
      chainId: 8453,
      url: configVariable("BASE_RPC_URL"),
      accounts: [configVariable("MESI_DEPLOYER_PRIVATE_KEY")],
    },
  },
  // Source verification (`npm run deploy -- --verify`, `hardhat ignition verify chain-<id>`): Etherscan's API v2
  // serves Base and Base Sepolia with one key; Sourcify needs none.
  verify: {
    etherscan: { apiKey: configVariable("ETHERSCAN_API_KEY") },
    sourcify: { enabled: true },
  },
  solidity: {
    version: "0.8.30",
    path: soljsonPath,
    settings: {
      optimizer: { enabled: true, runs: 200 },
      evmVersion: "cancun",
      viaIR: false,
    },
  },
  // Solidity tests (*.t.sol, handlers, mocks) and node:test files both live
  // under test/contracts; every .sol there is compiled as test scope.
  paths: {
    // A coverage run compiles instrumented contracts: keep them out of artifacts/ so that the deploys
    // of npm start, the relayer and indexer tests and the gas bench never pick up that bytecode.
    artifacts: coverageRun ? "coverage/artifacts" : "artifacts",
    cache: coverageRun ? "coverage/cache" : "cache",
    sources: "contracts",
    tests: {
      solidity: "test/contracts",
      nodejs: "test/contracts",
    },
  },
  test: {
    // Kept modest so the suite stays fast on two cores. Hardhat's default fuzz
    // seed is fixed, so fuzz gas figures in .gas-snapshot are reproducible.
    solidity: {
      fuzz: { runs: 256, ...(fuzzSeed === undefined ? {} : { seed: fuzzSeed }) },
      invariant: { runs: 64, depth: 32, failOnRevert: false },
      // Invariant suites append how deep each run went (scripts/test-contracts.ts prints it).
      fsPermissions: { writeFile: ["cache/invariant-depth.log"] },
    },
  },
});
