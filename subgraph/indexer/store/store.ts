// The entity store: one SQLite table per entity type, typed columns, with
//  - a write cache per block (what `store.get` of a handler sees, and
//    `store.get_in_block`), flushed in batches of whole blocks in ONE
//    transaction together with the cursor (restart: nothing re-applied,
//    nothing lost);
//  - a history journal of every mutable entity's previous row, per block,
//    so that a reorg rolls back to the common ancestor; immutable rows are
//    removed by their `_block` column.
import { createHash } from "node:crypto";
import { deserialize, serialize } from "node:v8";

import Database from "better-sqlite3";

import type { EntityModel, FieldModel, SchemaModel } from "./model.ts";
import {
  columnType,
  EntityValidationError,
  fromColumn,
  idToColumn,
  normalizeId,
  toColumn,
  validateEntity,
  type ColumnValue,
  type EntityData,
  type StoreValue,
} from "./values.ts";

export interface BlockPointer {
  readonly number: bigint;
  readonly hash: `0x${string}`;
  readonly parentHash: `0x${string}`;
  readonly timestamp: bigint;
}

export interface Cursor {
  readonly number: bigint;
  readonly hash: `0x${string}`;
  readonly timestamp: bigint;
}

type Row = Record<string, ColumnValue>;

interface PreparedEntity {
  readonly model: EntityModel;
  readonly select: Database.Statement;
  readonly upsert: Database.Statement;
  /** Plain INSERT for immutable entities: a second version is an error, as in graph-node. */
  readonly insert: Database.Statement;
  readonly remove: Database.Statement;
  readonly deleteAfter: Database.Statement;
  /** Mutable entities: puts back a journaled row as it was (with its `_created`). */
  readonly restore: Database.Statement;
  readonly deleteCreatedAfter: Database.Statement;
}

interface PendingBlock {
  readonly block: BlockPointer;
  /** Entity name → canonical id → data (null = removed), in write order. */
  readonly changes: Map<string, Map<string, EntityData | null>>;
}

export class StoreError extends Error {
  override readonly name = "StoreError";
}

export function quote(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}

/**
 * Indexes that serve the queries people run, and no more (every index costs each insert): the
 * back-reference of every @derivedFrom list (with time, for "tips of a creator in a range"), and time.
 */
function indexStatements(model: SchemaModel, entity: EntityModel): string[] {
  const statements: string[] = [];
  const hasTimestamp = entity.storedFields.some((f) => f.name === "timestamp");
  const table = quote(entity.table);
  const backReferences = new Set<string>();
  for (const other of model.entities) {
    for (const field of other.fields) {
      if (field.derivedFrom !== undefined && field.typeName === entity.name) backReferences.add(field.derivedFrom);
    }
  }
  for (const field of entity.storedFields) {
    if (field.kind !== "entity" || field.list || !backReferences.has(field.name)) continue;
    const second = hasTimestamp ? `, "timestamp", "id"` : `, "id"`;
    statements.push(
      `CREATE INDEX IF NOT EXISTS ${quote(`${entity.table}_${field.name}`)} ON ${table} (${quote(field.column)}${second})`,
    );
  }
  if (hasTimestamp) {
    statements.push(`CREATE INDEX IF NOT EXISTS ${quote(`${entity.table}_timestamp`)} ON ${table} ("timestamp", "id")`);
  }
  return statements;
}

export interface EntityStoreOptions {
  /** Blocks of history kept (older journal entries and block hashes are pruned). */
  readonly reorgRetention?: number;
  /** How deep a reorg may go: blocks further below the chain head are written without a journal. Default 250. */
  readonly reorgThreshold?: number;
}

