// npm run bench:relayer — drives signed Stripe webhooks at relayer processes
// against a local anvil node and measures, end to end:
//   1. two relayer instances (own hot wallet each) on one PostgreSQL (its
//      durable defaults): sustained confirmed on-chain credits per second for
//      a backlog split across both, and that no transaction reverted (store
//      and receipts);
//   2. one relayer on its embedded SQLite store: webhook acknowledgement
//      latency p99 at 200 requests/s, measured while the relayer works off a
//      backlog of credits (batches simulated, signed, sent and confirmed), so
//      the machine's cores are busy with credit work; then gas per credit in a
//      batch ÷ gas of one credit per transaction, and the relayer's peak memory.
// Prints `TARGET <name> measured=<value> goal=<op><value> status=ok|miss` lines.
import { createWriteStream, readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";

import Database from "better-sqlite3";
import pg from "pg";
import { createWalletClient, encodeFunctionData, http, keccak256, parseEther, toHex, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";

import { abis } from "@mesi/deployments";

import { startAnvil, type AnvilNode } from "../test/support/anvil.ts";
import { deployFixture, type MesiFixture } from "../test/support/mesi.ts";
import { startPostgres } from "../test/support/postgres.ts";
import { payQuote, relayerConfigInput, spawnRelayer, tempDir, type RelayerProcess } from "../test/support/relayer.ts";

const ACK_RATE = 200; // requests per second
const ACK_SECONDS = 10;
/** Credits waiting when the acknowledgement window opens: the work the relayer does meanwhile. */
const ACK_BACKLOG = 4000;
const THROUGHPUT_PAYMENTS = 6000;
const BATCH = { maxBatchSize: Number(process.env.BENCH_BATCH ?? 100), maxWaitMs: 50, maxInFlight: 8 };

interface Quote {
  quoteId: string;
  paymentIntentId: string;
  amountMinor: number;
  currency: string;
  paymentRef: Hex;
}

function target(name: string, measured: number, op: "<=" | ">=", goal: number, unit = ""): boolean {
  const ok = op === ">=" ? measured >= goal : measured <= goal;
  const fmt = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(value < 10 ? 3 : 1));
  console.log(
    `TARGET ${name} measured=${fmt(measured)}${unit} goal=${op}${fmt(goal)}${unit} status=${ok ? "ok" : "miss"}`,
  );
  return ok;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function confirmedCount(urls: readonly string[]): Promise<number> {
  let total = 0;
  for (const url of urls) {
    const text = await (await fetch(`${url}/metrics`)).text();
    const match = /relayer_credits_confirmed_total\{kind="credit"\} (\d+)/.exec(text);
    total += match === null ? 0 : Number(match[1]);
  }
  return total;
}

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const match = /VmHWM:\s+(\d+) kB/.exec(status);
  return match === null ? Number.NaN : Number(match[1]) / 1024;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Quotes through `url` for fans numbered from `offset`, tips of 100 $MESI spread over `creators`. */
async function makeQuotes(url: string, creators: readonly Hex[], count: number, offset: number): Promise<Quote[]> {
  const quotes: Quote[] = [];
  for (let i = 0; i < count; i += 50) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(50, count - i) }, async (_, k) => {
        const response = await fetch(`${url}/quotes`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            fan: `0x${(offset + i + k + 1).toString(16).padStart(40, "0")}`,
            creator: creators[(i + k) % creators.length]!,
            purpose: "tip",
            mesiAmount: parseEther("100").toString(),
          }),
        });
        if (response.status !== 201) throw new Error(`quote answered ${response.status}: ${await response.text()}`);
        return (await response.json()) as Quote;
      }),
    );
    quotes.push(...batch);
  }
  return quotes;
}

async function pay(url: string, quote: Quote, eventId: string) {
  return (await payQuote(url, quote, "succeeded", { eventId })).response;
}

/** Delivers every payment, 32 at a time, round-robin over `urls`, as fast as they are acknowledged. */
async function blast(urls: readonly string[], quotes: readonly Quote[], tag: string): Promise<void> {
  const queue = [...quotes.entries()];
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
        const response = await pay(urls[next[0] % urls.length]!, next[1], `evt_bench_${tag}_${next[0]}`);
        if (response.status !== 200) throw new Error(`webhook answered ${response.status}`);
      }
    }),
  );
}

