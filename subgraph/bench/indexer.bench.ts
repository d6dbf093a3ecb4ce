// npm run bench:indexer — generates ≥ 100,000 events on a local anvil chain
// (relayer credit batches, one Credited event each), indexes them from scratch
// with the embedded indexer and measures what issue 4 asks for:
//   indexing throughput, p99 of a creator/time-range page of 100 tips,
//   CSV export speed and peak memory (the audit CLI, in its own process),
//   and the live indexer's lag behind the chain head; beside the indexing
//   rate, the bare pipeline's (fetch + decode, no handlers, no store) and the ratio.
// Prints one `TARGET <name> measured=<v> goal=<op><v> status=ok|miss` line per target.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

import { parseEther, zeroHash, type Account } from "viem";

import { abis } from "@mesi/deployments";

import { startIndexer } from "../indexer/index.ts";
import { ChainFollower } from "../indexer/chain/follower.ts";
import { DEFAULT_SCHEMA_PATH, IndexerCore } from "../indexer/indexer.ts";
import { ensureSubgraphBuilt } from "../indexer/build.ts";
import { QueryPool } from "../indexer/graphql/query-pool.ts";
import { buildQuerySchema } from "../indexer/graphql/schema.ts";
import { createIndexServer, GRAPHQL_PATH, listen } from "../indexer/server.ts";
import { deployLocalMesi, startAnvil } from "../test/helpers/local-chain.ts";
import { NullStore, routedSources } from "./bare-pipeline.ts";
import { generateHistory } from "./generate.ts";

const run = promisify(execFile);

const EVENTS = Number(process.env.BENCH_EVENTS ?? 100_000);
/** Main's indexing rate when issue 9 was filed (quiet machine): 100,008 events in 78 s wall, 103 s CPU. */
const OLD_RATE = 1278;
const OLD_EVENTS_PER_CPU_SECOND = 100_008 / 103;
const results: string[] = [];

function target(name: string, measured: number, op: ">=" | "<=", goal: number, unit = ""): void {
  const ok = op === ">=" ? measured >= goal : measured <= goal;
  const line = `TARGET ${name} measured=${round(measured)}${unit} goal=${op}${goal}${unit} status=${ok ? "ok" : "miss"}`;
  results.push(line);
  console.log(line);
}