export class EntityStore {
  readonly db: Database.Database;
  readonly model: SchemaModel;
  readonly #entities = new Map<string, PreparedEntity>();
  readonly #reorgRetention: bigint;
  /** Blocks below the head that can still be reorganized (graph-node's ETHEREUM_REORG_THRESHOLD). */
  readonly reorgThreshold: bigint;
  /** Blocks processed but not yet flushed. */
  #pending: PendingBlock[] = [];
  /** Latest value per entity key over the pending blocks (null = removed). */
  readonly #overlay = new Map<string, Map<string, EntityData | null>>();
  #current: PendingBlock | undefined;
  /**
   * Durable entities recently read or written, by entity and id: this process is the only writer,
   * so a write-through cache stays exact (cleared on rollback). Saves re-reading and re-decoding
   * the aggregates every event touches.
   */
  readonly #cache = new Map<string, Map<string, EntityData | null>>();
  #cacheSize = 0;
  static readonly CACHE_LIMIT = 100_000;
  #pendingCursor: Cursor | undefined;
  readonly #enumSets = new Map<string, ReadonlySet<string>>();

  constructor(path: string, model: SchemaModel, options: EntityStoreOptions = {}) {
    this.model = model;
    this.#reorgRetention = BigInt(options.reorgRetention ?? 100_000);
    this.reorgThreshold = BigInt(options.reorgThreshold ?? 250);
    this.db = new Database(path);
    this.db.pragma("journal_mode = WAL");
    this.db.pragma("synchronous = NORMAL");
    this.db.pragma("cache_size = -65536");
    this.db.pragma("temp_store = MEMORY");
    this.db.pragma("wal_autocheckpoint = 10000");
    this.db.pragma("mmap_size = 268435456");
    this.#migrate();
    for (const entity of model.entities) this.#entities.set(entity.name, this.#prepare(entity));
  }

  /** Bump when the table layout changes: an index of another layout is rebuilt from scratch. */
  static readonly LAYOUT_VERSION = "3";

  static schemaHash(model: SchemaModel): string {
    return createHash("sha256").update(EntityStore.LAYOUT_VERSION).update(model.source).digest("hex");
  }

