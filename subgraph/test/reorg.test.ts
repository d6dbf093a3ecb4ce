// Reorgs on a real chain: anvil's evm_snapshot / evm_revert, then a different
// branch is mined. The index must roll back to the common ancestor and apply
// the new branch, ending exactly where an index built from scratch on the
// final chain ends.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { parseEther, zeroHash, type Account } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { abis } from "@mesi/deployments";

import { IndexerCore } from "../indexer/indexer.ts";
import { dumpIndex } from "./helpers/index-dump.ts";
import { deployLocalMesi, sendCall, startAnvil, type DeployedMesi, type LocalChain } from "./helpers/local-chain.ts";
import { actorsOf, ref } from "./helpers/scenario.ts";

let chain: LocalChain;
let mesi: DeployedMesi;
let dir: string;

async function send(from: Account, contract: keyof typeof abis, functionName: string, args: readonly unknown[]) {
  await sendCall(chain, mesi, from, contract, functionName, args);
}

beforeAll(async () => {
  chain = await startAnvil();
  mesi = await deployLocalMesi(chain);
  dir = mkdtempSync(join(tmpdir(), "mesi-reorg-"));
  const { admin, fan, fan2 } = actorsOf(chain);
  const vault = mesi.contracts.MesiVault.address;
  for (const account of [fan, fan2]) {
    await send(admin, "MesiToken", "transfer", [account.address, parseEther("1000")]);
    await send(account, "MesiToken", "approve", [vault, parseEther("1000")]);
  }
  await send(admin, "MesiToken", "approve", [vault, parseEther("1000")]);
  await send(admin, "MesiVault", "fundFloat", [parseEther("1000")]);
});

