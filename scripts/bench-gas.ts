// Gas benchmark: deploys Mesi and the baselines (bare OpenZeppelin ERC-20 and
// ERC-1155, Unlock Protocol PublicLock v15) on one fresh in-process Hardhat
// chain, measures whole-transaction gas, and prints one line per target
// (the goals live in scripts/lib/gas/goals.ts, shared with the contract tests):
//   TARGET <name> measured=<ratio>x goal=<=<max>x status=ok|miss
// Without options it exits 0 whether or not targets are met (exploration).
//
//   --check   fail (exit 1) when any target is missed, and when any of Mesi's
//             figures grew by more than 1 % against the committed snapshot
//             (bench/gas-snapshot.json) or the set of figures changed (run by
//             `npm test`); a missed target fails whatever the snapshot says
//   --update  rewrite the snapshot with this run's figures (still exits 0)
//
// Usage: node --import tsx scripts/bench-gas.ts [--check | --update]   (compiles first if needed)
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { parseArgs } from "node:util";

import { network } from "hardhat";

import { buildContracts } from "./lib/build-contracts.ts";
import { deployMesi } from "./lib/deploy.ts";
import { measureMesi, measureTokenBaselines, measureUnlockBaseline, type BenchChain } from "./lib/gas/scenarios.ts";
import { GAS_TARGETS } from "./lib/gas/goals.ts";
import { compareSnapshot, evaluateTargets, formatTargetLine, toSnapshot, type GasSnapshot } from "./lib/gas/targets.ts";

// Not under snapshots/: Hardhat keeps its own `vm.snapshotGas` entries there and checks that folder.
const SNAPSHOT_PATH = join(import.meta.dirname, "..", "bench", "gas-snapshot.json");
const TOLERANCE = 0.01;

const { values } = parseArgs({
  options: { check: { type: "boolean", default: false }, update: { type: "boolean", default: false } },
});

await buildContracts({ tests: true });
const connection = await network.create();
try {
  const { viem, networkHelpers } = connection;
  const publicClient = await viem.getPublicClient();
  const wallets = await viem.getWalletClients();
  const chain: BenchChain = {
    publicClient,
    wallets,
    increaseTime: async (s) => void (await networkHelpers.time.increase(s)),
  };
  const [admin, relayer, moderator, verifier] = wallets;
  if (!admin || !relayer || !moderator || !verifier) throw new Error("the bench chain has too few accounts");
  const mesi = await deployMesi({
    walletClient: admin,
    publicClient,
    relayer: relayer.account.address,
    moderator: moderator.account.address,
    verifier: verifier.account.address,
  });

  const baselines = { ...(await measureTokenBaselines(chain)), ...(await measureUnlockBaseline(chain)) };
  const ours = await measureMesi(chain, mesi.contracts);
  const gas = { ...baselines, ...ours };

  console.log("Gas used per transaction (whole transaction, 21,000 base included):");
  for (const [key, value] of Object.entries(gas)) console.log(`GAS ${key.padEnd(36)} ${value}`);
  console.log("");
  const results = evaluateTargets(GAS_TARGETS, gas);
  for (const result of results) console.log(`# ${result.target.description}`);
  for (const result of results) console.log(formatTargetLine(result));
  const met = results.filter((r) => r.ok).length;
  console.log(`\n${met} of ${results.length} gas targets met`);
  if (values.check && met < results.length) {
    const missed = results.filter((r) => !r.ok).map((r) => r.target.name);
    console.log(`gas targets: MISSED ${missed.join(", ")} (goals in scripts/lib/gas/goals.ts)`);
    process.exitCode = 1;
  }

  const fresh: GasSnapshot = toSnapshot(gas, Object.keys(ours));
  const snapshotName = relative(process.cwd(), SNAPSHOT_PATH);
  if (values.update) {
    mkdirSync(dirname(SNAPSHOT_PATH), { recursive: true });
    writeFileSync(SNAPSHOT_PATH, `${JSON.stringify(fresh, null, 2)}\n`);
    console.log(`wrote ${snapshotName}`);
  } else if (values.check) {
    if (!existsSync(SNAPSHOT_PATH)) {
      console.log(`gas snapshot: ${snapshotName} is missing; run \`npm run bench:gas -- --update\` and commit it`);
      process.exitCode = 1;
    } else {
      const committed = JSON.parse(readFileSync(SNAPSHOT_PATH, "utf8")) as GasSnapshot;
      const { regressions, improvements, mismatchedKeys } = compareSnapshot(committed, fresh, TOLERANCE);
      for (const line of improvements) console.log(`gas snapshot: lower  ${line}`);
      for (const line of regressions) console.log(`gas snapshot: HIGHER ${line}`);
      for (const line of mismatchedKeys) console.log(`gas snapshot: ${line}`);
      if (regressions.length > 0 || mismatchedKeys.length > 0) {
        console.log(
          `gas snapshot: check failed against ${snapshotName} (tolerance ${TOLERANCE * 100} %); ` +
            "if the change is intended, run `npm run bench:gas -- --update` and commit the file",
        );
        process.exitCode = 1;
      } else {
        console.log(
          `gas snapshot: within ${TOLERANCE * 100} % of ${snapshotName}` +
            (improvements.length > 0 ? " (some figures fell: consider --update)" : ""),
        );
      }
    }
  }
} finally {
  await connection.close();
}
