// The provider fails: the index must never be silently wrong. A JSON-RPC proxy
// in front of anvil fails chosen calls — in the middle of a range, at the reorg
// check — and the index must end equal to one built from scratch, with no
// rollback for an outage; a reorg deeper than the limit halts with a clear error.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { createPublicClient, http, parseEther, zeroHash, type Account } from "viem";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { abis } from "@mesi/deployments";

import { ReorgTooDeepError } from "../indexer/chain/follower.ts";
import { IndexerCore } from "../indexer/indexer.ts";
import { dumpIndex } from "./helpers/index-dump.ts";
import { deployLocalMesi, sendCall, startAnvil, type DeployedMesi, type LocalChain } from "./helpers/local-chain.ts";
import { startRpcProxy, type RpcCall, type RpcProxy } from "./helpers/rpc-proxy.ts";
import { actorsOf } from "./helpers/scenario.ts";

let chain: LocalChain;
let mesi: DeployedMesi;
let proxy: RpcProxy;
let dir: string;

async function send(from: Account, contract: keyof typeof abis, functionName: string, args: readonly unknown[]) {
  await sendCall(chain, mesi, from, contract, functionName, args);
}

async function tips(count: number, amount = "1"): Promise<void> {
  const { creator, creator2, fan, fan2 } = actorsOf(chain);
  for (let i = 0; i < count; i++) {
    await send(i % 2 ? fan : fan2, "MesiVault", "tip", [
      (i % 3 ? creator : creator2).address,
      parseEther(amount),
      i % 4,
      zeroHash,
      zeroHash,
    ]);
  }
}

beforeAll(async () => {
  chain = await startAnvil();
  mesi = await deployLocalMesi(chain);
  proxy = await startRpcProxy(chain.url);
  dir = mkdtempSync(join(tmpdir(), "mesi-rpc-failures-"));
  const { admin, fan, fan2 } = actorsOf(chain);
  const vault = mesi.contracts.MesiVault.address;
  for (const account of [fan, fan2]) {
    await send(admin, "MesiToken", "transfer", [account.address, parseEther("10000")]);
    await send(account, "MesiToken", "approve", [vault, parseEther("10000")]);
  }
});

beforeEach(() => proxy.failWhen(null));

afterAll(async () => {
  await proxy?.stop();
  await chain?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function core(name: string, options: { viaProxy?: boolean; reorgThreshold?: number; onReorg?: () => void } = {}) {
  const url = options.viaProxy === false ? chain.url : proxy.url;
  return new IndexerCore({
    client: createPublicClient({ transport: http(url, { retryCount: 0 }) }) as never,
    deployment: mesi.targets,
    databasePath: join(dir, `${name}.sqlite`),
    reorgThreshold: options.reorgThreshold,
    onReorg: options.onReorg,
  });
}

async function expectEqualToFresh(indexer: IndexerCore, name: string): Promise<void> {
  const fresh = core(`${name}-fresh`, { viaProxy: false });
  await fresh.follower.syncOnce();
  expect(indexer.store.cursor()).toEqual(fresh.store.cursor());
  expect(dumpIndex(indexer.store.db, indexer.schema)).toEqual(dumpIndex(fresh.store.db, fresh.schema));
  fresh.close();
}

/** Fails the `nth` call (1-based) that matches, from now on, once. */
function failNth(nth: number, matches: (call: RpcCall) => boolean): void {
  let seen = 0;
  proxy.failWhen((call) => matches(call) && ++seen === nth);
}

const fullBlock = (call: RpcCall): boolean => call.method === "eth_getBlockByNumber" && call.params[1] === true;
const headerOf =
  (number: bigint) =>
  (call: RpcCall): boolean =>
    call.method === "eth_getBlockByNumber" && call.params[0] === `0x${number.toString(16)}`;

describe("RPC failures", () => {
  it("discards a range's applied blocks when a block lookup fails in the middle of it", async () => {
    await tips(6);
    const live = core("mid-range");
    failNth(3, fullBlock);
    await expect(live.follower.syncOnce()).rejects.toThrow(/injected outage/);
    expect(proxy.failed()).toBe(1);
    proxy.failWhen(null);
    await live.follower.syncOnce();
    await expectEqualToFresh(live, "mid-range");
    live.close();
  });

  it("discards a range's applied blocks when the range end's check fails just before the flush", async () => {
    const live = core("before-flush");
    await live.follower.syncOnce();
    await tips(5, "2");
    const head = await chain.publicClient.getBlockNumber({ cacheTime: 0 });
    // The range end is looked up before and after its blocks are applied: fail the second lookup.
    failNth(2, headerOf(head));
    await expect(live.follower.syncOnce()).rejects.toThrow(/injected outage/);
    proxy.failWhen(null);
    await live.follower.syncOnce();
    await expectEqualToFresh(live, "before-flush");
    live.close();
  });

  it("does not take a failed block lookup for a reorg: no rollback, the error surfaces", async () => {
    let reorgs = 0;
    const live = core("outage-not-reorg", { onReorg: () => reorgs++ });
    await live.follower.syncOnce();
    const cursor = live.store.cursor()!;
    await tips(3, "3");
    // Every lookup of the indexed head fails (the provider is down for it); older blocks still answer.
    proxy.failWhen(headerOf(cursor.number));
    await expect(live.follower.syncOnce()).rejects.toThrow(/injected outage/);
    expect(reorgs).toBe(0);
    expect(live.store.cursor()).toEqual(cursor);
    proxy.failWhen(null);
    await live.follower.syncOnce();
    expect(reorgs).toBe(0);
    await expectEqualToFresh(live, "outage-not-reorg");
    live.close();
  });

  it("halts with a clear error on a reorg deeper than the limit instead of rolling back", async () => {
    let reorgs = 0;
    const live = core("too-deep", { reorgThreshold: 2, onReorg: () => reorgs++ });
    await live.follower.syncOnce();
    const snapshot = await chain.testClient.snapshot();
    await tips(4, "4");
    await live.follower.syncOnce();
    await chain.testClient.revert({ id: snapshot });
    await tips(5, "5");
    const error = await live.follower.syncOnce().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ReorgTooDeepError);
    expect((error as Error).message).toMatch(/deeper than 2 blocks/);
    expect(reorgs).toBe(0);
    expect(live.store.getMeta("indexing_error")).toMatch(/deeper than 2 blocks/);
    live.close();
  });
});
