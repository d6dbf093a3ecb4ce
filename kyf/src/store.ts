// The verifier's own SQLite file: registration data only ever as sealed (encrypted) blobs, the disclosure log, and
// the provider events already handled (webhooks arrive at least once).
import Database from "better-sqlite3";
import type { Address, Hash } from "viem";

import type { Sealed } from "./sealedBox.ts";

export type RegistrationSource = "embedded" | "persona";

export interface StoredRegistration {
  readonly wallet: Address;
  readonly sealed: Sealed;
  readonly source: RegistrationSource;
  /** The provider's own id (Persona inquiry id); null for the embedded form. */
  readonly providerReference: string | null;
  readonly level: number;
  /** Unix seconds. */
  readonly expiresAt: number;
  /** The attestation transaction, once mined. */
  readonly attestationTx: Hash | null;
  /** Unix ms. */
  readonly updatedAt: number;
}

export type DisclosureOutcome = "disclosed" | "refused";

export interface DisclosureLogEntry {
  readonly creator: Address;
  readonly fan: Address;
  /** Unix ms. */
  readonly at: number;
  /** The block whose state decided. */
  readonly blockNumber: bigint;
  readonly outcome: DisclosureOutcome;
  readonly reason: string;
}

interface RegistrationRow {
  wallet: string;
  sealed: Buffer;
  source: RegistrationSource;
  provider_reference: string | null;
  level: number;
  expires_at: number;
  attestation_tx: string | null;
  updated_at: number;
}

interface LogRow {
  creator: string;
  fan: string;
  at: number;
  block_number: string;
  outcome: DisclosureOutcome;
  reason: string;
}

export class KyfStore {
  readonly #db: Database.Database;

  constructor(path: string) {
    this.#db = new Database(path);
    this.#db.pragma("journal_mode = WAL");
    this.#db.pragma("foreign_keys = ON");
    this.#db.exec(`
      CREATE TABLE IF NOT EXISTS registrations (
        wallet TEXT PRIMARY KEY,
        sealed BLOB NOT NULL,
        source TEXT NOT NULL CHECK (source IN ('embedded', 'persona')),
        provider_reference TEXT,
        level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 3),
        expires_at INTEGER NOT NULL,
        attestation_tx TEXT,
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS disclosure_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        creator TEXT NOT NULL,
        fan TEXT NOT NULL,
        at INTEGER NOT NULL,
        block_number TEXT NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('disclosed', 'refused')),
        reason TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS disclosure_log_fan ON disclosure_log (fan, id);
      CREATE INDEX IF NOT EXISTS disclosure_log_creator ON disclosure_log (creator, id);
      CREATE TABLE IF NOT EXISTS provider_events (
        id TEXT PRIMARY KEY,
        received_at INTEGER NOT NULL
      );
    `);
  }

  saveRegistration(registration: Omit<StoredRegistration, "attestationTx">): void {
    this.#db
      .prepare(
        `INSERT INTO registrations (wallet, sealed, source, provider_reference, level, expires_at, attestation_tx, updated_at)
         VALUES (@wallet, @sealed, @source, @providerReference, @level, @expiresAt, NULL, @updatedAt)
         ON CONFLICT (wallet) DO UPDATE SET sealed = excluded.sealed, source = excluded.source,
           provider_reference = excluded.provider_reference, level = excluded.level, expires_at = excluded.expires_at,
           attestation_tx = NULL, updated_at = excluded.updated_at`,
      )
      .run(registration);
  }

  markAttested(wallet: Address, tx: Hash): void {
    this.#db.prepare("UPDATE registrations SET attestation_tx = ? WHERE wallet = ?").run(tx, wallet);
  }

  registration(wallet: Address): StoredRegistration | undefined {
    const row = this.#db.prepare("SELECT * FROM registrations WHERE wallet = ?").get(wallet) as
      RegistrationRow | undefined;
    if (row === undefined) return undefined;
    return {
      wallet: row.wallet as Address,
      sealed: row.sealed,
      source: row.source,
      providerReference: row.provider_reference,
      level: row.level,
      expiresAt: row.expires_at,
      attestationTx: row.attestation_tx as Hash | null,
      updatedAt: row.updated_at,
    };
  }

  logDisclosure(entry: DisclosureLogEntry): void {
    this.#db
      .prepare("INSERT INTO disclosure_log (creator, fan, at, block_number, outcome, reason) VALUES (?, ?, ?, ?, ?, ?)")
      .run(entry.creator, entry.fan, entry.at, entry.blockNumber.toString(), entry.outcome, entry.reason);
  }

  /** The log of one fan's data, newest first. */
  disclosuresOf(fan: Address, limit = 100): DisclosureLogEntry[] {
    const rows = this.#db
      .prepare("SELECT * FROM disclosure_log WHERE fan = ? ORDER BY id DESC LIMIT ?")
      .all(fan, limit) as LogRow[];
    return rows.map((row) => ({
      creator: row.creator as Address,
      fan: row.fan as Address,
      at: row.at,
      blockNumber: BigInt(row.block_number),
      outcome: row.outcome,
      reason: row.reason,
    }));
  }

  /** Records a provider event id; false if it was seen before. */
  firstDelivery(eventId: string, now: number): boolean {
    return (
      this.#db.prepare("INSERT OR IGNORE INTO provider_events (id, received_at) VALUES (?, ?)").run(eventId, now)
        .changes === 1
    );
  }

  /** Forgets an event whose handling failed, so the provider's retry is handled. */
  forgetDelivery(eventId: string): void {
    this.#db.prepare("DELETE FROM provider_events WHERE id = ?").run(eventId);
  }

  close(): void {
    this.#db.close();
  }
}