async function waitConfirmed(urls: readonly string[], count: number, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while ((await confirmedCount(urls)) < count) {
    if (performance.now() > deadline) throw new Error(`credits did not confirm within ${timeoutMs / 1000} s`);
    await sleep(100);
  }
}

async function fundedCreators(mesi: MesiFixture): Promise<Hex[]> {
  const creators: Hex[] = [];
  for (let i = 0; i < 8; i++) creators.push((await mesi.newFundedAccount()).address);
  return creators;
}

/** Phase 1: two instances on one PostgreSQL. */
async function postgresPhase(node: AnvilNode, mesi: MesiFixture, creators: readonly Hex[]): Promise<boolean> {
  const server = await startPostgres({ durable: true });
  const instances: RelayerProcess[] = [];
  try {
    const store = { kind: "postgres" as const, url: server.url, poolSize: 8 };
    for (const relayerIndex of [0, 1]) {
      // One after the other: the first one migrates the schema.
      const instance = spawnRelayer(
        relayerConfigInput(node, mesi, {
          relayerIndex,
          store,
          logLevel: "warn",
          batching: BATCH,
          chain: { pollIntervalMs: 20 },
        }),
      );
      instances.push(instance);
      await instance.url;
    }
    const urls = await Promise.all(instances.map((instance) => instance.url));
    const quotes = await makeQuotes(urls[0]!, creators, THROUGHPUT_PAYMENTS, 200_000);
    const started = performance.now();
    await blast(urls, quotes, "pg");
    await waitConfirmed(urls, quotes.length, 180_000);
    const seconds = (performance.now() - started) / 1000;

    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    const txs = (
      await client.query<{ state: string; mined_hash: string | null; sender: string }>(
        "select state, mined_hash, sender from transactions where kind = 'credit'",
      )
    ).rows;
    await client.end();
    let revertedOnChain = 0;
    for (const tx of txs.filter((row) => row.mined_hash !== null)) {
      const receipt = await mesi.publicClient.getTransactionReceipt({ hash: tx.mined_hash as Hex });
      if (receipt.status !== "success") revertedOnChain++;
    }
    const reverted = Math.max(revertedOnChain, txs.filter((row) => row.state === "reverted").length);
    const senders = new Set(txs.map((row) => row.sender)).size;
    console.log(
      `relayer bench (2 instances, PostgreSQL): ${quotes.length} credits confirmed in ${seconds.toFixed(1)} s ` +
        `in ${txs.length} transactions from ${senders} hot wallets; ${reverted} reverted`,
    );
    return [
      target("relayer_pg_2x_confirmed_credits_per_s", quotes.length / seconds, ">=", 200),
      target("relayer_pg_2x_reverted_transactions", reverted, "<=", 0),
    ].every(Boolean);
  } finally {
    for (const instance of instances) instance.child.kill("SIGKILL");
    await Promise.all(instances.map((instance) => instance.exited));
    await server.stop();
  }
}