afterAll(async () => {
  await chain?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function core(name: string, onReorg?: () => void): IndexerCore {
  return new IndexerCore({
    client: chain.publicClient as never,
    deployment: mesi.targets,
    databasePath: join(dir, `${name}.sqlite`),
    onReorg,
  });
}

const tipsOf = (indexer: IndexerCore): string[] =>
  (indexer.store.db.prepare(`SELECT "amount" FROM "Tip" ORDER BY "timestamp", "id"`).all() as { amount: Buffer }[]).map(
    (row) => row.amount.toString("hex"),
  );

describe("reorgs", () => {
  it("rolls back to the common ancestor and applies the new branch (shorter, then longer)", async () => {
    const { creator, fan, fan2, relayer } = actorsOf(chain);
    await send(fan, "MesiVault", "tip", [creator.address, parseEther("1"), 0, zeroHash, zeroHash]);

    let reorgs = 0;
    const live = core("live", () => reorgs++);
    await live.follower.syncOnce();
    const common = live.store.cursor();
    expect(tipsOf(live)).toHaveLength(1);

    // Branch A: three blocks with a tip, a fiat credit and a follow-up tip.
    const snapshot = await chain.testClient.snapshot();
    await send(fan, "MesiVault", "tip", [creator.address, parseEther("5"), 0, zeroHash, zeroHash]);
    await send(relayer, "MesiVault", "credit", [
      {
        paymentRef: ref("branch-a"),
        fan: fan.address,
        creator: creator.address,
        amount: parseEther("4"),
        source: 2,
        channel: 0,
        channelRef: zeroHash,
      },
    ]);
    await send(fan2, "MesiVault", "tip", [creator.address, parseEther("2"), 0, zeroHash, zeroHash]);
    await live.follower.syncOnce();
    expect(tipsOf(live)).toHaveLength(4);
    const creatorA = live.store.get("Creator", creator.address.toLowerCase());
    expect(creatorA?.get("pending")).toMatchObject({ kind: "BigInt" });

    // Branch B replaces A from the snapshot: one block only (shorter than A).
    await chain.testClient.revert({ id: snapshot });
    await send(fan2, "MesiVault", "tip", [creator.address, parseEther("7"), 0, zeroHash, zeroHash]);
    await live.follower.syncOnce();
    expect(reorgs).toBe(1);
    expect(live.store.cursor()?.hash).toBe((await chain.publicClient.getBlock()).hash);
    expect(live.store.db.prepare(`SELECT count(*) AS n FROM "RelayerCredit"`).get()).toEqual({ n: 0 });
    expect(tipsOf(live)).toHaveLength(2);

    // B grows past A's height; the index follows without another reorg.
    for (let i = 0; i < 4; i++)
      await send(fan, "MesiVault", "tip", [creator.address, parseEther("1"), 1, zeroHash, zeroHash]);
    await live.follower.syncOnce();
    expect(reorgs).toBe(1);
    expect(tipsOf(live)).toHaveLength(6);
    expect(live.store.cursor()!.number).toBeGreaterThan(common!.number);

    // The reorganized index equals one built from scratch on the final chain, row for row.
    const fresh = core("fresh");
    await fresh.follower.syncOnce();
    expect(dumpIndex(live.store.db, live.schema)).toEqual(dumpIndex(fresh.store.db, fresh.schema));
    fresh.close();
    live.close();
  });

  it("survives a reorg to a branch of equal height (same numbers, other hashes)", async () => {
    const { creator, fan, fan2 } = actorsOf(chain);
    let reorgs = 0;
    const live = core("equal", () => reorgs++);
    await live.follower.syncOnce();
    const snapshot = await chain.testClient.snapshot();
    await send(fan, "MesiVault", "tip", [creator.address, parseEther("3"), 0, zeroHash, zeroHash]);
    await send(fan, "MesiVault", "tip", [creator.address, parseEther("3"), 0, zeroHash, zeroHash]);
    await live.follower.syncOnce();
    const before = live.store.cursor()!;
    await chain.testClient.revert({ id: snapshot });
    await send(fan2, "MesiVault", "tip", [creator.address, parseEther("9"), 3, zeroHash, zeroHash]);
    await chain.testClient.mine({ blocks: 1 }); // an empty block keeps the height equal
    const after = await chain.publicClient.getBlock();
    expect(after.number).toBe(before.number);
    expect(after.hash).not.toBe(before.hash);
    await live.follower.syncOnce();
    expect(reorgs).toBe(1);
    const fresh = core("equal-fresh");
    await fresh.follower.syncOnce();
    expect(dumpIndex(live.store.db, live.schema)).toEqual(dumpIndex(fresh.store.db, fresh.schema));
    fresh.close();
    live.close();
  });

  it("rolls back a range flushed in one go when the ancestor lies inside it, and re-applies it", async () => {
    const { creator, fan, fan2, relayer } = actorsOf(chain);
    const reorgs: { to: bigint }[] = [];
    const live = core("spanning", () => undefined);
    await live.follower.syncOnce();
    const flushedBefore = live.store.cursor()!.number;
    // Common blocks and branch A are indexed by one flush.
    await send(fan, "MesiVault", "tip", [creator.address, parseEther("2"), 0, zeroHash, zeroHash]);
    await send(relayer, "MesiVault", "credit", [
      {
        paymentRef: ref("spanning-common"),
        fan: fan.address,
        creator: creator.address,
        amount: parseEther("3"),
        source: 3,
        channel: 0,
        channelRef: zeroHash,
      },
    ]);
    const ancestor = await chain.publicClient.getBlockNumber({ cacheTime: 0 });
    const snapshot = await chain.testClient.snapshot();
    await send(fan, "MesiVault", "tip", [creator.address, parseEther("4"), 0, zeroHash, zeroHash]);
    await send(relayer, "MesiVault", "credit", [
      {
        paymentRef: ref("spanning-a"),
        fan: fan2.address,
        creator: creator.address,
        amount: parseEther("5"),
        source: 3,
        channel: 0,
        channelRef: zeroHash,
      },
    ]);
    await live.follower.syncOnce();
    live.close();
    // Branch B from the snapshot.
    await chain.testClient.revert({ id: snapshot });
    await send(fan2, "MesiVault", "tip", [creator.address, parseEther("6"), 0, zeroHash, zeroHash]);
    await send(fan2, "MesiVault", "tip", [creator.address, parseEther("1"), 0, zeroHash, zeroHash]);
    const indexer = new IndexerCore({
      client: chain.publicClient as never,
      deployment: mesi.targets,
      databasePath: join(dir, "spanning.sqlite"),
      onReorg: (info) => reorgs.push({ to: info.to.number }),
    });
    await indexer.follower.syncOnce();
    expect(reorgs).toHaveLength(1);
    // The common ancestor was inside the flushed range: the index went back to the range's start.
    expect(reorgs[0]!.to).toBe(flushedBefore);
    expect(reorgs[0]!.to).toBeLessThan(ancestor);
    const refs = indexer.store.db.prepare(`SELECT count(*) AS n FROM "RelayerCredit"`).get() as { n: number };
    expect(refs.n).toBe(1); // spanning-common re-applied, spanning-a gone
    const fresh = core("spanning-fresh");
    await fresh.follower.syncOnce();
    expect(dumpIndex(indexer.store.db, indexer.schema)).toEqual(dumpIndex(fresh.store.db, fresh.schema));
    fresh.close();
    indexer.close();
  });
});
