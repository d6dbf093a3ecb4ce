// The embedded content store: objects by CID in a SQLite file. Objects are immutable, so a put of a known CID
// changes nothing.
import Database from "better-sqlite3";

import { cidOf, MAX_OBJECT_BYTES, parseCid } from "./cid";
import { ContentStoreError, type ContentStore, type StoredObject } from "./types";

export function createLocalContentStore(file: string): ContentStore & { close(): void } {
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.exec(`CREATE TABLE IF NOT EXISTS objects (
    cid TEXT PRIMARY KEY,
    content_type TEXT NOT NULL,
    bytes BLOB NOT NULL,
    created_at INTEGER NOT NULL
  )`);
  const insert = db.prepare("INSERT OR IGNORE INTO objects (cid, content_type, bytes, created_at) VALUES (?, ?, ?, ?)");
  const select = db.prepare<[string], { content_type: string; bytes: Buffer }>(
    "SELECT content_type, bytes FROM objects WHERE cid = ?",
  );
  return {
    kind: "local",
    async put(bytes, contentType) {
      if (bytes.byteLength === 0) throw new ContentStoreError("an empty object can't be stored", false);
      if (bytes.byteLength > MAX_OBJECT_BYTES) {
        throw new ContentStoreError(`objects are at most ${MAX_OBJECT_BYTES} bytes`, false);
      }
      const cid = await cidOf(bytes);
      insert.run(cid, contentType, Buffer.from(bytes), Date.now());
      return cid;
    },
    async get(cid): Promise<StoredObject | null> {
      const row = select.get(parseCid(cid).toString());
      return row === undefined ? null : { bytes: new Uint8Array(row.bytes), contentType: row.content_type };
    },
    close: () => db.close(),
  };
}
