// Against real SQLite files: the embedded content store and the webapp's ledger.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";

import { cidOf } from "./cid";
import { createLocalContentStore } from "./localStore";
import { ContentQuotaError, withQuota } from "./quota";
import { ContentStoreError } from "./types";

const ALICE = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const BOB = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
const cleanups: (() => void)[] = [];

function setUp(quotaBytes: number) {
  const dir = mkdtempSync(join(tmpdir(), "mesi-quota-"));
  const store = createLocalContentStore(join(dir, "content.sqlite"));
  const db = new Database(join(dir, "webapp.sqlite"));
  cleanups.push(() => {
    store.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { store, quota: withQuota(store, db, quotaBytes) };
}

const object = (size: number, fill: number) => ({ bytes: new Uint8Array(size).fill(fill), contentType: "image/webp" });

afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

describe("content quota per wallet", () => {
  it("stores up to the quota, counting an object once per wallet", async () => {
    const { store, quota } = setUp(1_000);
    const [cid] = await quota.putOwned(ALICE, [object(600, 1)]);
    expect((await store.get(cid!))?.bytes.byteLength).toBe(600);
    await quota.putOwned(ALICE.toLowerCase(), [object(600, 1)]); // the same object again costs nothing
    expect(quota.usageOf(ALICE)).toBe(600);
    await quota.putOwned(ALICE, [object(400, 2)]);
    expect(quota.usageOf(ALICE)).toBe(1_000);
  });

  it("refuses a save that would go over, with the numbers, and stores none of it", async () => {
    const { store, quota } = setUp(1_000);
    await quota.putOwned(ALICE, [object(700, 1)]);
    const picture = object(200, 2);
    const document = object(200, 3);
    const error = await quota.putOwned(ALICE, [picture, document]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContentQuotaError);
    expect(error).toMatchObject({ usedBytes: 700, quotaBytes: 1_000, neededBytes: 400 });
    expect((error as Error).message).toMatch(/Nothing was stored/);
    expect(await store.get(await cidOf(picture.bytes))).toBeNull();
    expect(await store.get(await cidOf(document.bytes))).toBeNull();
    expect(quota.usageOf(ALICE)).toBe(700);
  });

  it("keeps each wallet's quota apart", async () => {
    const { quota } = setUp(1_000);
    await quota.putOwned(ALICE, [object(1_000, 1)]);
    await expect(quota.putOwned(ALICE, [object(1, 2)])).rejects.toBeInstanceOf(ContentQuotaError);
    await expect(quota.putOwned(BOB, [object(1_000, 3)])).resolves.toHaveLength(1);
  });

  it("lets only one of two saves at once through when both together go over", async () => {
    const { quota } = setUp(1_000);
    const results = await Promise.allSettled([
      quota.putOwned(ALICE, [object(600, 1)]),
      quota.putOwned(ALICE, [object(600, 2)]),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    expect(quota.usageOf(ALICE)).toBe(600);
  });

  it("gives the bytes back when the store refuses the object", async () => {
    const { quota } = setUp(1_000_000);
    await expect(quota.putOwned(ALICE, [object(300_000, 1)])).rejects.toBeInstanceOf(ContentStoreError);
    expect(quota.usageOf(ALICE)).toBe(0);
  });
});
