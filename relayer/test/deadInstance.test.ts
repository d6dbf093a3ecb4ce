// Claims held by an instance that dies for good (issue 9, item 2). Two relayer
// instances share one PostgreSQL. The first, a real process, claims a batch of
// credits and is SIGKILLed at that moment (the crash point right after a claim)
// and never comes back. The second, started after the claim, must release the
// abandoned claim when its lease runs out (periodic maintenance, not only at a
// restart) and credit every payment — with no reverted batch.
import { afterAll, beforeAll, expect, test } from "vitest";
import { parseEther, type Hex } from "viem";

import { abis } from "@mesi/deployments";

import type { Relayer } from "../src/relayer.ts";
import { startAnvil, type AnvilNode } from "./support/anvil.ts";
import { deployFixture, type MesiFixture } from "./support/mesi.ts";
import { startPostgres, type PostgresServer } from "./support/postgres.ts";
import {
  createQuote,
  payQuote,
  relayerConfigInput,
  spawnRelayer,
  startTestRelayer,
  waitFor,
  type RelayerProcess,
} from "./support/relayer.ts";

let pg: PostgresServer;
let node: AnvilNode;
let mesi: MesiFixture;
let dead: RelayerProcess | undefined;
let survivor: Relayer | undefined;

beforeAll(async () => {
  const [pgResult, nodeResult] = await Promise.allSettled([startPostgres(), startAnvil()]);
  if (pgResult.status === "fulfilled") pg = pgResult.value;
  if (nodeResult.status === "fulfilled") node = nodeResult.value;
  if (pgResult.status === "rejected") throw pgResult.reason;
  if (nodeResult.status === "rejected") throw nodeResult.reason;
  mesi = await deployFixture(node, { relayers: 2 });
});

afterAll(async () => {
  dead?.child.kill("SIGKILL");
  await survivor?.stop();
  await node?.stop();
  await pg?.stop();
});

test("an instance SIGKILLed for good holding a claim: the other releases it after the lease and credits every payment", async () => {
  const store = { kind: "postgres" as const, url: pg.url, poolSize: 4 };
  const lease = { claimLeaseMs: 2_000 };
  dead = spawnRelayer(
    relayerConfigInput(node, mesi, {
      relayerIndex: 0,
      store,
      tx: lease,
      batching: { maxBatchSize: 100, maxWaitMs: 300, maxInFlight: 4 },
    }),
    { crash: { point: "engine:after-claim", hit: 1 } },
  );
  const deadUrl = await dead.url;
  const creator = await mesi.newFundedAccount();
  const quotes = [];
  for (let i = 0; i < 30; i++) {
    quotes.push(
      await createQuote(deadUrl, {
        fan: `0x${(0xd000 + i).toString(16).padStart(40, "0")}`,
        creator: creator.address,
        purpose: "tip",
        mesiAmount: parseEther("60").toString(),
      }),
    );
  }
  const refs = quotes.map((quote) => quote.paymentRef as Hex);
  // The first instance claims a batch as soon as its batch wait is over and dies there; payments it did not
  // acknowledge before dying are delivered to the survivor (as Stripe would retry them).
  const undelivered: typeof quotes = [];
  await Promise.all(
    quotes.map(async (quote) => {
      const ok = await payQuote(deadUrl, quote).then(
        ({ response }) => response.status === 200,
        () => false,
      );
      if (!ok) undelivered.push(quote);
    }),
  );
  expect(await dead.exited).toBeNull();

  survivor = await startTestRelayer(
    relayerConfigInput(node, mesi, { relayerIndex: 1, instanceId: "relayer-2", store, tx: lease }),
  );
  for (const quote of undelivered) expect((await payQuote(survivor.url, quote)).response.status).toBe(200);
  const db = survivor.store.db;
  // The dead instance's claim is still there (the survivor may meanwhile be claiming the payments it took itself).
  const held = await db
    .selectFrom("outbox")
    .select(["claimed_by"])
    .where("state", "=", "claimed")
    .where("claimed_by", "=", "relayer-1")
    .execute();
  expect(held.length).toBeGreaterThan(0);

  await waitFor(
    "every payment credited on-chain",
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
    30_000,
    250,
  );
  await waitFor("every payment booked", async () => {
    const credited = await db.selectFrom("payments").select("payment_ref").where("status", "=", "credited").execute();
    return credited.length === 30;
  });
  const reverted = await db.selectFrom("transactions").select("id").where("state", "=", "reverted").execute();
  expect(reverted).toHaveLength(0);
  const senders = await db.selectFrom("transactions").select("sender").distinct().execute();
  expect(senders.map((row) => row.sender)).toEqual([survivor.chain.signer.address.toLowerCase()]);
  const logs = await mesi.publicClient.getContractEvents({
    address: mesi.addresses.vault,
    abi: abis.MesiVault,
    eventName: "Credited",
    fromBlock: 0n,
  });
  expect(logs.filter((log) => refs.includes(log.args.paymentRef!))).toHaveLength(30);
});
