// npm run bench:relayer — drives signed Stripe webhooks at a relayer process
// (SQLite store) against a local anvil node and measures, end to end:
//   - sustained confirmed on-chain credits per second,
//   - webhook acknowledgement latency p99 at 200 requests/s,
//   - gas per credit in a batch ÷ gas of one credit per transaction,
//   - the relayer's peak memory (VmHWM of its process).
// Prints `TARGET <name> measured=<value> goal=<op><value> status=ok|miss` lines.
import { createWriteStream, readFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";

import Database from "better-sqlite3";
import { createWalletClient, encodeFunctionData, http, keccak256, parseEther, toHex, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";

import { abis } from "@mesi/deployments";

import { buildEvent, deliverEvent } from "../src/stripe/simulator.ts";
import { startAnvil } from "../test/support/anvil.ts";
import { deployFixture } from "../test/support/mesi.ts";
import { WEBHOOK_SECRET, relayerConfigInput, spawnRelayer, tempDir } from "../test/support/relayer.ts";

const ACK_RATE = 200; // requests per second
const ACK_SECONDS = 10;
const THROUGHPUT_PAYMENTS = 4000;

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

async function confirmedCount(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const match = /relayer_credits_confirmed_total\{kind="credit"\} (\d+)/.exec(text);
  return match === null ? 0 : Number(match[1]);
}

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const match = /VmHWM:\s+(\d+) kB/.exec(status);
  return match === null ? Number.NaN : Number(match[1]) / 1024;
}

async function main(): Promise<void> {
  const node = await startAnvil();
  const dir = tempDir("mesi-bench-");
  const relayer: { process?: ReturnType<typeof spawnRelayer> } = {};
  try {
    const mesi = await deployFixture(node, { relayers: 2 });
    const config = relayerConfigInput(node, mesi, {
      store: { kind: "sqlite", path: join(dir, "relayer.sqlite") },
      logLevel: "warn",
      batching: { maxBatchSize: Number(process.env.BENCH_BATCH ?? 50), maxWaitMs: 50, maxInFlight: 8 },
      chain: { pollIntervalMs: 20 },
    });
    relayer.process = spawnRelayer(
      config,
      process.env.BENCH_PROFILE
        ? {
            env: { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${process.env.BENCH_PROFILE}` },
            logFile: createWriteStream(join(process.env.BENCH_PROFILE, "relayer.log")),
          }
        : {},
    );
    const url = await relayer.process.url;
    const pid = relayer.process.child.pid!;
    const webhookUrl = `${url}/webhooks/stripe`;

    const creators: Array<{ address: Hex }> = [];
    for (let i = 0; i < 8; i++) creators.push(await mesi.newFundedAccount());
    const makeQuotes = async (count: number, offset: number): Promise<Quote[]> => {
      const quotes: Quote[] = [];
      for (let i = 0; i < count; i += 50) {
        const batch = await Promise.all(
          Array.from({ length: Math.min(50, count - i) }, async (_, k) => {
            const response = await fetch(`${url}/quotes`, {
              method: "POST",
              headers: { "content-type": "application/json" },
              body: JSON.stringify({
                fan: `0x${(offset + i + k + 1).toString(16).padStart(40, "0")}`,
                creator: creators[(i + k) % creators.length]!.address,
                purpose: "tip",
                mesiAmount: parseEther("100").toString(),
              }),
            });
            return (await response.json()) as Quote;
          }),
        );
        quotes.push(...batch);
      }
      return quotes;
    };
    const send = (quote: Quote, eventId: string) =>
      deliverEvent(
        webhookUrl,
        buildEvent(
          {
            paymentIntentId: quote.paymentIntentId,
            quoteId: quote.quoteId,
            amountMinor: quote.amountMinor,
            currency: quote.currency,
          },
          "succeeded",
          { eventId },
        ),
        WEBHOOK_SECRET,
      );

    // 1. Acknowledgement latency at a steady 200 requests/s (open loop: requests leave on schedule).
    const ackQuotes = await makeQuotes(ACK_RATE * ACK_SECONDS, 0);
    const latencies: number[] = [];
    const started = performance.now();
    await Promise.all(
      ackQuotes.map(async (quote, index) => {
        const due = started + (index * 1000) / ACK_RATE;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        const sent = performance.now();
        const response = await send(quote, `evt_bench_ack_${index}`);
        latencies.push(performance.now() - sent);
        if (response.status !== 200) throw new Error(`webhook answered ${response.status}`);
      }),
    );
    const p99 = percentile(latencies, 99);
    if (process.env.BENCH_DEBUG) {
      const text = await (await fetch(`${url}/metrics`)).text();
      console.log(
        text
          .split("\n")
          .filter((line) => /webhook_ack_seconds_bucket|eventloop_lag|gc_duration_seconds_sum/.test(line))
          .join("\n"),
      );
      console.log(
        "slowest",
        [...latencies]
          .sort((a, b) => b - a)
          .slice(0, 25)
          .map((v) => v.toFixed(0))
          .join(" "),
      );
    }
    while ((await confirmedCount(url)) < ackQuotes.length) await new Promise((resolve) => setTimeout(resolve, 250));

    // 2. Sustained confirmed credits per second: a backlog arrives as fast as the relayer takes it.
    const throughputQuotes = await makeQuotes(THROUGHPUT_PAYMENTS, 100_000);
    const before = await confirmedCount(url);
    const blastStart = performance.now();
    const queue = [...throughputQuotes.entries()];
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
          const response = await send(next[1], `evt_bench_tp_${next[0]}`);
          if (response.status !== 200) throw new Error(`webhook answered ${response.status}`);
        }
      }),
    );
    let confirmed = before;
    while (confirmed < before + throughputQuotes.length) {
      if (performance.now() - blastStart > 120_000) throw new Error("credits did not confirm within 120 s");
      await new Promise((resolve) => setTimeout(resolve, 100));
      confirmed = await confirmedCount(url);
    }
    const seconds = (performance.now() - blastStart) / 1000;
    const creditsPerSecond = throughputQuotes.length / seconds;
    const rss = peakRssMb(pid);

    // 3. Gas: credits in the relayer's batches vs one credit per transaction (second relayer wallet).
    relayer.process.child.kill("SIGTERM");
    await relayer.process.exited;
    const db = new Database(join(dir, "relayer.sqlite"), { readonly: true });
    const batches = db
      .prepare(
        `select t.gas_used as gas, count(o.id) as rows from transactions t join outbox o on o.tx_id = t.id
         where t.kind = 'credit' and t.state = 'confirmed' group by t.id having count(o.id) >= 25`,
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
              creator: creators[i % creators.length]!.address,
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
      `relayer bench: ack p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms over ${latencies.length} webhooks at ${ACK_RATE}/s; ` +
        `${throughputQuotes.length} credits confirmed in ${seconds.toFixed(1)} s; ` +
        `gas/credit batched ${batchedPerCredit.toFixed(0)} (${batches.length} batches) vs single ${singlePerCredit.toFixed(0)}; peak RSS ${rss.toFixed(0)} MB`,
    );
    const results = [
      target("relayer_confirmed_credits_per_s", creditsPerSecond, ">=", 200),
      target("relayer_webhook_ack_p99_ms", p99, "<=", 50),
      target("relayer_gas_batched_over_single", batchedPerCredit / singlePerCredit, "<=", 0.75),
      target("relayer_peak_rss_mb", rss, "<=", 300),
    ];
    process.exitCode = results.every(Boolean) ? 0 : 1;
  } finally {
    relayer.process?.child.kill("SIGKILL");
    await node.stop();
  }
}

await main();
