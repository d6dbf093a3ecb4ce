// npm run bench:indexer:profile — a reduced indexing run under the V8 CPU profiler, to find what the
// indexing path spends its time on (WASM calls, host conversions, store writes). The generated chain is
// kept as an anvil state dump when BENCH_STATE names a file, so repeated runs only index. Writes a
// .cpuprofile (open it in Chrome DevTools) and prints the heaviest functions by self time, and the
// indexing rate beside the bare pipeline's.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { ensureSubgraphBuilt } from "../indexer/build.ts";
import { ChainFollower } from "../indexer/chain/follower.ts";
import { IndexerCore, type DeploymentTargets } from "../indexer/indexer.ts";
import { deployLocalMesi, startAnvil } from "../test/helpers/local-chain.ts";
import { generateHistory } from "./generate.ts";
import { NullStore, routedSources } from "./bare-pipeline.ts";

const EVENTS = Number(process.env.BENCH_EVENTS ?? 20_000);
// Opt-in: anvil refuses a loadState body of the 20,000-event state (16 MB) here, so by default each run generates.
const statePath = process.env.BENCH_STATE;
const profilePath = process.env.BENCH_PROFILE ?? join(tmpdir(), "mesi-indexing.cpuprofile");

interface Saved {
  readonly state: `0x${string}`;
  readonly targets: Record<string, { address: `0x${string}`; blockNumber: string }>;
}

/**
 * anvil's state dump, read with a plain fetch: it is larger than viem's 10 MiB cap on an RPC answer
 * (viem 2.58 refuses it with ResponseBodyTooLargeError).
 */
async function dumpState(url: string): Promise<`0x${string}`> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "anvil_dumpState", params: [] }),
  });
  const body = (await response.json()) as { result?: `0x${string}`; error?: { message: string } };
  if (!body.result) throw new Error(`anvil_dumpState failed: ${body.error?.message ?? response.status}`);
  return body.result;
}

await ensureSubgraphBuilt();
const chain = await startAnvil({ extraArgs: ["--gas-limit", "30000000"] });
const dir = mkdtempSync(join(tmpdir(), "mesi-profile-"));
try {
  let targets: DeploymentTargets;
  if (statePath !== undefined && existsSync(statePath)) {
    const saved = JSON.parse(readFileSync(statePath, "utf8")) as Saved;
    await chain.testClient.loadState({ state: saved.state });
    await chain.testClient.mine({ blocks: 1 });
    targets = Object.fromEntries(
      Object.entries(saved.targets).map(([name, t]) => [
        name,
        { address: t.address, blockNumber: BigInt(t.blockNumber) },
      ]),
    ) as unknown as DeploymentTargets;
  } else {
    const mesi = await deployLocalMesi(chain);
    await generateHistory(chain, mesi, { events: EVENTS, batchSize: 400, creators: 20, fans: 500 });
    targets = mesi.targets;
    if (statePath !== undefined) {
      const saved: Saved = {
        state: await dumpState(chain.url),
        targets: Object.fromEntries(
          Object.entries(targets).map(([name, t]) => [
            name,
            { address: t.address, blockNumber: t.blockNumber.toString() },
          ]),
        ),
      };
      writeFileSync(statePath, JSON.stringify(saved));
    }
  }

  const core = new IndexerCore({
    client: chain.publicClient as never,
    deployment: targets,
    databasePath: join(dir, "index.sqlite"),
  });
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 200 });
  await session.post("Profiler.start");
  let started = performance.now();
  await core.follower.syncOnce();
  const seconds = (performance.now() - started) / 1000;
  const { profile } = await session.post("Profiler.stop");
  session.disconnect();
  writeFileSync(profilePath, JSON.stringify(profile));
  const events = core.follower.eventsProcessed;
  core.close();

  const bare = new ChainFollower({
    client: chain.publicClient as never,
    store: new NullStore() as never,
    runtime: { handle: () => undefined } as never,
    sources: routedSources(targets),
  });
  started = performance.now();
  await bare.syncOnce();
  const bareSeconds = (performance.now() - started) / 1000;

  // Self time per function (sampled), heaviest first.
  const self = new Map<string, number>();
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const counts = new Map<number, number>();
  for (const id of profile.samples ?? []) counts.set(id, (counts.get(id) ?? 0) + 1);
  let total = 0;
  for (const [id, count] of counts) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${functionName || "(anonymous)"} ${url.split("/").slice(-2).join("/")}:${lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + count);
    total += count;
  }
  for (const [key, count] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 40)) {
    console.log(`${((100 * count) / total).toFixed(1).padStart(5)} %  ${key}`);
  }
  console.log(
    `indexed ${events} events in ${seconds.toFixed(2)} s (${(events / seconds).toFixed(0)}/s, under the profiler); ` +
      `bare ${(bare.eventsProcessed / bareSeconds).toFixed(0)}/s; ratio ${(events / seconds / (bare.eventsProcessed / bareSeconds)).toFixed(3)}; profile ${profilePath}`,
  );
} finally {
  await chain.stop();
  rmSync(dir, { recursive: true, force: true });
}
