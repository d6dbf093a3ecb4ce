// A per-wallet quota on what the content store takes: every object a wallet stores counts once against it (an
// object is never deleted — a profile on chain may point at it — so the quota bounds what one wallet can make the
// platform keep). The ledger is checked and written in one SQLite transaction before anything is stored, so two
// saves at once can't both squeeze under the limit, and a refused save stores nothing.
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
    super(m.contentStore.quota(size(usedBytes), size(quotaBytes), size(neededBytes)));
    this.usedBytes = usedBytes;
    this.quotaBytes = quotaBytes;
    this.neededBytes = neededBytes;
  }
}

export interface QuotaStore {
  /** Stores `objects` for `owner` (an address) and returns their CIDs; throws ContentQuotaError over the quota. */
  putOwned(owner: string, objects: readonly NewObject[]): Promise<string[]>;
  /** Bytes `owner` has stored so far. */
  usageOf(owner: string): number;
}

export function withQuota(store: ContentStore, db: Database.Database, quotaBytes: number): QuotaStore {
  db.exec(`CREATE TABLE IF NOT EXISTS content_owners (
    owner TEXT NOT NULL,
    cid TEXT NOT NULL,
    size INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (owner, cid)
  )`);
  const usage = db.prepare<[string], { used: number }>(
    "SELECT COALESCE(SUM(size), 0) AS used FROM content_owners WHERE owner = ?",
  );
  const owned = db.prepare<[string, string], { cid: string }>(
    "SELECT cid FROM content_owners WHERE owner = ? AND cid = ?",
  );
  const insert = db.prepare<[string, string, number, number]>(
    "INSERT INTO content_owners (owner, cid, size, created_at) VALUES (?, ?, ?, ?)",
  );
  const remove = db.prepare<[string, string]>("DELETE FROM content_owners WHERE owner = ? AND cid = ?");
  const reserve = db.transaction((owner: string, items: readonly { cid: string; size: number }[]): string[] => {
    const fresh = new Map<string, number>();
    for (const item of items) if (owned.get(owner, item.cid) === undefined) fresh.set(item.cid, item.size);
    const needed = [...fresh.values()].reduce((sum, size) => sum + size, 0);
    const used = usage.get(owner)!.used;
    if (needed > 0 && used + needed > quotaBytes) throw new ContentQuotaError(used, quotaBytes, needed);
    const now = Date.now();
    for (const [cid, size] of fresh) insert.run(owner, cid, size, now);
    return [...fresh.keys()];
  });
  return {
    async putOwned(owner, objects) {
      const who = owner.toLowerCase();
      const cids = await Promise.all(objects.map((object) => cidOf(object.bytes)));
      const reserved = reserve.immediate(
        who,
        objects.map((object, i) => ({ cid: cids[i]!, size: object.bytes.byteLength })),
      );
      try {
        for (const object of objects) await store.put(object.bytes, object.contentType);
      } catch (cause) {
        for (const cid of reserved) remove.run(who, cid);
        throw cause;
      }
      return cids;
    },
    usageOf: (owner) => usage.get(owner.toLowerCase())!.used,
  };
}