/** Phase 2: one instance on SQLite: acknowledgements during credit work, gas per credit, memory. */
async function sqlitePhase(node: AnvilNode, mesi: MesiFixture, creators: readonly Hex[]): Promise<boolean> {
  const dir = tempDir("mesi-bench-");
  const relayer = spawnRelayer(
    relayerConfigInput(node, mesi, {
      relayerIndex: 0,
      store: { kind: "sqlite", path: join(dir, "relayer.sqlite") },
      logLevel: "warn",
      batching: BATCH,
      chain: { pollIntervalMs: 20 },
    }),
    process.env.BENCH_PROFILE
      ? {
          env: { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${process.env.BENCH_PROFILE}` },
          logFile: createWriteStream(join(process.env.BENCH_PROFILE, "relayer.log")),
        }
      : {},
  );
  try {
    const url = await relayer.url;
    const pid = relayer.child.pid!;
    const backlog = await makeQuotes(url, creators, ACK_BACKLOG, 0);
    const ackQuotes = await makeQuotes(url, creators, ACK_RATE * ACK_SECONDS, 100_000);
    const before = await confirmedCount([url]);
    await blast([url], backlog, "backlog");

    // Open loop at a steady 200 requests/s: requests leave on schedule, whatever the answers take.
    const latencies: number[] = [];
    const started = performance.now();
    const confirmedAtStart = await confirmedCount([url]);
    await Promise.all(
      ackQuotes.map(async (quote, index) => {
        const due = started + (index * 1000) / ACK_RATE;
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
        const sent = performance.now();
        const response = await pay(url, quote, `evt_bench_ack_${index}`);
        latencies.push(performance.now() - sent);
        if (response.status !== 200) throw new Error(`webhook answered ${response.status}`);
      }),
    );
    const window = (performance.now() - started) / 1000;
    const confirmedDuring = (await confirmedCount([url])) - confirmedAtStart;
    const p99 = percentile(latencies, 99);
    await waitConfirmed([url], before + backlog.length + ackQuotes.length, 180_000);
    const rss = peakRssMb(pid);

    // Gas: credits in the relayer's batches vs one credit per transaction (second relayer wallet).
    relayer.child.kill("SIGTERM");
    await relayer.exited;
    const db = new Database(join(dir, "relayer.sqlite"), { readonly: true });
    const batches = db
      .prepare(
        `select t.gas_used as gas, count(o.id) as rows from transactions t join outbox o on o.tx_id = t.id
         where t.kind = 'credit' and t.state in ('confirmed', 'final') group by t.id having count(o.id) >= 25`,
      )
      .all() as Array<{ gas: string; rows: number }>;
    db.close();
    const batchedPerCredit =
      batches.reduce((sum, batch) => sum + Number(batch.gas), 0) / batches.reduce((sum, batch) => sum + batch.rows, 0);
    const single = privateKeyToAccount(mesi.relayerKeys[1]!);
    const wallet = createWalletClient({ chain: mesi.chain, transport: http(node.url), account: single });
    const singleGas: bigint[] = [];
    for (let i = 0; i < 10; i++) {
      const hash = await wallet.sendTransaction({
        chain: mesi.chain,
        to: mesi.addresses.vault,
        data: encodeFunctionData({
          abi: abis.MesiVault,
          functionName: "credit",
          args: [
            {
              paymentRef: keccak256(toHex(`bench-single-${i}`)),
              fan: `0x${(900_000 + i).toString(16).padStart(40, "0")}`,
              creator: creators[i % creators.length]!,
              amount: parseEther("100"),
              source: 2,
              channel: 0,
              channelRef: `0x${"00".repeat(32)}`,
            },
          ],
        }),
      });
      singleGas.push((await mesi.publicClient.waitForTransactionReceipt({ hash, pollingInterval: 20 })).gasUsed);
    }
    const singlePerCredit = Number(singleGas.reduce((a, b) => a + b, 0n)) / singleGas.length;

    console.log(
      `relayer bench (1 instance, SQLite): ack p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms ` +
        `over ${latencies.length} webhooks at ${ACK_RATE}/s while ${confirmedDuring} backlog credits were confirmed in ` +
        `the same ${window.toFixed(1)} s; gas/credit batched ${batchedPerCredit.toFixed(0)} (${batches.length} batches) ` +
        `vs single ${singlePerCredit.toFixed(0)}; peak RSS ${rss.toFixed(0)} MB`,
    );
    return [
      target("relayer_webhook_ack_p99_ms", p99, "<=", 50),
      target("relayer_gas_batched_over_single", batchedPerCredit / singlePerCredit, "<=", 0.75),
      target("relayer_peak_rss_mb", rss, "<=", 300),
    ].every(Boolean);
  } finally {
    relayer.child.kill("SIGKILL");
    await relayer.exited;
  }
}

async function main(): Promise<void> {
  // The machine's load decides what these numbers mean: say what it was.
  console.log(
    `relayer bench: load average ${loadavg()
      .map((v) => v.toFixed(1))
      .join(" ")} on this machine`,
  );
  const node = await startAnvil();
  try {
    const mesi = await deployFixture(node, { relayers: 2 });
    const creators = await fundedCreators(mesi);
    const only = process.env.BENCH_ONLY;
    const results = [
      only === "sqlite" ? true : await postgresPhase(node, mesi, creators),
      only === "postgres" ? true : await sqlitePhase(node, mesi, creators),
    ];
    process.exitCode = results.every(Boolean) ? 0 : 1;
  } finally {
    await node.stop();
  }
}

await main();
