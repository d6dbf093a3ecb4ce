// Several instances, one store. Outbox claims are exclusive on PostgreSQL
// (FOR UPDATE SKIP LOCKED); and two relayer
// instances, each with its own hot wallet, sharing one real PostgreSQL server,
// process one stream of payments — the same webhooks delivered to both — with
// every payment credited exactly once.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { parseEther, type Hex } from "viem";

import { abis } from "@mesi/deployments";

import { claim, enqueue } from "../src/outbox/outbox.ts";
import { openPostgresStore } from "../src/store/postgres.ts";
import type { Store } from "../src/store/store.ts";
import type { Relayer } from "../src/relayer.ts";
import { buildEvent, deliverEvent } from "../src/stripe/simulator.ts";
import { startAnvil, type AnvilNode } from "./support/anvil.ts";
import { deployFixture, type MesiFixture } from "./support/mesi.ts";
import { startPostgres, type PostgresServer } from "./support/postgres.ts";
import { WEBHOOK_SECRET, createQuote, relayerConfigInput, startTestRelayer, waitFor } from "./support/relayer.ts";

let pg: PostgresServer;
let node: AnvilNode;
let mesi: MesiFixture;

beforeAll(async () => {
  // allSettled: if one fails to start, the other is still kept so afterAll stops it.
  const [pgResult, nodeResult] = await Promise.allSettled([startPostgres(), startAnvil()]);
  if (pgResult.status === "fulfilled") pg = pgResult.value;
  if (nodeResult.status === "fulfilled") node = nodeResult.value;
  if (pgResult.status === "rejected") throw pgResult.reason;
  if (nodeResult.status === "rejected") throw nodeResult.reason;
  mesi = await deployFixture(node, { relayers: 2 });
});

afterAll(async () => {
  await node?.stop();
  await pg?.stop();
});

async function claimRace(stores: Store[]): Promise<void> {
  const rows = 600;
  for (let i = 0; i < rows; i++) {
    await enqueue(stores[0]!.db, {
      kind: "credit",
      dedupeKey: `ref-${i}`,
      paymentRef: `ref-${i}`,
      payload: { i },
      now: 0,
    });
  }
  const taken = stores.map(() => [] as number[]);
  await Promise.all(
    stores.flatMap((store, index) =>
      [0, 1, 2].map(async () => {
        for (;;) {
          const claimed = await claim(store, { instanceId: `instance-${index}`, kinds: ["credit"], limit: 7, now: 1 });
          if (claimed.length === 0) return;
          taken[index]!.push(...claimed.map((row) => row.id));
        }
      }),
    ),
  );
  const all = taken.flat();
  expect(all).toHaveLength(rows);
  expect(new Set(all).size).toBe(rows);
  for (const ids of taken) expect(ids.length).toBeGreaterThan(0);
}

describe("outbox claims are exclusive", () => {
  test("PostgreSQL: three pools race, FOR UPDATE SKIP LOCKED hands each row to one", async () => {
    const url = pg.url.replace(/\/postgres$/, "/postgres");
    const stores = await Promise.all([openPostgresStore(url, 4), openPostgresStore(url, 4), openPostgresStore(url, 4)]);
    try {
      await stores[0]!.db.deleteFrom("outbox").execute();
      await claimRace(stores);
      await stores[0]!.db.deleteFrom("outbox").execute();
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });
});

describe("two relayer instances on one PostgreSQL", () => {
  let relayers: Relayer[] = [];

  afterAll(async () => {
    await Promise.all(relayers.map((relayer) => relayer.stop()));
  });

  test("one stream of payments, delivered to both, is credited exactly once", async () => {
    relayers = [
      await startTestRelayer(
        relayerConfigInput(node, mesi, { relayerIndex: 0, store: { kind: "postgres", url: pg.url, poolSize: 8 } }),
      ),
      await startTestRelayer(
        relayerConfigInput(node, mesi, { relayerIndex: 1, store: { kind: "postgres", url: pg.url, poolSize: 8 } }),
      ),
    ];
    const creator = await mesi.newFundedAccount();
    const payments = 240;
    const quotes: Array<{
      quoteId: string;
      paymentIntentId: string;
      amountMinor: number;
      currency: string;
      paymentRef: Hex;
    }> = [];
    for (let i = 0; i < payments; i += 20) {
      quotes.push(
        ...(await Promise.all(
          Array.from({ length: 20 }, (_, k) =>
            createQuote(relayers[(i + k) % 2]!.url, {
              fan: `0x${(1000 + i + k).toString(16).padStart(40, "0")}`,
              creator: creator.address,
              purpose: "tip",
              mesiAmount: parseEther("60").toString(),
            }),
          ),
        )),
      );
    }
    // Every event goes to both instances at once (as if a load balancer retried), some under a second event id.
    for (let i = 0; i < quotes.length; i += 24) {
      await Promise.all(
        quotes.slice(i, i + 24).flatMap((quote, k) => {
          const event = (id: string) =>
            buildEvent(
              {
                paymentIntentId: quote.paymentIntentId,
                quoteId: quote.quoteId,
                amountMinor: quote.amountMinor,
                currency: quote.currency,
              },
              "succeeded",
              { eventId: id },
            );
          const sends = relayers.map((relayer) =>
            deliverEvent(`${relayer.url}/webhooks/stripe`, event(`evt_pg_${i + k}`), WEBHOOK_SECRET),
          );
          if (k % 6 === 0)
            sends.push(deliverEvent(`${relayers[1]!.url}/webhooks/stripe`, event(`evt_pg_${i + k}_b`), WEBHOOK_SECRET));
          return sends.map((send) => send.then((response) => expect(response.status).toBe(200)));
        }),
      );
    }
    const refs = quotes.map((quote) => quote.paymentRef);
    await waitFor(
      "every payment credited",
      async () => {
        const records = await Promise.all(
          refs.map((ref) =>
            mesi.publicClient.readContract({
              address: mesi.addresses.vault,
              abi: abis.MesiVault,
              functionName: "creditOf",
              args: [ref],
            }),
          ),
        );
        return records.every((record) => record[0] === 1);
      },
      60_000,
      250,
    );
    const logs = await mesi.publicClient.getContractEvents({
      address: mesi.addresses.vault,
      abi: abis.MesiVault,
      eventName: "Credited",
      fromBlock: 0n,
    });
    const mine = logs.filter((log) => refs.includes(log.args.paymentRef!));
    expect(mine).toHaveLength(payments);
    expect(new Set(mine.map((log) => log.args.paymentRef)).size).toBe(payments);

    const db = relayers[0]!.store.db;
    await waitFor("store settled", async () => {
      const open = await db
        .selectFrom("outbox")
        .select("id")
        .where("state", "in", ["queued", "claimed", "sent"])
        .execute();
      return open.length === 0;
    });
    const credited = await db.selectFrom("payments").select("payment_ref").where("status", "=", "credited").execute();
    expect(credited).toHaveLength(payments);
    const senders = await db.selectFrom("transactions").select("sender").distinct().execute();
    expect(senders.length).toBe(2); // both hot wallets did part of the work
  });
});
