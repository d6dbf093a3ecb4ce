// The hub's SQLite store: conversations, members, messages (one global sequence, so a reconnecting client asks
// for "everything after n" and gets nothing twice), blocks, incoming rules and attachment records.
import { randomUUID } from "node:crypto";

import Database from "better-sqlite3";
import type { Address } from "viem";

import { MessengerError } from "../errors.ts";
import {
  countsAsUnread,
  incomingRuleToJson,
  type Conversation,
  type ConversationKind,
  type ConversationStatus,
  type IncomingRule,
  type Member,
  type MemberRole,
  type Message,
  type MessageContent,
} from "../model.ts";
import { incomingRuleSchema } from "../schemas.ts";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS conversations (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('direct', 'group')),
  name TEXT,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  direct_key TEXT UNIQUE
);
CREATE TABLE IF NOT EXISTS group_streams (
  stream_id TEXT PRIMARY KEY,
  conversation_id TEXT NOT NULL REFERENCES conversations(id),
  linked_by TEXT NOT NULL,
  linked_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS members (
  conversation_id TEXT NOT NULL REFERENCES conversations(id),
  address TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin', 'member')),
  active INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('allowed', 'request', 'ignored')),
  last_read_seq INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (conversation_id, address)
);
CREATE INDEX IF NOT EXISTS members_by_address ON members(address, active);
CREATE TABLE IF NOT EXISTS messages (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  conversation_id TEXT NOT NULL REFERENCES conversations(id),
  sender TEXT NOT NULL,
  sent_at INTEGER NOT NULL,
  content TEXT NOT NULL,
  counts_unread INTEGER NOT NULL,
  client_id TEXT,
  UNIQUE (sender, client_id)
);
CREATE INDEX IF NOT EXISTS messages_by_conversation ON messages(conversation_id, seq);
CREATE TABLE IF NOT EXISTS consent (
  owner TEXT NOT NULL,
  peer TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('allowed', 'denied')),
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (owner, peer)
);
CREATE TABLE IF NOT EXISTS incoming_rules (
  address TEXT PRIMARY KEY,
  rule TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS attachments (
  id TEXT PRIMARY KEY,
  uploader TEXT NOT NULL,
  mime_type TEXT NOT NULL,
  filename TEXT NOT NULL,
  size INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS attachment_uses (
  attachment_id TEXT NOT NULL REFERENCES attachments(id),
  conversation_id TEXT NOT NULL REFERENCES conversations(id),
  PRIMARY KEY (attachment_id, conversation_id)
);
`;

interface ConversationRow {
  id: string;
  kind: ConversationKind;
  name: string | null;
  created_by: Address;
  created_at: number;
}
interface MemberRow {
  conversation_id: string;
  address: Address;
  role: MemberRole;
  active: number;
  status: ConversationStatus;
  last_read_seq: number;
}
interface MessageRow {
  seq: number;
  id: string;
  conversation_id: string;
  sender: Address;
  sent_at: number;
  content: string;
}

export interface AttachmentRecord {
  readonly id: string;
  readonly uploader: Address;
  readonly mimeType: string;
  readonly filename: string;
  readonly size: number;
  readonly sha256: string;
}

function toMessage(row: MessageRow): Message {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    sender: row.sender,
    sentAt: row.sent_at,
    content: JSON.parse(row.content) as MessageContent,
    cursor: String(row.seq),
  };
}

export class HubStore {
  readonly #db: Database.Database;
  readonly #now: () => number;
  readonly #statements = new Map<string, Database.Statement>();

  constructor(path: string, now: () => number = Date.now) {
    this.#db = new Database(path);
    this.#db.pragma("journal_mode = WAL");
    // WAL + NORMAL: a commit survives a crash of the hub; only a power cut may lose the last few (no fsync per message).
    this.#db.pragma("synchronous = NORMAL");
    this.#db.pragma("foreign_keys = ON");
    this.#db.exec(SCHEMA);
    this.#now = now;
  }

  close(): void {
    this.#db.close();
  }

  /** A prepared statement, compiled once per SQL text. */
  #sql(sql: string): Database.Statement {
    let statement = this.#statements.get(sql);
    if (statement === undefined) this.#statements.set(sql, (statement = this.#db.prepare(sql)));
    return statement;
  }

  transaction<T>(fn: () => T): T {
    return this.#db.transaction(fn)();
  }

  // ── conversations ────────────────────────────────────────────────────────────────────────────────

  #conversationRow(id: string): ConversationRow | undefined {
    return this.#sql("SELECT * FROM conversations WHERE id = ?").get(id) as ConversationRow | undefined;
  }

  memberRow(conversationId: string, address: Address): MemberRow | undefined {
    return this.#db
      .prepare("SELECT * FROM members WHERE conversation_id = ? AND address = ?")
      .get(conversationId, address) as MemberRow | undefined;
  }

  activeMembers(conversationId: string): Member[] {
    return (
      this.#db
        .prepare("SELECT address, role FROM members WHERE conversation_id = ? AND active = 1 ORDER BY rowid")
        .all(conversationId) as Member[]
    ).map((m) => ({ address: m.address, role: m.role }));
  }

  /** The conversation as `viewer` sees it; not_found unless the viewer is an active member. */
  conversationFor(conversationId: string, viewer: Address): Conversation {
    const row = this.#conversationRow(conversationId);
    const me = row === undefined ? undefined : this.memberRow(conversationId, viewer);
    if (row === undefined || me === undefined || me.active !== 1) {
      throw new MessengerError("not_found", `no conversation ${conversationId} for ${viewer}`);
    }
    const members = this.activeMembers(conversationId);
    const last = this.#db
      .prepare(
        `SELECT * FROM messages WHERE conversation_id = ? AND counts_unread = 1
           AND sender NOT IN (SELECT peer FROM consent WHERE owner = ? AND state = 'denied')
         ORDER BY seq DESC LIMIT 1`,
      )
      .get(conversationId, viewer) as MessageRow | undefined;
    return {
      id: row.id,
      kind: row.kind,
      ...(row.name === null ? {} : { name: row.name }),
      createdBy: row.created_by,
      createdAt: row.created_at,
      members,
      ...(row.kind === "direct" ? { peer: members.find((m) => m.address !== viewer)?.address ?? viewer } : {}),
      status: me.status,
      unreadCount: this.unreadCount(conversationId, viewer, me.last_read_seq),
      ...(last === undefined ? {} : { lastMessage: toMessage(last) }),
    };
  }

  unreadCount(conversationId: string, viewer: Address, lastReadSeq: number): number {
    const row = this.#db
      .prepare(
        `SELECT COUNT(*) AS n FROM messages WHERE conversation_id = ? AND seq > ? AND counts_unread = 1 AND sender != ?
           AND sender NOT IN (SELECT peer FROM consent WHERE owner = ? AND state = 'denied')`,
      )
      .get(conversationId, lastReadSeq, viewer, viewer) as { n: number };
    return row.n;
  }

  conversationsOf(viewer: Address, statuses: readonly ConversationStatus[]): Conversation[] {
    const rows = this.#db
      .prepare(
        `SELECT m.conversation_id AS id, COALESCE(MAX(x.seq), 0) AS last_seq, c.created_at AS created_at
           FROM members m JOIN conversations c ON c.id = m.conversation_id
           LEFT JOIN messages x ON x.conversation_id = m.conversation_id
          WHERE m.address = ? AND m.active = 1 AND m.status IN (${statuses.map(() => "?").join(",")})
          GROUP BY m.conversation_id ORDER BY last_seq DESC, created_at DESC`,
      )
      .all(viewer, ...statuses) as { id: string }[];
    return rows.map((r) => this.conversationFor(r.id, viewer));
  }

  /** Finds or creates the direct conversation of two addresses; returns its id and whether it is new. */
  openDirect(a: Address, b: Address, statusOfB: ConversationStatus): { id: string; created: boolean } {
    const key = [a, b].sort().join(":");
    return this.transaction(() => {
      const existing = this.#sql("SELECT id FROM conversations WHERE direct_key = ?").get(key) as
        { id: string } | undefined;
      if (existing !== undefined) return { id: existing.id, created: false };
      const id = randomUUID();
      this.#db
        .prepare(
          "INSERT INTO conversations (id, kind, name, created_by, created_at, direct_key) VALUES (?, 'direct', NULL, ?, ?, ?)",
        )
        .run(id, a, this.#now(), key);
      const insert = this.#sql(
        "INSERT INTO members (conversation_id, address, role, active, status) VALUES (?, ?, 'member', 1, ?)",
      );
      insert.run(id, a, "allowed");
      if (b !== a) insert.run(id, b, statusOfB);
      return { id, created: true };
    });
  }

  createGroup(creator: Address, name: string, members: readonly Address[]): string {
    return this.transaction(() => {
      const id = randomUUID();
      this.#db
        .prepare("INSERT INTO conversations (id, kind, name, created_by, created_at) VALUES (?, 'group', ?, ?, ?)")
        .run(id, name, creator, this.#now());
      const insert = this.#sql(
        "INSERT INTO members (conversation_id, address, role, active, status) VALUES (?, ?, ?, 1, 'allowed')",
      );
      insert.run(id, creator, "admin");
      for (const member of members) if (member !== creator) insert.run(id, member, "member");
      return id;
    });
  }

  /** Active members with their status for me (one query, for delivery). */
  deliveryTargets(conversationId: string): { address: Address; status: ConversationStatus }[] {
    return this.#sql("SELECT address, status FROM members WHERE conversation_id = ? AND active = 1").all(
      conversationId,
    ) as { address: Address; status: ConversationStatus }[];
  }

  /** Who among everyone has blocked `sender`. */
  blockersOf(sender: Address): Set<Address> {
    const rows = this.#sql("SELECT owner FROM consent WHERE peer = ? AND state = 'denied'").all(sender) as {
      owner: Address;
    }[];
    return new Set(rows.map((r) => r.owner));
  }

  kindOf(conversationId: string): ConversationKind | undefined {
    return this.#conversationRow(conversationId)?.kind;
  }

  addMembers(conversationId: string, members: readonly Address[]): void {
    const upsert = this.#sql(
      `INSERT INTO members (conversation_id, address, role, active, status, last_read_seq) VALUES (?, ?, 'member', 1, 'allowed', 0)
       ON CONFLICT (conversation_id, address) DO UPDATE SET active = 1, role = 'member', status = 'allowed'`,
    );
    this.transaction(() => {
      for (const member of members) upsert.run(conversationId, member);
    });
  }

  removeMembers(conversationId: string, members: readonly Address[]): void {
    const remove = this.#sql("UPDATE members SET active = 0 WHERE conversation_id = ? AND address = ?");
    this.transaction(() => {
      for (const member of members) remove.run(conversationId, member);
    });
  }

  rename(conversationId: string, name: string): void {
    this.#sql("UPDATE conversations SET name = ? WHERE id = ?").run(name, conversationId);
  }

  setRole(conversationId: string, member: Address, role: MemberRole): void {
    this.#db
      .prepare("UPDATE members SET role = ? WHERE conversation_id = ? AND address = ?")
      .run(role, conversationId, member);
  }

  setStatus(conversationId: string, member: Address, status: ConversationStatus): void {
    this.#db
      .prepare("UPDATE members SET status = ? WHERE conversation_id = ? AND address = ?")
      .run(status, conversationId, member);
  }

  // ── messages ─────────────────────────────────────────────────────────────────────────────────────

  /** Stores a message; a repeated (sender, clientId) returns the stored one and `created: false`. */
  insertMessage(
    conversationId: string,
    sender: Address,
    content: MessageContent,
    clientId: string | undefined,
  ): { message: Message; created: boolean } {
    return this.transaction(() => {
      if (clientId !== undefined) {
        const existing = this.#db
          .prepare("SELECT * FROM messages WHERE sender = ? AND client_id = ?")
          .get(sender, clientId) as MessageRow | undefined;
        if (existing !== undefined) {
          if (existing.conversation_id !== conversationId) {
            throw new MessengerError("invalid_input", `clientId ${clientId} was already used in another conversation`);
          }
          return { message: toMessage(existing), created: false };
        }
      }
      const id = randomUUID();
      const result = this.#db
        .prepare(
          "INSERT INTO messages (id, conversation_id, sender, sent_at, content, counts_unread, client_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .run(
          id,
          conversationId,
          sender,
          this.#now(),
          JSON.stringify(content),
          countsAsUnread(content) ? 1 : 0,
          clientId ?? null,
        );
      const row = this.#sql("SELECT * FROM messages WHERE seq = ?").get(result.lastInsertRowid) as MessageRow;
      return { message: toMessage(row), created: true };
    });
  }

  messageById(id: string): Message | undefined {
    const row = this.#sql("SELECT * FROM messages WHERE id = ?").get(id) as MessageRow | undefined;
    return row === undefined ? undefined : toMessage(row);
  }

  /** Up to `limit` messages before `beforeSeq` (newest page when undefined), oldest first, hiding blocked senders. */
  history(
    conversationId: string,
    viewer: Address,
    beforeSeq: number | undefined,
    limit: number,
  ): { messages: Message[]; more: boolean } {
    const rows = this.#db
      .prepare(
        `SELECT * FROM messages WHERE conversation_id = ? AND seq < ?
           AND sender NOT IN (SELECT peer FROM consent WHERE owner = ? AND state = 'denied')
         ORDER BY seq DESC LIMIT ?`,
      )
      .all(conversationId, beforeSeq ?? Number.MAX_SAFE_INTEGER, viewer, limit + 1) as MessageRow[];
    const more = rows.length > limit;
    return { messages: rows.slice(0, limit).reverse().map(toMessage), more };
  }

  /** Messages after `sinceSeq` in the viewer's active conversations (for a reconnecting client), oldest first. */
  messagesSince(viewer: Address, sinceSeq: number, limit: number): Message[] {
    const rows = this.#db
      .prepare(
        `SELECT x.* FROM messages x JOIN members m ON m.conversation_id = x.conversation_id
          WHERE m.address = ? AND m.active = 1 AND m.status != 'ignored' AND x.seq > ?
            AND x.sender NOT IN (SELECT peer FROM consent WHERE owner = ? AND state = 'denied')
          ORDER BY x.seq LIMIT ?`,
      )
      .all(viewer, sinceSeq, viewer, limit) as MessageRow[];
    return rows.map(toMessage);
  }

  lastSeq(): number {
    const row = this.#sql("SELECT COALESCE(MAX(seq), 0) AS seq FROM messages").get() as { seq: number };
    return row.seq;
  }

  markRead(conversationId: string, viewer: Address): void {
    this.#db
      .prepare(
        `UPDATE members SET last_read_seq = (SELECT COALESCE(MAX(seq), 0) FROM messages WHERE conversation_id = ?)
          WHERE conversation_id = ? AND address = ?`,
      )
      .run(conversationId, conversationId, viewer);
  }

  unreadCounts(viewer: Address): Record<string, number> {
    const rows = this.#db
      .prepare(
        "SELECT conversation_id, last_read_seq FROM members WHERE address = ? AND active = 1 AND status = 'allowed'",
      )
      .all(viewer) as { conversation_id: string; last_read_seq: number }[];
    return Object.fromEntries(
      rows.map((r) => [r.conversation_id, this.unreadCount(r.conversation_id, viewer, r.last_read_seq)]),
    );
  }

  // ── consent and rules ────────────────────────────────────────────────────────────────────────────

  consent(owner: Address, peer: Address): "allowed" | "denied" | "unknown" {
    const row = this.#sql("SELECT state FROM consent WHERE owner = ? AND peer = ?").get(owner, peer) as
      { state: "allowed" | "denied" } | undefined;
    return row?.state ?? "unknown";
  }

  setConsent(owner: Address, peer: Address, state: "allowed" | "denied" | "unknown"): void {
    if (state === "unknown") {
      this.#sql("DELETE FROM consent WHERE owner = ? AND peer = ?").run(owner, peer);
      return;
    }
    this.#db
      .prepare(
        `INSERT INTO consent (owner, peer, state, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (owner, peer) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
      )
      .run(owner, peer, state, this.#now());
  }

  incomingRule(address: Address): IncomingRule | null {
    const row = this.#sql("SELECT rule FROM incoming_rules WHERE address = ?").get(address) as
      { rule: string } | undefined;
    return row === undefined ? null : incomingRuleSchema.parse(JSON.parse(row.rule));
  }

  setIncomingRule(address: Address, rule: IncomingRule | null): void {
    if (rule === null) {
      this.#sql("DELETE FROM incoming_rules WHERE address = ?").run(address);
      return;
    }
    this.#db
      .prepare(
        "INSERT INTO incoming_rules (address, rule) VALUES (?, ?) ON CONFLICT (address) DO UPDATE SET rule = excluded.rule",
      )
      .run(address, JSON.stringify(incomingRuleToJson(rule)));
  }

  // ── attachments ──────────────────────────────────────────────────────────────────────────────────

  insertAttachment(record: AttachmentRecord): void {
    this.#db
      .prepare(
        "INSERT INTO attachments (id, uploader, mime_type, filename, size, sha256, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
      )
      .run(record.id, record.uploader, record.mimeType, record.filename, record.size, record.sha256, this.#now());
  }

  attachment(id: string): AttachmentRecord | undefined {
    const row = this.#sql("SELECT * FROM attachments WHERE id = ?").get(id) as
      { id: string; uploader: Address; mime_type: string; filename: string; size: number; sha256: string } | undefined;
    return row === undefined
      ? undefined
      : {
          id: row.id,
          uploader: row.uploader,
          mimeType: row.mime_type,
          filename: row.filename,
          size: row.size,
          sha256: row.sha256,
        };
  }

  useAttachment(attachmentId: string, conversationId: string): void {
    this.#db
      .prepare("INSERT OR IGNORE INTO attachment_uses (attachment_id, conversation_id) VALUES (?, ?)")
      .run(attachmentId, conversationId);
  }

  /** Whether `viewer` uploaded the attachment or is an active member of a conversation it was sent in. */
  canReadAttachment(attachmentId: string, viewer: Address): boolean {
    const record = this.attachment(attachmentId);
    if (record === undefined) return false;
    if (record.uploader === viewer) return true;
    const row = this.#db
      .prepare(
        `SELECT 1 FROM attachment_uses u JOIN members m ON m.conversation_id = u.conversation_id
          WHERE u.attachment_id = ? AND m.address = ? AND m.active = 1 LIMIT 1`,
      )
      .get(attachmentId, viewer);
    return row !== undefined;
  }

  // ── group → live ─────────────────────────────────────────────────────────────────────────────────

  /** Links an on-chain stream to a group (a stream belongs to one group; linking again moves it). */
  linkStream(streamId: string, conversationId: string, linkedBy: Address): GroupStreamLink {
    const linkedAt = Date.now();
    this.#sql(
      `INSERT INTO group_streams (stream_id, conversation_id, linked_by, linked_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (stream_id) DO UPDATE SET conversation_id = excluded.conversation_id,
         linked_by = excluded.linked_by, linked_at = excluded.linked_at`,
    ).run(streamId, conversationId, linkedBy, linkedAt);
    return {
      streamId,
      conversationId,
      linkedBy,
      linkedAt,
      members: this.activeMembers(conversationId).map((m) => m.address),
    };
  }

  /** Every stream linked to a group, with the group's active members now. */
  groupStreams(): GroupStreamLink[] {
    const links = this.#sql("SELECT * FROM group_streams ORDER BY linked_at").all() as {
      stream_id: string;
      conversation_id: string;
      linked_by: Address;
      linked_at: number;
    }[];
    return links.map((row) => ({
      streamId: row.stream_id,
      conversationId: row.conversation_id,
      linkedBy: row.linked_by,
      linkedAt: row.linked_at,
      members: this.activeMembers(row.conversation_id).map((m) => m.address),
    }));
  }
}

/** A stream switched from a group: its members may watch (the stream gate reads these). */
export interface GroupStreamLink {
  readonly streamId: string;
  readonly conversationId: string;
  /** The admin who linked it; the gate honours the link only when this is the stream's on-chain creator. */
  readonly linkedBy: Address;
  /** Unix milliseconds. */
  readonly linkedAt: number;
  readonly members: readonly Address[];
}
