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

/** A fresh store and ledger; `before` may write to the ledger's database first (an older schema). */
function setUp(quotaBytes: number, before?: (db: Database.Database) => void) {
  const dir = mkdtempSync(join(tmpdir(), "mesi-quota-"));
  const store = createLocalContentStore(join(dir, "content.sqlite"));
  const db = new Database(join(dir, "webapp.sqlite"));
  cleanups.push(() => {
    store.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  before?.(db);
  return { store, quota: withQuota(store, db, quotaBytes) };
}

const object = (size: number, fill: number) => ({ bytes: new Uint8Array(size).fill(fill), contentType: "image/webp" });

afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

describe("content quota per wallet", () => {
  it("counts what the wallet's current documents reference: a replaced picture stops counting", async () => {
    const { store, quota } = setUp(1_000);
    // Five saves of a new 400-byte picture and its 100-byte document: each replaces the last.
    for (let i = 1; i <= 5; i++) {
      const [picture] = await quota.putOwned(ALICE, [object(400, i), object(100, 100 + i)]);
      expect((await store.get(picture!))?.bytes.byteLength).toBe(400);
      expect(quota.usageOf(ALICE)).toBe(500);
    }
    await quota.putOwned(ALICE.toLowerCase(), [object(400, 5), object(100, 105)]); // the same save again
    expect(quota.usageOf(ALICE)).toBe(500);
  });

  it("keeps counting what the new document and the published profile still reference", async () => {
    const { quota } = setUp(1_000);
    const [publishedPicture, publishedDocument] = await quota.putOwned(ALICE, [object(400, 1), object(100, 2)]);
    const published = [publishedDocument!, publishedPicture!];
    // A new profile with a new picture, while the published one is still on chain: both count.
    const [newPicture] = await quota.putOwned(ALICE, [object(400, 3), object(100, 4)], published);
    expect(quota.usageOf(ALICE)).toBe(1_000);
    // A new document that keeps that picture: the picture still counts, the replaced document not.
    await quota.putOwned(ALICE, [object(90, 5)], [...published, newPicture!]);
    expect(quota.usageOf(ALICE)).toBe(990);
    // A CID the wallet never stored (another wallet's picture) costs it nothing.
    const [bobs] = await quota.putOwned(BOB, [object(300, 6)]);
    await quota.putOwned(ALICE, [object(100, 7)], [...published, bobs!]);
    expect(quota.usageOf(ALICE)).toBe(600);
  });

  it("refuses a save that would go over, with the numbers, stores none of it and keeps the count", async () => {
    const { store, quota } = setUp(1_000);
    const published = await quota.putOwned(ALICE, [object(600, 1), object(100, 9)]);
    const picture = object(200, 2);
    const document = object(200, 3);
    const error = await quota.putOwned(ALICE, [picture, document], published).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContentQuotaError);
    expect(error).toMatchObject({ usedBytes: 700, quotaBytes: 1_000, neededBytes: 400 });
    expect((error as Error).message).toMatch(/Nothing was stored/);
    expect(await store.get(await cidOf(picture.bytes))).toBeNull();
    expect(await store.get(await cidOf(document.bytes))).toBeNull();
    expect(quota.usageOf(ALICE)).toBe(700);
    // One save bigger than the quota on its own is refused too.
    await expect(quota.putOwned(ALICE, [object(1_001, 4)])).rejects.toBeInstanceOf(ContentQuotaError);
    expect(quota.usageOf(ALICE)).toBe(700);
  });

  it("keeps each wallet's quota apart", async () => {
    const { quota } = setUp(1_000);
    await quota.putOwned(ALICE, [object(1_000, 1)]);
    await expect(quota.putOwned(ALICE, [object(1, 2)], [await cidOf(object(1_000, 1).bytes)])).rejects.toBeInstanceOf(
      ContentQuotaError,
    );
    await expect(quota.putOwned(BOB, [object(1_000, 3)])).resolves.toHaveLength(1);
    expect([quota.usageOf(ALICE), quota.usageOf(BOB)]).toEqual([1_000, 1_000]);
  });

  it("counts one save's set when two saves run at once, never both", async () => {
    const { quota } = setUp(1_000);
    const results = await Promise.allSettled([
      quota.putOwned(ALICE, [object(600, 1)]),
      quota.putOwned(ALICE, [object(600, 2)]),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled"]);
    expect(quota.usageOf(ALICE)).toBe(600);
  });

  it("puts the previous set back when the store refuses the object", async () => {
    const { quota } = setUp(1_000_000);
    await quota.putOwned(ALICE, [object(500, 1)]);
    await expect(quota.putOwned(ALICE, [object(300_000, 2)])).rejects.toBeInstanceOf(ContentStoreError);
    expect(quota.usageOf(ALICE)).toBe(500);
    await expect(quota.putOwned(BOB, [object(300_000, 2)])).rejects.toBeInstanceOf(ContentStoreError);
    expect(quota.usageOf(BOB)).toBe(0);
  });

  it("moves a ledger from before the current-set count over, counting its objects until the next save", async () => {
    const { quota } = setUp(1_000, (db) => {
      db.exec(`CREATE TABLE content_owners (owner TEXT NOT NULL, cid TEXT NOT NULL, size INTEGER NOT NULL,
        created_at INTEGER NOT NULL, PRIMARY KEY (owner, cid))`);
      const owner = ALICE.toLowerCase();
      db.prepare("INSERT INTO content_owners VALUES (?, 'a', 300, 0), (?, 'b', 400, 0)").run(owner, owner);
    });
    expect(quota.usageOf(ALICE)).toBe(700);
    await quota.putOwned(ALICE, [object(100, 1)]);
    expect(quota.usageOf(ALICE)).toBe(100);
  });
});
