// Runs the embedded indexer's core in its own process until it reaches a block,
// so that a test can kill it with SIGKILL in the middle of a sync.
// Usage: node --import tsx indexer-process.ts <rpc-url> <targets.json> <db> <until-block> <max-range>
import { readFileSync } from "node:fs";

import { createPublicClient, http } from "viem";

import { IndexerCore, type DeploymentTargets } from "../../indexer/indexer.ts";

const [url, targetsFile, db, until, range] = process.argv.slice(2) as [string, string, string, string, string];
const raw = JSON.parse(readFileSync(targetsFile, "utf8")) as Record<
  string,
  { address: `0x${string}`; blockNumber: string }
>;
const deployment = Object.fromEntries(
  Object.entries(raw).map(([name, t]) => [name, { address: t.address, blockNumber: BigInt(t.blockNumber) }]),
) as unknown as DeploymentTargets;
const core = new IndexerCore({
  client: createPublicClient({ transport: http(url) }) as never,
  deployment,
  databasePath: db,
  maxBlockRange: Number(range),
});
const target = BigInt(until);
while ((core.store.cursor()?.number ?? -1n) < target) await core.follower.syncOnce();
core.close();