function round(value: number): string {
  return value >= 100 ? value.toFixed(0) : value.toFixed(2);
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

await ensureSubgraphBuilt();
const chain = await startAnvil({ extraArgs: ["--gas-limit", "30000000"] });
const dir = mkdtempSync(join(tmpdir(), "mesi-bench-"));
try {
  const mesi = await deployLocalMesi(chain);
  let started = performance.now();
  const history = await generateHistory(chain, mesi, {
    events: EVENTS,
    batchSize: 400,
    creators: 20,
    fans: 500,
    onProgress: (done) => process.stderr.write(`\rgenerating events: ${done}/${EVENTS}`),
  });
  process.stderr.write("\n");
  console.log(`generated ${history.events} events in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  // 1. Index from scratch.
  const database = join(dir, "index.sqlite");
  const core = new IndexerCore({
    client: chain.publicClient as never,
    deployment: mesi.targets,
    databasePath: database,
  });
  started = performance.now();
  const cpu = process.cpuUsage();
  await core.follower.syncOnce();
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const events = core.follower.eventsProcessed;
  console.log(
    `indexed ${events} events in ${seconds.toFixed(1)} s (${((used.user + used.system) / 1e6).toFixed(1)} s CPU), ` +
      `index ${(statSync(database).size / 2 ** 20).toFixed(0)} MiB`,
  );
  target("indexing_throughput_events_per_s", events / seconds, ">=", 2000);
  // Issue 9: at least twice main's rate before the work (1,278 events/s on a quiet machine). On a shared
  // machine the wall-clock rate says more about the neighbours than about the indexer: the rate per CPU
  // second of this process is printed beside it (the quiet-machine baseline was 100,008 events in 103 s CPU).
  target("indexing_speedup_vs_1278_events_per_s", events / seconds / OLD_RATE, ">=", 2, "x");
  const cpuSeconds = (used.user + used.system) / 1e6;
  console.log(
    `INDEXING_CPU events_per_cpu_second=${round(events / cpuSeconds)} baseline=${round(OLD_EVENTS_PER_CPU_SECOND)} ` +
      `ratio=${(events / cpuSeconds / OLD_EVENTS_PER_CPU_SECOND).toFixed(2)}`,
  );
  results.push(`INFO indexing_events_per_cpu_second=${round(events / cpuSeconds)}`);

  // 1b. The bare pipeline over the same chain: the same follower fetching and decoding the same logs, with
  // no handlers and no store. The ratio of the two rates says what the mappings and the store cost, on any
  // machine.
  const bare = new ChainFollower({
    client: chain.publicClient as never,
    store: new NullStore() as never,
    runtime: { handle: () => undefined } as never,
    sources: routedSources(mesi.targets),
  });
  started = performance.now();
  await bare.syncOnce();
  const bareSeconds = (performance.now() - started) / 1000;
  if (bare.eventsProcessed !== events) {
    throw new Error(`the bare pipeline saw ${bare.eventsProcessed} events, the indexer ${events}`);
  }
  const bareRate = bare.eventsProcessed / bareSeconds;
  console.log(
    `PIPELINE indexing=${round(events / seconds)} events/s bare=${round(bareRate)} events/s ` +
      `ratio=${(events / seconds / bareRate).toFixed(3)} (indexing rate / bare fetch+decode rate)`,
  );
  results.push(
    `INFO bare_pipeline_events_per_s=${round(bareRate)} indexing_to_bare_ratio=${(events / seconds / bareRate).toFixed(3)}`,
  );

  // 2. p99 of a page of 100 tips filtered by creator and time range, over HTTP.
  const queries = new QueryPool({ databasePath: database, schemaPath: DEFAULT_SCHEMA_PATH });
  await queries.warm();
  const server = await createIndexServer({ queries, schema: buildQuerySchema(core.schema).schema, db: core.store.db });
  const url = `${await listen(server, 0)}${GRAPHQL_PATH}`;
  const span = history.lastTimestamp - history.firstTimestamp;
  const page = `query($c: String!, $from: BigInt!, $to: BigInt!) {
    tips(first: 100, orderBy: timestamp, where: { creator: $c, timestamp_gte: $from, timestamp_lt: $to }) {
      id amount fee source timestamp fan { id } } }`;
  const latencies: number[] = [];
  for (let i = 0; i < 520; i++) {
    const creator = history.creators[i % history.creators.length] as string;
    const from = history.firstTimestamp + (span * BigInt(i % 50)) / 100n;
    const body = JSON.stringify({
      query: page,
      variables: { c: creator, from: from.toString(), to: (from + span / 2n).toString() },
    });
    const t = performance.now();
    const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body });
    const result = (await response.json()) as { data?: { tips: unknown[] }; errors?: unknown };
    const elapsed = performance.now() - t;
    if (result.errors || result.data?.tips.length !== 100)
      throw new Error(`unexpected page: ${JSON.stringify(result).slice(0, 300)}`);
    if (i >= 20) latencies.push(elapsed); // after warm-up
  }
  console.log(
    `tip pages: p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms`,
  );
  target("tips_page_p99_ms", percentile(latencies, 99), "<=", 50, "ms");
  await server.close();
  await queries.close();
  core.close();

  // 3. CSV export of all tips through the audit CLI, in its own process (its peak memory alone).
  const exported = await run(
    process.execPath,
    [
      join(import.meta.dirname, "..", "audit", "cli.ts"),
      "tips",
      "--db",
      database,
      "--format",
      "csv",
      "--out",
      join(dir, "tips.csv"),
      "--stats",
    ],
    { maxBuffer: 1 << 20 },
  );
  const stats = /STATS rows=(\d+) seconds=([\d.]+) cpuSeconds=([\d.]+) maxRssMiB=([\d.]+)/.exec(exported.stderr);
  if (!stats) throw new Error(`no stats from the export: ${exported.stderr}`);
  const rows = Number(stats[1]);
  console.log(`exported ${rows} tips as CSV (${(statSync(join(dir, "tips.csv")).size / 2 ** 20).toFixed(0)} MiB)`);
  target("csv_export_rows_per_s", rows / Number(stats[2]), ">=", 50_000);
  // Beside the wall-clock rate, the rate per CPU second of the export process (what neighbours on a shared
  // machine do not change much).
  console.log(`CSV_EXPORT_CPU rows_per_cpu_second=${round(rows / Number(stats[3]))}`);
  results.push(`INFO csv_export_rows_per_cpu_second=${round(rows / Number(stats[3]))}`);
  target("csv_export_peak_memory_mib", Number(stats[4]), "<=", 200, "MiB");

  // 4. Live mode: blocks keep coming; how far behind the head is the index?
  const live = await startIndexer({
    client: chain.publicClient as never,
    deployment: mesi.targets as never,
    databasePath: database,
    pollIntervalMs: 100,
    build: false,
  });
  await live.ready;
  const [, , , , creator, fan] = chain.accounts as Account[];
  const wallet = chain.wallet(fan as Account);
  const vault = mesi.contracts.MesiVault.address;
  const admin = chain.wallet(chain.accounts[0] as Account);
  await chain.publicClient.waitForTransactionReceipt({
    hash: await admin.writeContract({
      address: mesi.contracts.MesiToken.address,
      abi: abis.MesiToken,
      functionName: "transfer",
      args: [(fan as Account).address, parseEther("1000")],
    }),
  });
  await chain.publicClient.waitForTransactionReceipt({
    hash: await wallet.writeContract({
      address: mesi.contracts.MesiToken.address,
      abi: abis.MesiToken,
      functionName: "approve",
      args: [vault, parseEther("1000")],
    }),
  });
  const lags: number[] = [];
  let sending = true;
  const sender = (async () => {
    while (sending) {
      await wallet.writeContract({
        address: vault,
        abi: abis.MesiVault,
        functionName: "tip",
        args: [(creator as Account).address, parseEther("1"), 0, zeroHash, zeroHash],
      });
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  })();
  const until = Date.now() + 15_000;
  while (Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const head = await chain.publicClient.getBlockNumber({ cacheTime: 0 });
    const indexed = BigInt(live.status().indexedBlock ?? "0");
    lags.push(Number(head - indexed));
  }
  sending = false;
  await sender;
  await live.stop();
  console.log(
    `live: ${lags.length} samples, lag max ${Math.max(...lags)} blocks, p99 ${percentile(lags, 99)}, mean ${(lags.reduce((a, b) => a + b, 0) / lags.length).toFixed(2)}`,
  );
  target("live_lag_blocks", Math.max(...lags), "<=", 1);
} finally {
  await chain.stop();
  rmSync(dir, { recursive: true, force: true });
}
console.log("\n" + results.join("\n"));
