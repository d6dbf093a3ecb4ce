// Against real SQLite files, one for the webapp's ledgers (claims and quota share it, as in production) and the
// embedded content store.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";

import { cidOf } from "./content/cid";
import { createLocalContentStore } from "./content/localStore";
import { ContentQuotaError, withQuota } from "./content/quota";
import { ContentStoreError } from "./content/types";
import { createHandleClaims } from "./handleClaims";
import { storeProfileObjects } from "./profileSave";

const ALICE = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const BOB = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
const cleanups: (() => void)[] = [];

function setUp(quotaBytes = 1_000) {
  const dir = mkdtempSync(join(tmpdir(), "mesi-profile-save-"));
  const content = createLocalContentStore(join(dir, "content.sqlite"));
  const db = new Database(join(dir, "webapp.sqlite"));
  cleanups.push(() => {
    content.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const deps = { claims: createHandleClaims(db), store: withQuota(content, db, quotaBytes) };
  const save = (owner: string, handle: string, size: number, fill: number, now: number) =>
    storeProfileObjects(deps, {
      owner,
      handle,
      objects: [{ bytes: new Uint8Array(size).fill(fill), contentType: "application/json" }],
      kept: [],
      now,
    });
  return { content, save };
}

afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

describe("storeProfileObjects: claim and store as one unit", () => {
  it("stores for the first creator of a handle and answers null, storing nothing, for the next", async () => {
    const { content, save } = setUp();
    const [cid] = (await save(ALICE, "neon", 100, 1, 0))!;
    expect(await content.get(cid!)).not.toBeNull();
    expect(await save(BOB, "neon", 100, 2, 1)).toBeNull();
    expect(await content.get(await cidOf(new Uint8Array(100).fill(2)))).toBeNull();
  });

  it("a new handle whose save the quota refuses stays free", async () => {
    const { save } = setUp();
    await expect(save(ALICE, "neon", 1_001, 1, 0)).rejects.toBeInstanceOf(ContentQuotaError);
    expect(await save(BOB, "neon", 100, 2, 1)).not.toBeNull();
  });

  it("a refused save keeps the handle the creator saved before, whichever handle the refused save asked for", async () => {
    const { save } = setUp();
    expect(await save(ALICE, "neon", 100, 1, 0)).not.toBeNull(); // saved, not on chain yet
    await expect(save(ALICE, "neon", 1_001, 2, 10)).rejects.toBeInstanceOf(ContentQuotaError);
    expect(await save(BOB, "neon", 100, 3, 20)).toBeNull();
    await expect(save(ALICE, "other", 1_001, 4, 30)).rejects.toBeInstanceOf(ContentQuotaError);
    expect(await save(BOB, "neon", 100, 5, 40)).toBeNull();
    expect(await save(BOB, "other", 100, 6, 50)).not.toBeNull();
  });

  it("a save the store refuses gives the claim back too", async () => {
    // Within a large quota, but over the store's largest object: the store itself refuses.
    const { save } = setUp(1_000_000);
    await expect(save(ALICE, "neon", 300_000, 1, 0)).rejects.toBeInstanceOf(ContentStoreError);
    expect(await save(BOB, "neon", 100, 2, 1)).not.toBeNull();
  });
});
