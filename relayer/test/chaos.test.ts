// Exactly once under SIGKILL. The relayer runs as its own process against a
// real anvil node and a real SQLite file. Over 500 card payments arrive as
// signed webhooks — some redelivered under the same event id, some under a new
// one, all shuffled — while the process is killed with SIGKILL from outside at
// random moments and kills itself at chosen points (after committing a webhook,
// after claiming outbox rows, after recording a transaction but before
// broadcasting it, after broadcasting, before confirming). Each time it is
// restarted. At the end every payment reference is credited on-chain exactly
// once: creditOf(ref) is Held and there is one Credited event per reference.
import { createWriteStream } from "node:fs";
import { join } from "node:path";

import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createPublicClient, http, parseEther, type Hex } from "viem";

import { abis } from "@mesi/deployments";

import { freePort } from "../../scripts/lib/free-port.ts";
import { buildEvent, deliverEvent } from "../src/stripe/simulator.ts";
import { startAnvil, type AnvilNode } from "./support/anvil.ts";
import { deployFixture, type MesiFixture } from "./support/mesi.ts";
import {
  WEBHOOK_SECRET,
  createQuote,
  relayerConfigInput,
  spawnRelayer,
  tempDir,
  waitFor,
  type RelayerProcess,
} from "./support/relayer.ts";

const PAYMENTS = Number(process.env.CHAOS_PAYMENTS ?? 520);
const CRASH_POINTS = [
  "webhook:after-commit@0.01",
  "engine:after-claim@0.15",
  "engine:before-broadcast@0.15",
  "engine:after-broadcast@0.15",
  "engine:before-confirm@0.15",
].join(",");

let node: AnvilNode;
let mesi: MesiFixture;

beforeAll(async () => {
  node = await startAnvil();
  mesi = await deployFixture(node);
});

afterAll(async () => {
  await node?.stop();
});

/** Keeps one relayer process running, restarting it whenever it dies, and kills it on demand. */
class Supervisor {
  current: RelayerProcess | undefined;
  restarts = 0;
  selfKills = 0;
  #stopping = false;
  readonly #killed = new WeakSet<RelayerProcess>();
  readonly #log: NodeJS.WritableStream;

  constructor(
    private readonly config: Parameters<typeof spawnRelayer>[0],
    private env: Record<string, string>,
    logPath: string,
  ) {
    this.#log = createWriteStream(logPath);
  }