  #migrate(): void {
    const hash = EntityStore.schemaHash(this.model);
    this.db.exec(`CREATE TABLE IF NOT EXISTS _meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`);
    const stored = this.db.prepare(`SELECT value FROM _meta WHERE key = 'schema_hash'`).get() as
      { value: string } | undefined;
    if (stored && stored.value !== hash) {
      // A changed schema needs a fresh index: drop everything and start over.
      const tables = this.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[];
      this.db.transaction(() => {
        for (const { name } of tables) this.db.exec(`DROP TABLE IF EXISTS ${quote(name)}`);
      })();
      this.db.exec(`CREATE TABLE IF NOT EXISTS _meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`);
    }
    this.db.transaction(() => {
      this.db.exec(`CREATE TABLE IF NOT EXISTS _blocks (
        number INTEGER PRIMARY KEY, hash TEXT NOT NULL, parent_hash TEXT NOT NULL, timestamp INTEGER NOT NULL)`);
      // One entry per mutable entity that existed before a flush and changed in it: its row before the
      // flush, for the flush's blocks [block, last]. Entities created in a flush are found by `_created`.
      this.db.exec(`CREATE TABLE IF NOT EXISTS _history (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, block INTEGER NOT NULL, last INTEGER NOT NULL, entity TEXT NOT NULL,
        id, prev BLOB NOT NULL)`);
      this.db.exec(`CREATE INDEX IF NOT EXISTS _history_block ON _history (block)`);
      this.db.exec(`CREATE TABLE IF NOT EXISTS _flushes (first INTEGER PRIMARY KEY, last INTEGER NOT NULL)`);
      for (const entity of this.model.entities) {
        const columns = entity.storedFields.map(
          (f) => `${quote(f.column)} ${columnType(f)}${f.name === "id" ? " PRIMARY KEY" : ""}`,
        );
        columns.push(`"_block" INTEGER NOT NULL`);
        if (!entity.immutable) columns.push(`"_created" INTEGER NOT NULL`);
        // Rowid tables with the id as a unique key: inserts of random ids are cheaper than in a
        // clustered WITHOUT ROWID table, measured on this kind of machine.
        this.db.exec(`CREATE TABLE IF NOT EXISTS ${quote(entity.table)} (${columns.join(", ")})`);
        for (const statement of indexStatements(this.model, entity)) this.db.exec(statement);
      }
      this.db.prepare(`INSERT OR REPLACE INTO _meta (key, value) VALUES ('schema_hash', ?)`).run(hash);
    })();
  }

  #prepare(entity: EntityModel): PreparedEntity {
    const table = quote(entity.table);
    const fields = entity.storedFields.map((f) => quote(f.column));
    const columns = [...fields, `"_block"`];
    const mutableColumns = [...columns, `"_created"`];
    const placeholders = (list: string[]): string => list.map(() => "?").join(", ");
    return {
      model: entity,
      select: this.db.prepare(`SELECT * FROM ${table} WHERE "id" = ?`).safeIntegers(true),
      // Updates keep the block the entity was created in.
      upsert: entity.immutable
        ? this.db.prepare(`INSERT OR REPLACE INTO ${table} (${columns.join(", ")}) VALUES (${placeholders(columns)})`)
        : this.db.prepare(
            `INSERT INTO ${table} (${mutableColumns.join(", ")}) VALUES (${placeholders(mutableColumns)})
             ON CONFLICT ("id") DO UPDATE SET ${columns.map((c) => `${c} = excluded.${c}`).join(", ")}`,
          ),
      restore: entity.immutable
        ? this.db.prepare(`SELECT 1`)
        : this.db.prepare(
            `INSERT OR REPLACE INTO ${table} (${mutableColumns.join(", ")}) VALUES (${placeholders(mutableColumns)})`,
          ),
      deleteCreatedAfter: entity.immutable
        ? this.db.prepare(`SELECT 1`)
        : this.db.prepare(`DELETE FROM ${table} WHERE "_created" > ?`),
      insert: this.db.prepare(
        `INSERT INTO ${table} (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`,
      ),
      remove: this.db.prepare(`DELETE FROM ${table} WHERE "id" = ?`),
      deleteAfter: this.db.prepare(`DELETE FROM ${table} WHERE "_block" > ?`),
    };
  }

  entity(name: string): EntityModel {
    const prepared = this.#entities.get(name);
    if (!prepared) throw new EntityValidationError(`Entity type \`${name}\` is not part of the schema`);
    return prepared.model;
  }

  // ─────────────────────────────── cursor and metadata ───────────────────────────────

  getMeta(key: string): string | undefined {
    const row = this.db.prepare(`SELECT value FROM _meta WHERE key = ?`).get(key) as { value: string } | undefined;
    return row?.value;
  }

  setMeta(key: string, value: string): void {
    this.db.prepare(`INSERT OR REPLACE INTO _meta (key, value) VALUES (?, ?)`).run(key, value);
  }

  /** The last block whose effects are durably stored (null before the first flush). */
  cursor(): Cursor | null {
    const number = this.getMeta("head_number");
    const hash = this.getMeta("head_hash");
    const timestamp = this.getMeta("head_timestamp");
    if (number === undefined || hash === undefined) return null;
    return { number: BigInt(number), hash: hash as `0x${string}`, timestamp: BigInt(timestamp ?? "0") };
  }

  /** Recorded blocks (those with events, and flushed heads), newest first, at or below `number`. */
  recordedBlocks(below: bigint, limit: number): { number: bigint; hash: `0x${string}` }[] {
    const rows = this.db
      .prepare(`SELECT number, hash FROM _blocks WHERE number <= ? ORDER BY number DESC LIMIT ?`)
      .safeIntegers(true)
      .all(below, limit) as { number: bigint; hash: `0x${string}` }[];
    return rows;
  }

  // ─────────────────────────────── block cache (used by the WASM host) ───────────────────────────────

  beginBlock(block: BlockPointer): void {
    if (this.#current) throw new StoreError(`block ${this.#current.block.number} is still open`);
    this.#current = { block, changes: new Map() };
  }

  /** Ends the block: its changes become part of the next flush. */
  endBlock(): void {
    const current = this.#requireBlock();
    this.#pending.push(current);
    for (const [entity, changes] of current.changes) {
      let overlay = this.#overlay.get(entity);
      if (!overlay) {
        overlay = new Map();
        this.#overlay.set(entity, overlay);
      }
      for (const [id, data] of changes) overlay.set(id, data);
    }
    this.#current = undefined;
  }

  /** Drops the open block's changes (a handler failed). */
  abortBlock(): void {
    this.#current = undefined;
  }

  #requireBlock(): PendingBlock {
    if (!this.#current) throw new StoreError("no block is open");
    return this.#current;
  }

  get(entityName: string, id: string): EntityData | null {
    return cloneData(this.peek(entityName, id));
  }

  #peekPending(entityName: string, key: string): EntityData | null {
    const data = this.#current?.changes.get(entityName)?.get(key) ?? this.#overlay.get(entityName)?.get(key);
    return data ?? null;
  }

  /** As `get`, without a copy: the caller must not modify the result. */
  peek(entityName: string, id: string): EntityData | null {
    const entity = this.entity(entityName);
    const key = normalizeId(entity, id);
    const inBlock = this.#current?.changes.get(entityName);
    if (inBlock !== undefined) {
      const data = inBlock.get(key);
      if (data !== undefined) return data;
      if (inBlock.has(key)) return null;
    }
    const overlay = this.#overlay.get(entityName);
    if (overlay !== undefined) {
      const data = overlay.get(key);
      if (data !== undefined) return data;
      if (overlay.has(key)) return null;
    }
    return this.load(entity, key);
  }

  getInBlock(entityName: string, id: string): EntityData | null {
    const entity = this.entity(entityName);
    const data = this.#current?.changes.get(entityName)?.get(normalizeId(entity, id));
    return data ? cloneData(data) : null;
  }

  /** Reads the durable entity (ignores unflushed changes). */
  load(entity: EntityModel, key: string): EntityData | null {
    let cached = this.#cache.get(entity.name);
    if (cached !== undefined) {
      const data = cached.get(key);
      if (data !== undefined) return data;
    }
    const prepared = this.#entities.get(entity.name);
    if (!prepared) return null;
    const row = prepared.select.get(idToColumn(entity, key)) as Row | undefined;
    const data = row ? rowToData(entity, row) : null;
    if (!entity.immutable) {
      if (cached === undefined) this.#cache.set(entity.name, (cached = new Map()));
      this.#remember(cached, key, data);
    }
    return data;
  }

  #remember(cache: Map<string, EntityData | null>, key: string, data: EntityData | null): void {
    if (!cache.has(key)) {
      if (this.#cacheSize >= EntityStore.CACHE_LIMIT) {
        this.#cache.clear();
        this.#cacheSize = 0;
        return;
      }
      this.#cacheSize++;
    }
    cache.set(key, data);
  }

  set(entityName: string, id: string, data: EntityData): void {
    const current = this.#requireBlock();
    const entity = this.entity(entityName);
    const key = normalizeId(entity, id);
    // An immutable entity is only ever created: look for it in unflushed blocks; a clash with a
    // stored one is caught by the table's unique id at flush.
    const existing = entity.immutable ? this.#peekPending(entityName, key) : this.peek(entityName, key);
    if (entity.immutable && existing !== null && !current.changes.get(entityName)?.has(key)) {
      throw new EntityValidationError(
        `Entity ${entityName}[${key}] is immutable and already exists; immutable entities cannot be updated`,
      );
    }
    // graph-node merges a set into the existing entity; a Null value removes the attribute.
    const merged: EntityData = existing === null ? new Map() : new Map(existing);
    for (const [field, value] of data) merged.set(field, value);
    validateEntity(this.model, entity, key, merged, existing === null, existing);
    let changes = current.changes.get(entityName);
    if (!changes) {
      changes = new Map();
      current.changes.set(entityName, changes);
    }
    changes.set(key, merged);
  }

  remove(entityName: string, id: string): void {
    const current = this.#requireBlock();
    const entity = this.entity(entityName);
    if (entity.immutable) {
      throw new EntityValidationError(`Entity ${entityName}[${id}] is immutable and cannot be removed`);
    }
    let changes = current.changes.get(entityName);
    if (!changes) {
      changes = new Map();
      current.changes.set(entityName, changes);
    }
    changes.set(normalizeId(entity, id), null);
  }

  /** Entities of `field`'s derived type pointing at (entityName, id). */
  loadRelated(entityName: string, id: string, fieldName: string): { entity: string; data: EntityData }[] {
    const entity = this.entity(entityName);
    const field = entity.fieldsByName.get(fieldName);
    if (!field || field.derivedFrom === undefined || field.kind !== "entity") {
      throw new EntityValidationError(`Entity ${entityName}: \`${fieldName}\` is not a derived field`);
    }
    const target = this.entity(field.typeName);
    const back = target.fieldsByName.get(field.derivedFrom);
    if (!back) throw new EntityValidationError(`${field.typeName} has no field ${field.derivedFrom}`);
    const key = normalizeId(entity, id);
    const matches = new Map<string, EntityData>();
    const rows = this.db
      .prepare(
        back.list
          ? `SELECT * FROM ${quote(target.table)} WHERE EXISTS (SELECT 1 FROM json_each(${quote(back.column)}) WHERE value = ?)`
          : `SELECT * FROM ${quote(target.table)} WHERE ${quote(back.column)} = ?`,
      )
      .safeIntegers(true)
      .all(back.list ? key : idToColumn(entity, key)) as Row[];
    for (const row of rows) {
      const data = rowToData(target, row);
      matches.set(idOf(target, data), data);
    }
    const pointsAt = (data: EntityData): boolean => {
      const value = data.get(back.name);
      if (!value) return false;
      const keys = value.kind === "Array" ? value.value : [value];
      return keys.some((v) => (v.kind === "Bytes" ? bytesKey(v.value) : v.kind === "String" ? v.value : "") === key);
    };
    for (const layer of [this.#overlay.get(target.name), this.#current?.changes.get(target.name)]) {
      if (!layer) continue;
      for (const [targetId, data] of layer) {
        if (data && pointsAt(data)) matches.set(targetId, data);
        else matches.delete(targetId);
      }
    }
    return [...matches.values()].map((data) => ({ entity: target.name, data: cloneData(data) ?? new Map() }));
  }

  enumValues(name: string): ReadonlySet<string> {
    let values = this.#enumSets.get(name);
    if (!values) {
      values = new Set(this.model.enums.get(name)?.values.map((v) => v.name));
      this.#enumSets.set(name, values);
    }
    return values;
  }

  // ─────────────────────────────── durability ───────────────────────────────

  /** Sets the cursor the next flush records (the last block scanned, with or without events). */
  advanceCursor(cursor: Cursor): void {
    this.#pendingCursor = cursor;
  }

  /** Forgets every unflushed block (the chain changed under them). */
  discardPending(): void {
    this.#cache.clear();
    this.#cacheSize = 0;
    this.#current = undefined;
    this.#pending = [];
    this.#overlay.clear();
    this.#pendingCursor = undefined;
  }

  /** The newest block processed but not yet flushed. */
  lastPendingBlock(): Cursor | undefined {
    const last = this.#pending[this.#pending.length - 1];
    return last ? { number: last.block.number, hash: last.block.hash, timestamp: last.block.timestamp } : undefined;
  }

  get pendingBlocks(): number {
    return this.#pending.length;
  }

  /**
   * Writes every pending block, the journal and the cursor in one transaction. Blocks below
   * `finalBelow` (deeper than any reorg the chain can still make) need no journal.
   */
  flush(finalBelow = -1n): void {
    if (this.#current) throw new StoreError("cannot flush while a block is open");
    const pending = this.#pending;
    const cursor = this.#pendingCursor;
    if (pending.length === 0 && cursor === undefined) return;
    const insertHistory = this.db.prepare(
      `INSERT INTO _history (block, last, entity, id, prev) VALUES (?, ?, ?, ?, ?)`,
    );
    const insertFlush = this.db.prepare(`INSERT OR REPLACE INTO _flushes (first, last) VALUES (?, ?)`);
    const insertBlock = this.db.prepare(
      `INSERT OR REPLACE INTO _blocks (number, hash, parent_hash, timestamp) VALUES (?, ?, ?, ?)`,
    );
    const setMeta = this.db.prepare(`INSERT OR REPLACE INTO _meta (key, value) VALUES (?, ?)`);
    this.db.transaction(() => {
      // Every version an entity had in these blocks, in block order.
      const versions = new Map<string, Map<string, { block: bigint; data: EntityData | null }[]>>();
      for (const { block, changes } of pending) {
        insertBlock.run(block.number, block.hash, block.parentHash, block.timestamp);
        for (const [entityName, entityChanges] of changes) {
          let byKey = versions.get(entityName);
          if (!byKey) versions.set(entityName, (byKey = new Map()));
          for (const [key, data] of entityChanges) {
            let list = byKey.get(key);
            if (!list) byKey.set(key, (list = []));
            list.push({ block: block.number, data });
          }
        }
      }
      // The table gets each entity's last version once. The journal gets, once per flush, the row a
      // mutable entity had before it (when the flush can still be reorganized away); rows created in
      // the flush carry `_created` instead.
      const flushFirst = (this.cursor()?.number ?? -1n) + 1n;
      const flushLast = cursor?.number ?? pending[pending.length - 1]?.block.number ?? flushFirst;
      const journal = flushLast >= finalBelow;
      if (journal) insertFlush.run(flushFirst, flushLast);
      for (const [entityName, byKey] of versions) {
        const prepared = this.#entities.get(entityName);
        if (!prepared) continue;
        const entity = prepared.model;
        for (const [key, list] of byKey) {
          const idColumn = idToColumn(entity, key);
          let created = (list[0] as { block: bigint }).block;
          if (!entity.immutable) {
            const previous = prepared.select.get(idColumn) as Row | undefined;
            if (previous) {
              created = previous._created as bigint;
              if (journal) {
                const row = [
                  ...entity.storedFields.map((f) => previous[f.column] ?? null),
                  previous._block,
                  previous._created,
                ];
                insertHistory.run(flushFirst, flushLast, entity.name, idColumn, serialize(row));
              }
            }
          }
          const last = list[list.length - 1] as { block: bigint; data: EntityData | null };
          if (last.data === null) {
            prepared.remove.run(idColumn);
          } else {
            const data = last.data;
            const values = entity.storedFields.map((f) => toColumn(f, data.get(f.name)));
            if (entity.immutable) {
              try {
                prepared.insert.run(...values, last.block);
              } catch (error) {
                if (
                  (error as { code?: string }).code === "SQLITE_CONSTRAINT_PRIMARYKEY" ||
                  (error as { code?: string }).code === "SQLITE_CONSTRAINT_UNIQUE"
                ) {
                  throw new EntityValidationError(
                    `Entity ${entity.name}[${key}] is immutable and already exists; immutable entities cannot be updated`,
                  );
                }
                throw error;
              }
            } else {
              prepared.upsert.run(...values, last.block, created);
            }
          }
        }
      }
      if (cursor) {
        insertBlock.run(cursor.number, cursor.hash, cursor.hash, cursor.timestamp);
        setMeta.run("head_number", cursor.number.toString());
        setMeta.run("head_hash", cursor.hash);
        setMeta.run("head_timestamp", cursor.timestamp.toString());
        const horizon = cursor.number - this.#reorgRetention;
        if (horizon > 0n) {
          this.db.prepare(`DELETE FROM _history WHERE last < ?`).run(horizon);
          this.db.prepare(`DELETE FROM _flushes WHERE last < ?`).run(horizon);
          this.db.prepare(`DELETE FROM _blocks WHERE number < ?`).run(horizon);
        }
      }
    })();
    for (const [entityName, overlay] of this.#overlay) {
      const entity = this.#entities.get(entityName)?.model;
      if (!entity || entity.immutable) continue;
      // Write-through for entities handlers look up; entities only ever created (never loaded) stay out,
      // which keeps the cache — and the garbage collector's work — small.
      const cached = this.#cache.get(entityName);
      if (cached === undefined) continue;
      for (const [key, data] of overlay) if (cached.has(key)) cached.set(key, data);
    }
    this.#pending = [];
    this.#overlay.clear();
    this.#pendingCursor = undefined;
  }

  /**
   * Undoes every durable change above `ancestor` (a reorg). Changes are journaled per flush, so the
   * index goes back to the start of the flush that holds the ancestor's successor (at or below the
   * ancestor, hence on both branches) and the follower re-applies from there. Returns the new cursor
   * (null when nothing is left).
   */
  rollbackTo(ancestor: Cursor): { restored: number; removed: number; cursor: Cursor | null } {
    if (this.#current || this.#pending.length > 0) throw new StoreError("flush before rolling back");
    this.#cache.clear();
    this.#cacheSize = 0;
    let restored = 0;
    let removed = 0;
    let target: Cursor | null = ancestor;
    this.db.transaction(() => {
      const spanning = this.db
        .prepare(`SELECT min(first) AS first FROM _flushes WHERE first <= ? AND last > ?`)
        .safeIntegers(true)
        .get(ancestor.number, ancestor.number) as { first: bigint | null };
      let point = ancestor.number;
      if (spanning.first !== null) {
        point = spanning.first - 1n;
        const block = this.db
          .prepare(`SELECT number, hash, timestamp FROM _blocks WHERE number = ?`)
          .safeIntegers(true)
          .get(point) as { number: bigint; hash: `0x${string}`; timestamp: bigint } | undefined;
        target = block ? { number: block.number, hash: block.hash, timestamp: block.timestamp } : null;
        if (!block && this.db.prepare(`SELECT 1 FROM _flushes WHERE first <= ?`).get(point)) {
          throw new StoreError(`no recorded hash for block ${point}: the reorg is deeper than the retained history`);
        }
      }
      const history = this.db
        .prepare(`SELECT entity, id, prev FROM _history WHERE block > ? ORDER BY seq DESC`)
        .safeIntegers(true)
        .all(point) as { entity: string; id: ColumnValue; prev: Buffer }[];
      for (const prepared of this.#entities.values()) {
        removed += prepared.model.immutable
          ? prepared.deleteAfter.run(point).changes
          : prepared.deleteCreatedAfter.run(point).changes;
      }
      for (const entry of history) {
        const prepared = this.#entities.get(entry.entity);
        if (!prepared) continue;
        prepared.restore.run(...(deserialize(entry.prev) as ColumnValue[]));
        restored++;
      }
      this.db.prepare(`DELETE FROM _history WHERE block > ?`).run(point);
      this.db.prepare(`DELETE FROM _flushes WHERE first > ?`).run(point);
      this.db.prepare(`DELETE FROM _blocks WHERE number > ?`).run(point);
      const setMeta = this.db.prepare(`INSERT OR REPLACE INTO _meta (key, value) VALUES (?, ?)`);
      if (target) {
        this.db
          .prepare(`INSERT OR REPLACE INTO _blocks (number, hash, parent_hash, timestamp) VALUES (?, ?, ?, ?)`)
          .run(target.number, target.hash, target.hash, target.timestamp);
        setMeta.run("head_number", target.number.toString());
        setMeta.run("head_hash", target.hash);
        setMeta.run("head_timestamp", target.timestamp.toString());
      } else {
        this.db.prepare(`DELETE FROM _meta WHERE key IN ('head_number', 'head_hash', 'head_timestamp')`).run();
      }
    })();
    return { restored, removed, cursor: target };
  }

  close(): void {
    this.db.close();
  }
}

function bytesKey(bytes: Uint8Array): string {
  return "0x" + Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

function idOf(entity: EntityModel, data: EntityData): string {
  const id = data.get("id");
  if (!id) return "";
  if (id.kind === "Bytes") return bytesKey(id.value);
  return normalizeId(entity, String((id as { value: unknown }).value));
}

export function rowToData(entity: EntityModel, row: Row): EntityData {
  const data: EntityData = new Map();
  for (const field of entity.storedFields) {
    const value = fromColumn(field, row[field.column]);
    if (value.kind !== "Null") data.set(field.name, value);
  }
  return data;
}

function cloneData(data: EntityData | null): EntityData | null {
  return data === null ? null : new Map(data);
}

export type { FieldModel, StoreValue };
