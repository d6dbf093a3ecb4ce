// Exactly once under SIGKILL, one run per named crash point (issue 9, item 9).
// The relayer runs as its own process against a real anvil node, on a real
// SQLite file and on a real PostgreSQL. Each run arms one crash point through
// the test-only entry (support/crashing-main.ts): the process kills itself
// (SIGKILL) on the Nth pass of that point, and the supervisor restarts it with
// the production entry. The webhook stream carries successes, redeliveries
// (same event id and new ones), refunds that may arrive before their success,
// and refunds and disputes of credits already on-chain, all shuffled.
//
// Each run asserts: the crash point fired (its marker line, and a SIGKILL exit);
// every payment is credited on-chain exactly once, or not at all when refunded
// first, or credited once and reversed once; the store agrees with the chain;
// no transaction from the hot wallet reverted and no row was found already done
// on-chain (a duplicate the contract caught is still a relayer bug).
import { createWriteStream, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createPublicClient, http, parseEther, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";

import { abis } from "@mesi/deployments";

import { freePort } from "../../scripts/lib/free-port.ts";
import { CreditStatus } from "../src/chain/contracts.ts";
import type { RelayerConfigInput } from "../src/config.ts";
import type { CrashPoint } from "../src/crashPoints.ts";
import { openStore } from "../src/store/open.ts";
import type { Store } from "../src/store/store.ts";
import { buildEvent, deliverEvent, type SimulatedOutcome } from "../src/stripe/simulator.ts";
import { startAnvil, type AnvilNode } from "./support/anvil.ts";
import { deployFixture, type MesiFixture } from "./support/mesi.ts";
import { startPostgres, type PostgresServer } from "./support/postgres.ts";
import {
  WEBHOOK_SECRET,
  createQuote,
  relayerConfigInput,
  spawnRelayer,
  tempDir,
  waitFor,
  type CrashSpec,
  type RelayerProcess,
} from "./support/relayer.ts";

/** Payments per run: enough for each point to be passed `hit` times, few enough for CI. */
const PAYMENTS = Number(process.env.CHAOS_PAYMENTS ?? 24);
const RUNS: ReadonlyArray<Omit<CrashSpec, "marker">> = [
  { point: "webhook:before-commit", hit: 5 },
  { point: "webhook:after-commit", hit: 5 },
  // "Inside a batch": only claims of two rows or more count.
  { point: "engine:after-claim", hit: 2, minRows: 2 },
  { point: "engine:before-broadcast", hit: 3 },
  { point: "engine:after-broadcast", hit: 3 },
  { point: "engine:before-confirm", hit: 3 },
];
const FINAL_STATUSES = new Set(["credited", "refunded", "reversed"]);

let node: AnvilNode;
let postgres: PostgresServer;
let mesi: MesiFixture;
let creators: Hex[];
const summary: string[] = [];

beforeAll(async () => {
  const [pgResult, nodeResult] = await Promise.allSettled([startPostgres(), startAnvil()]);
  if (pgResult.status === "fulfilled") postgres = pgResult.value;
  if (nodeResult.status === "fulfilled") node = nodeResult.value;
  if (pgResult.status === "rejected") throw pgResult.reason;
  if (nodeResult.status === "rejected") throw nodeResult.reason;
  // One hot wallet per crash point; the SQLite runs finish before the PostgreSQL runs reuse them.
  mesi = await deployFixture(node, { relayers: RUNS.length });
  creators = [];
  for (let i = 0; i < 3; i++) creators.push((await mesi.newFundedAccount()).address);
});

afterAll(async () => {
  if (summary.length > 0) console.log(summary.join("\n"));
  await node?.stop();
  await postgres?.stop();
});

/** Keeps one relayer process running: the first one armed with the crash point, every restart the production entry. */
class Supervisor {
  current: RelayerProcess | undefined;
  readonly exits: Array<{ code: number | null; signal: NodeJS.Signals | null }> = [];
  #stopping = false;
  readonly #log: NodeJS.WritableStream;

  constructor(
    private readonly config: RelayerConfigInput,
    logPath: string,
  ) {
    this.#log = createWriteStream(logPath);
  }

  async start(crash?: CrashSpec): Promise<string> {
    const child = spawnRelayer(this.config, { logFile: this.#log, ...(crash === undefined ? {} : { crash }) });
    this.current = child;
    void child.exited.then((code) => {
      if (this.#stopping) return;
      this.exits.push({ code, signal: child.child.signalCode });
      setTimeout(() => void this.start().catch(() => undefined), 20);
    });
    return await child.url;
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    const current = this.current;
    if (current === undefined || current.child.exitCode !== null || current.child.signalCode !== null) return;
    current.child.kill("SIGTERM");
    await current.exited;
  }
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

interface Quote {
  quoteId: string;
  paymentIntentId: string;
  amountMinor: number;
  currency: string;
  paymentRef: Hex;
}

interface Delivery {
  readonly quote: Quote;
  readonly outcome: SimulatedOutcome;
  readonly eventId: string;
}

/** Delivers every event until it is acknowledged (as Stripe retries), with `workers` at a time. */
async function deliverAll(webhookUrl: string, deliveries: Delivery[], workers: number): Promise<void> {
  const queue = [...deliveries];
  const worker = async (): Promise<void> => {
    for (;;) {
      const next = queue.shift();
      if (next === undefined) return;
      const { quote } = next;
      const event = buildEvent(
        {
          paymentIntentId: quote.paymentIntentId,
          quoteId: quote.quoteId,
          amountMinor: quote.amountMinor,
          currency: quote.currency,
        },
        next.outcome,
        { eventId: next.eventId },
      );
      const acknowledged = await deliverEvent(webhookUrl, event, WEBHOOK_SECRET, {
        signal: AbortSignal.timeout(5_000),
      }).then(
        (response) => response.status === 200,
        () => false, // refused or reset: the process is down
      );
      if (acknowledged) continue;
      queue.push(next);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
}

async function createDatabase(serverUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`create database ${name}`);
  } finally {
    await client.end();
  }
  return serverUrl.replace(/\/[^/]*$/, `/${name}`);
}

describe.each(["sqlite", "postgres"] as const)("crash points on %s", (storeKind) => {
  test.each(RUNS.map((run, index) => ({ ...run, index })))(
    "killed at $point (hit $hit): every payment credited exactly once or reversed, nothing reverted",
    async ({ index, ...run }) => {
      const started = Date.now();
      const dir = tempDir("mesi-chaos-");
      const marker = join(dir, "crash.jsonl");
      const store: RelayerConfigInput["store"] =
        storeKind === "sqlite"
          ? { kind: "sqlite", path: join(dir, "relayer.sqlite") }
          : { kind: "postgres", url: await createDatabase(postgres.url, `chaos_${index}`), poolSize: 4 };
      const config = relayerConfigInput(node, mesi, {
        relayerIndex: index,
        instanceId: `chaos-${storeKind}-${index}`,
        store,
        http: { port: await freePort() },
        logLevel: "info",
        batching: { maxBatchSize: 8, maxWaitMs: 150, maxInFlight: 4 },
      });
      const hotWallet = privateKeyToAccount(mesi.relayerKeys[index]!).address;
      const publicClient = createPublicClient({
        chain: mesi.chain,
        transport: http(node.url, { batch: { batchSize: 200 } }),
      });
      const supervisor = new Supervisor(config, join(dir, "relayer.log"));
      let db: Store | undefined;
      try {
        const url = await supervisor.start({ ...run, marker });
        const quotes: Quote[] = await Promise.all(
          Array.from({ length: PAYMENTS }, (_, i) =>
            createQuote(url, {
              fan: `0x${(0xc4a0_0000 + index * 1000 + i).toString(16).padStart(40, "0")}`,
              creator: creators[i % creators.length]!,
              purpose: "tip",
              mesiAmount: parseEther(String(50 + i)).toString(),
            }),
          ),
        );
        const firstBlock = await publicClient.getBlockNumber({ cacheTime: 0 });

        // Wave 1: each success, some redelivered under the same event id or a new one, and refunds that may
        // come before their success. Wave 2, once those credits are on-chain: refunds and disputes to reverse.
        const wave1: Delivery[] = [];
        const wave2: Delivery[] = [];
        const reversed = new Set<number>();
        for (const [i, quote] of quotes.entries()) {
          wave1.push({ quote, outcome: "succeeded", eventId: `evt_chaos_${index}_${i}` });
          if (i % 4 === 0) wave1.push({ quote, outcome: "succeeded", eventId: `evt_chaos_${index}_${i}` });
          if (i % 8 === 0) wave1.push({ quote, outcome: "succeeded", eventId: `evt_chaos_${index}_${i}_again` });
          if (i % 6 === 1) wave1.push({ quote, outcome: "refunded", eventId: `evt_chaos_${index}_${i}_refund` });
          if (i % 6 === 3) wave2.push({ quote, outcome: "refunded", eventId: `evt_chaos_${index}_${i}_refund` });
          if (i % 6 === 4) wave2.push({ quote, outcome: "disputed", eventId: `evt_chaos_${index}_${i}_dispute` });
          if (i % 12 === 4) wave2.push({ quote, outcome: "refunded", eventId: `evt_chaos_${index}_${i}_refund` });
          if (i % 6 === 1 || i % 6 === 3 || i % 6 === 4) reversed.add(i);
        }
        const webhookUrl = `${url}/webhooks/stripe`;
        await deliverAll(webhookUrl, shuffle(wave1), 8);

        const creditStatus = async (ref: Hex): Promise<number> =>
          (
            await publicClient.readContract({
              address: mesi.addresses.vault,
              abi: abis.MesiVault,
              functionName: "creditOf",
              args: [ref],
            })
          )[0];
        const wave2Refs = [...new Set(wave2.map((delivery) => delivery.quote.paymentRef))];
        await waitFor(
          "the credits to be refunded on-chain",
          async () => (await Promise.all(wave2Refs.map(creditStatus))).every((status) => status === CreditStatus.Held),
          60_000,
          100,
        );
        await deliverAll(webhookUrl, shuffle(wave2), 8);

        db = await openStore(config.store as Parameters<typeof openStore>[0]);
        const storeDb = db.db;
        const refs = quotes.map((quote) => quote.paymentRef);
        const settled = async (): Promise<boolean> => {
          const payments = await storeDb.selectFrom("payments").select(["payment_ref", "status"]).execute();
          const open = await storeDb
            .selectFrom("outbox")
            .select("id")
            .where("state", "in", ["queued", "claimed", "sent"])
            .execute();
          const inFlight = await storeDb
            .selectFrom("transactions")
            .select("id")
            .where("state", "in", ["pending", "mined"])
            .execute();
          return (
            payments.length === PAYMENTS &&
            payments.every((payment) => FINAL_STATUSES.has(payment.status)) &&
            open.length === 0 &&
            inFlight.length === 0
          );
        };
        await waitFor("every payment settled by the relayer", settled, 90_000, 200);
        await waitFor("the crash point to fire", async () => existsSync(marker), 1_000, 50).catch(() => {
          throw new Error(`${run.point} was passed fewer than ${run.hit} times: the crash point never fired`);
        });
        await supervisor.stop();

        // The crash point fired, in the armed process, which died of SIGKILL.
        const fired = readFileSync(marker, "utf8")
          .trim()
          .split("\n")
          .map((line) => JSON.parse(line) as { point: string; hit: number; rows: number | null });
        expect(fired).toHaveLength(1);
        expect(fired[0]).toMatchObject({ point: run.point, hit: run.hit });
        if (run.minRows !== undefined) expect(fired[0]!.rows).toBeGreaterThanOrEqual(run.minRows);
        expect(supervisor.exits[0]).toEqual({ code: null, signal: "SIGKILL" });

        // The chain: one Credited event per credited or reversed payment, one CreditReversed per reversed one.
        const [creditedLogs, reversedLogs] = await Promise.all([
          publicClient.getContractEvents({
            address: mesi.addresses.vault,
            abi: abis.MesiVault,
            eventName: "Credited",
            args: { paymentRef: refs },
            fromBlock: firstBlock,
          }),
          publicClient.getContractEvents({
            address: mesi.addresses.vault,
            abi: abis.MesiVault,
            eventName: "CreditReversed",
            args: { paymentRef: refs },
            fromBlock: firstBlock,
          }),
        ]);
        const count = (logs: Array<{ args: { paymentRef?: Hex } }>, ref: Hex): number =>
          logs.filter((log) => log.args.paymentRef === ref).length;
        const statuses = new Map(
          (await storeDb.selectFrom("payments").select(["payment_ref", "status"]).execute()).map((row) => [
            row.payment_ref,
            row.status,
          ]),
        );
        const outcomes = { credited: 0, refunded: 0, reversed: 0 };
        for (const [i, ref] of refs.entries()) {
          const status = statuses.get(ref);
          const onChain = await creditStatus(ref);
          const credits = count(creditedLogs, ref);
          const reversals = count(reversedLogs, ref);
          const seen = { i, status, onChain, credits, reversals };
          if (!reversed.has(i)) {
            expect(seen).toEqual({ i, status: "credited", onChain: CreditStatus.Held, credits: 1, reversals: 0 });
          } else if (status === "refunded") {
            // Refunded before its credit went out: nothing on-chain.
            expect(seen).toEqual({ i, status, onChain: CreditStatus.None, credits: 0, reversals: 0 });
          } else {
            expect(seen).toEqual({ i, status: "reversed", onChain: CreditStatus.Reversed, credits: 1, reversals: 1 });
          }
          outcomes[status as keyof typeof outcomes]++;
        }
        // Refunds and disputes after a credit was on-chain were reversed on-chain.
        expect(outcomes.reversed).toBeGreaterThanOrEqual(wave2Refs.length);

        // No transaction from the hot wallet reverted, whatever the store says.
        const head = await publicClient.getBlockNumber({ cacheTime: 0 });
        const blocks = await Promise.all(
          Array.from({ length: Number(head - firstBlock) + 1 }, (_, k) =>
            publicClient.getBlock({ blockNumber: firstBlock + BigInt(k), includeTransactions: true }),
          ),
        );
        const sent = blocks.flatMap((block) =>
          block.transactions.filter((tx) => tx.from.toLowerCase() === hotWallet.toLowerCase()),
        );
        const receipts = await Promise.all(sent.map((tx) => publicClient.getTransactionReceipt({ hash: tx.hash })));
        expect(receipts.filter((receipt) => receipt.status !== "success")).toEqual([]);
        expect(receipts.length).toBeGreaterThan(0);
        const storeTxStates = await storeDb.selectFrom("transactions").select("state").distinct().execute();
        expect(
          storeTxStates.map((row) => row.state).filter((state) => state !== "confirmed" && state !== "final"),
        ).toEqual([]);
        // Nor did the relayer find work already done on-chain (a duplicate caught by the contract's check).
        const duplicates = await storeDb
          .selectFrom("outbox")
          .select(["kind", "payment_ref", "last_error"])
          .where("last_error", "in", ["reference already used on-chain", "already reversed"])
          .execute();
        expect(duplicates).toEqual([]);

        summary.push(
          `chaos ${storeKind} ${run.point}: fired at hit ${fired[0]!.hit}${fired[0]!.rows === null ? "" : ` (${fired[0]!.rows} rows)`}, ` +
            `${supervisor.exits.length} restart(s), ${PAYMENTS} payments (${outcomes.credited} credited, ` +
            `${outcomes.reversed} reversed, ${outcomes.refunded} refunded before credit), ${receipts.length} transactions, ` +
            `0 reverted, ${((Date.now() - started) / 1000).toFixed(1)} s`,
        );
      } finally {
        await supervisor.stop();
        await db?.close();
      }
    },
    180_000,
  );
});