  async start(): Promise<string> {
    const process = spawnRelayer(this.config, { env: this.env, logFile: this.#log });
    this.current = process;
    void process.exited.then((code) => {
      if (this.#stopping || this.current !== process) return;
      if (code === null && !this.#killed.has(process)) this.selfKills++;
      this.restarts++;
      setTimeout(() => void this.start().catch(() => undefined), 20);
    });
    return await process.url;
  }

  /** Resolves once the current process listens (or has died). */
  async listening(): Promise<void> {
    for (;;) {
      const current = this.current;
      if (current !== undefined) {
        const up = await Promise.race([
          current.url.then(
            () => true,
            () => false,
          ),
          current.exited.then(() => false),
        ]);
        if (up && this.current === current) return;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  kill9(): void {
    if (this.current === undefined) return;
    this.#killed.add(this.current);
    this.current.child.kill("SIGKILL");
  }

  setEnv(env: Record<string, string>): void {
    this.env = env;
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

describe("SIGKILL at random points during 500+ payments", () => {
  test("every payment is credited on-chain exactly once", async () => {
    const dir = tempDir("mesi-chaos-");
    const port = await freePort();
    const config = relayerConfigInput(node, mesi, {
      store: { kind: "sqlite", path: join(dir, "relayer.sqlite") },
      http: { port },
      logLevel: (process.env.CHAOS_LOG_LEVEL as "info" | undefined) ?? "info",
      batching: { maxBatchSize: 40, maxWaitMs: 30, maxInFlight: 4 },
    });
    const supervisor = new Supervisor(config, {}, join(dir, "relayer.log"));
    const url = await supervisor.start();
    try {
      // Quotes first (the relayer stays up), then the chaos.
      const creators: Array<{ address: Hex }> = [];
      for (let i = 0; i < 5; i++) creators.push(await mesi.newFundedAccount());
      const quotes: Array<{
        quoteId: string;
        paymentIntentId: string;
        amountMinor: number;
        currency: string;
        paymentRef: Hex;
      }> = [];
      for (let i = 0; i < PAYMENTS; i += 20) {
        const batch = await Promise.all(
          Array.from({ length: Math.min(20, PAYMENTS - i) }, (_, k) =>
            createQuote(url, {
              fan: `0x${(i + k + 1).toString(16).padStart(40, "0")}`,
              creator: creators[(i + k) % creators.length]!.address,
              purpose: "tip",
              mesiAmount: parseEther(String(50 + ((i + k) % 50))).toString(),
            }),
          ),
        );
        quotes.push(...batch);
      }

      // Deliveries: each success once, ~20 % redelivered with the same event id,
      // ~5 % again under a new event id; shuffled.
      const deliveries = quotes.map((quote, index) => ({ quote, eventId: `evt_chaos_${index}` }));
      for (const [index, quote] of quotes.entries()) {
        if (index % 5 === 0) deliveries.push({ quote, eventId: `evt_chaos_${index}` });
        if (index % 20 === 0) deliveries.push({ quote, eventId: `evt_chaos_${index}_again` });
      }
      const queue = shuffle([...deliveries]);
      expect(queue.length).toBeGreaterThanOrEqual(Math.min(500, PAYMENTS));

      supervisor.setEnv({ MESI_RELAYER_CRASH_POINTS: CRASH_POINTS });
      let externalKills = 0;
      let delivering = true;
      const chaos = (async () => {
        while (delivering) {
          // Kill a running instance a random while after it started listening.
          await supervisor.listening();
          await new Promise((resolve) => setTimeout(resolve, 150 + Math.random() * 900));
          if (!delivering) break;
          supervisor.kill9();
          externalKills++;
        }
      })();

      const webhookUrl = `http://127.0.0.1:${port}/webhooks/stripe`;
      let acknowledged = 0;
      const worker = async (): Promise<void> => {
        for (;;) {
          const next = queue.shift();
          if (next === undefined) return;
          const event = buildEvent(
            {
              paymentIntentId: next.quote.paymentIntentId,
              quoteId: next.quote.quoteId,
              amountMinor: next.quote.amountMinor,
              currency: next.quote.currency,
            },
            "succeeded",
            { eventId: next.eventId },
          );
          try {
            const response = await deliverEvent(webhookUrl, event, WEBHOOK_SECRET, {
              signal: AbortSignal.timeout(5_000),
            });
            if (response.status === 200) {
              acknowledged++;
              continue;
            }
          } catch {
            // Connection refused or reset: the process is down. Stripe retries; so do we.
          }
          queue.push(next);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      };
      await Promise.all(Array.from({ length: 12 }, worker));
      // Keep killing while the outbox drains (sends and confirmations in flight).
      await new Promise((resolve) => setTimeout(resolve, 6_000));
      delivering = false;
      await chaos;
      expect(acknowledged).toBe(deliveries.length);

      // Let the last instance (no more crash points) drain the outbox.
      supervisor.setEnv({});
      supervisor.kill9();
      const publicClient = createPublicClient({
        chain: mesi.chain,
        transport: http(node.url, { batch: { batchSize: 600 } }),
      });
      const refs = quotes.map((quote) => quote.paymentRef);
      const statuses = async (): Promise<number[]> =>
        await Promise.all(
          refs.map(async (ref) => {
            const record = await publicClient.readContract({
              address: mesi.addresses.vault,
              abi: abis.MesiVault,
              functionName: "creditOf",
              args: [ref],
            });
            return record[0];
          }),
        );
      await waitFor(
        "every payment credited",
        async () => (await statuses()).every((status) => status === 1),
        90_000,
        500,
      );
      // The chain is done; the relayer books each confirmation a little later (it waits for its receipts).
      const booked = (): { credited: number; open: number } => {
        const db = new Database(join(dir, "relayer.sqlite"), { readonly: true });
        try {
          const credited = db.prepare("select count(*) as n from payments where status = 'credited'").get() as {
            n: number;
          };
          const open = db
            .prepare("select count(*) as n from outbox where state in ('queued', 'claimed', 'sent')")
            .get() as { n: number };
          return { credited: credited.n, open: open.n };
        } finally {
          db.close();
        }
      };
      await waitFor(
        "every credit booked by the relayer",
        async () => {
          const { credited, open } = booked();
          return credited === PAYMENTS && open === 0;
        },
        60_000,
        250,
      );
      await supervisor.stop();

      const logs = await publicClient.getContractEvents({
        address: mesi.addresses.vault,
        abi: abis.MesiVault,
        eventName: "Credited",
        fromBlock: 0n,
      });
      const perRef = new Map<string, number>();
      for (const log of logs) perRef.set(log.args.paymentRef!, (perRef.get(log.args.paymentRef!) ?? 0) + 1);
      expect(perRef.size).toBe(PAYMENTS);
      for (const ref of refs) expect(perRef.get(ref)).toBe(1);
      expect(logs).toHaveLength(PAYMENTS);

      const db = new Database(join(dir, "relayer.sqlite"), { readonly: true });
      const payments = db.prepare("select status, count(*) as n from payments group by status").all() as Array<{
        status: string;
        n: number;
      }>;
      const open = db
        .prepare("select count(*) as n from outbox where state in ('queued', 'claimed', 'sent')")
        .get() as { n: number };
      db.close();
      expect(payments).toEqual([{ status: "credited", n: PAYMENTS }]);
      expect(open.n).toBe(0);

      console.log(
        `chaos: ${deliveries.length} deliveries, ${externalKills} external SIGKILLs, ${supervisor.selfKills} kills at crash points ` +
          `(${supervisor.restarts} restarts), ${PAYMENTS} payments credited once each`,
      );
      expect(externalKills + supervisor.selfKills).toBeGreaterThanOrEqual(10);
    } finally {
      await supervisor.stop();
    }
  }, 240_000);
});
