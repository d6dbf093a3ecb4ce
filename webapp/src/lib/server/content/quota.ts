// A per-wallet quota on what the content store takes, counted on what the wallet's current documents reference:
// the objects of its latest save (its profile document and picture) and those its published profile still points
// at. A save replaces the wallet's current set, so replacing a picture five times costs one picture, not five.
// Objects are never deleted (content addressing: another document, or a profile on chain, may point at one); a
// replaced object just stops counting. The ledger is checked and written in one SQLite transaction before anything
// is stored, so a refused save stores nothing and leaves the count as it was; a store that then fails puts the
// wallet's previous set back.
import type Database from "better-sqlite3";

import { m } from "$lib/i18n";

import { cidOf } from "./cid";
import type { ContentStore } from "./types";

export interface NewObject {
  readonly bytes: Uint8Array;
  readonly contentType: string;
}

/** The wallet's uploads would go over its quota; nothing was stored. */
export class ContentQuotaError extends Error {
  override readonly name = "ContentQuotaError";
  readonly usedBytes: number;
  readonly quotaBytes: number;
  readonly neededBytes: number;

  constructor(usedBytes: number, quotaBytes: number, neededBytes: number) {
    const size = (bytes: number) =>
      new Intl.NumberFormat("en", { style: "unit", unit: "kilobyte", maximumFractionDigits: 0 }).format(
        Math.ceil(bytes / 1024),
      );
    super(
      usedBytes === 0
        ? m.contentStore.tooLarge(size(quotaBytes), size(neededBytes))
        : m.contentStore.quota(size(usedBytes), size(quotaBytes), size(neededBytes)),
    );
    this.usedBytes = usedBytes;
    this.quotaBytes = quotaBytes;
    this.neededBytes = neededBytes;
  }
}

export interface QuotaStore {
  /**
   * Stores `objects` as `owner`'s (an address) current set and returns their CIDs. Counted against the quota: these
   * objects plus `kept`, CIDs the owner stored before that its new document or published profile still reference
   * (a CID the owner never stored costs it nothing). Throws ContentQuotaError when that goes over the quota.
   */
  putOwned(owner: string, objects: readonly NewObject[], kept?: readonly string[]): Promise<string[]>;
  /** Bytes `owner`'s current set takes. */
  usageOf(owner: string): number;
}

export function withQuota(store: ContentStore, db: Database.Database, quotaBytes: number): QuotaStore {
  db.exec(`CREATE TABLE IF NOT EXISTS content_owners (
    owner TEXT NOT NULL,
    cid TEXT NOT NULL,
    size INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    in_use INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (owner, cid)
  )`);
  // A ledger from before the count followed the current set: every object counted, as it did then.
  const columns = db.prepare<[], { name: string }>("SELECT name FROM pragma_table_info('content_owners')").all();
  if (!columns.some((column) => column.name === "in_use")) {
    db.exec("ALTER TABLE content_owners ADD COLUMN in_use INTEGER NOT NULL DEFAULT 1");
  }
  const usage = db.prepare<[string], { used: number }>(
    "SELECT COALESCE(SUM(size), 0) AS used FROM content_owners WHERE owner = ? AND in_use = 1",
  );
  const currentSet = db.prepare<[string], { cid: string }>(
    "SELECT cid FROM content_owners WHERE owner = ? AND in_use = 1",
  );
  const sizeOf = db.prepare<[string, string], { size: number }>(
    "SELECT size FROM content_owners WHERE owner = ? AND cid = ?",
  );
  const insert = db.prepare<[string, string, number, number]>(
    "INSERT INTO content_owners (owner, cid, size, created_at, in_use) VALUES (?, ?, ?, ?, 0)",
  );
  const clearCurrent = db.prepare<[string]>("UPDATE content_owners SET in_use = 0 WHERE owner = ?");
  const markCurrent = db.prepare<[string, string]>("UPDATE content_owners SET in_use = 1 WHERE owner = ? AND cid = ?");
  const remove = db.prepare<[string, string]>("DELETE FROM content_owners WHERE owner = ? AND cid = ?");

  const makeCurrent = (owner: string, cids: Iterable<string>) => {
    clearCurrent.run(owner);
    for (const cid of cids) markCurrent.run(owner, cid);
  };
  /** Checks the new set against the quota and makes it current; returns what to undo if the store then fails. */
  const reserve = db.transaction(
    (owner: string, items: readonly { cid: string; size: number }[], kept: readonly string[]) => {
      const previous = currentSet.all(owner).map((row) => row.cid);
      const keptSizes = new Map<string, number>();
      for (const cid of kept) {
        const row = sizeOf.get(owner, cid);
        if (row !== undefined) keptSizes.set(cid, row.size);
      }
      const fresh = new Map<string, number>();
      for (const item of items) if (!keptSizes.has(item.cid)) fresh.set(item.cid, item.size);
      const used = [...keptSizes.values()].reduce((sum, size) => sum + size, 0);
      const needed = [...fresh.values()].reduce((sum, size) => sum + size, 0);
      if (used + needed > quotaBytes) throw new ContentQuotaError(used, quotaBytes, needed);
      const now = Date.now();
      const inserted: string[] = [];
      for (const [cid, size] of fresh) {
        if (sizeOf.get(owner, cid) !== undefined) continue;
        insert.run(owner, cid, size, now);
        inserted.push(cid);
      }
      makeCurrent(owner, [...keptSizes.keys(), ...fresh.keys()]);
      return { previous, inserted };
    },
  );
  const undo = db.transaction((owner: string, reserved: { previous: string[]; inserted: string[] }) => {
    for (const cid of reserved.inserted) remove.run(owner, cid);
    makeCurrent(owner, reserved.previous);
  });
  return {
    async putOwned(owner, objects, kept = []) {
      const who = owner.toLowerCase();
      const cids = await Promise.all(objects.map((object) => cidOf(object.bytes)));
      const reserved = reserve.immediate(
        who,
        objects.map((object, i) => ({ cid: cids[i]!, size: object.bytes.byteLength })),
        kept,
      );
      try {
        for (const object of objects) await store.put(object.bytes, object.contentType);
      } catch (cause) {
        undo.immediate(who, reserved);
        throw cause;
      }
      return cids;
    },
    usageOf: (owner) => usage.get(owner.toLowerCase())!.used,
  };
}
