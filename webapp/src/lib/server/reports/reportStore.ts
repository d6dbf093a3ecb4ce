// Report evidence kept by the webapp's server: one SQLite file (better-sqlite3) and the screenshots as files,
// both under the data directory. The evidence hash is computed here from what was stored, so what goes on chain
// commits to exactly these bytes; a moderator's read recomputes it.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { randomUUID } from "node:crypto";

import type Database from "better-sqlite3";
import type { Address, Hex } from "viem";

import { evidenceHash, fileHash, sniffImageType, type EvidenceFile } from "$lib/reports";

import { openSqlite } from "../sqlite";

export type ReportTarget =
  | { readonly kind: "session"; readonly ref: string }
  | { readonly kind: "payment"; readonly ref: Hex }
  /** A messenger conversation: `ref` is the hash of its id (see reports/conversationRef). */
  | { readonly kind: "conversation"; readonly ref: Hex };

export interface StoredReport {
  readonly id: string;
  readonly reporter: Address;
  readonly subject: Address;
  readonly target: ReportTarget;
  readonly text: string;
  readonly files: readonly EvidenceFile[];
  readonly evidenceHash: Hex;
  readonly createdAt: number;
  /** The transaction that put the evidence hash on chain, once the reporter sent it. */
  readonly txHash: Hex | null;
}

export class ReportFileError extends Error {
  override readonly name = "ReportFileError";
}

const EXTENSIONS: Record<string, string> = { "image/png": "png", "image/jpeg": "jpg", "image/webp": "webp" };

interface Row {
  id: string;
  reporter: string;
  subject: string;
  target_kind: string;
  target_ref: string;
  text: string;
  files: string;
  evidence_hash: string;
  created_at: number;
  tx_hash: string | null;
}

export class ReportStore {
  readonly #db: Database.Database;
  readonly #filesDir: string;
  readonly #now: () => number;

  constructor(options: { dataDir: string; now?: () => number }) {
    this.#filesDir = join(options.dataDir, "report-files");
    mkdirSync(this.#filesDir, { recursive: true });
    this.#now = options.now ?? (() => Math.floor(Date.now() / 1000));
    this.#db = openSqlite(
      options.dataDir,
      "reports.sqlite",
      `CREATE TABLE IF NOT EXISTS reports (
      id TEXT PRIMARY KEY,
      reporter TEXT NOT NULL,
      subject TEXT NOT NULL,
      target_kind TEXT NOT NULL,
      target_ref TEXT NOT NULL,
      text TEXT NOT NULL,
      files TEXT NOT NULL,
      evidence_hash TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      tx_hash TEXT
    );
    CREATE INDEX IF NOT EXISTS reports_by_reporter ON reports (reporter, created_at);`,
    );
  }

  /** Stores a report and its screenshots (real PNG/JPEG/WebP bytes only); returns it with its evidence hash. */
  create(input: {
    reporter: Address;
    subject: Address;
    target: ReportTarget;
    text: string;
    files: readonly Uint8Array[];
  }): StoredReport {
    const files: EvidenceFile[] = input.files.map((bytes, index) => {
      const type = sniffImageType(bytes);
      if (type === null) throw new ReportFileError(`file ${index + 1} is not a PNG, JPEG or WebP image`);
      return { hash: fileHash(bytes), type, size: bytes.byteLength };
    });
    input.files.forEach((bytes, index) => {
      const file = files[index]!;
      writeFileSync(join(this.#filesDir, `${file.hash}.${EXTENSIONS[file.type]}`), bytes);
    });
    const text = input.text.trim().normalize("NFC");
    const report: StoredReport = {
      id: randomUUID(),
      reporter: input.reporter.toLowerCase() as Address,
      subject: input.subject.toLowerCase() as Address,
      target: input.target,
      text,
      files,
      evidenceHash: evidenceHash({ text, files }),
      createdAt: this.#now(),
      txHash: null,
    };
    this.#db
      .prepare(
        `INSERT INTO reports (id, reporter, subject, target_kind, target_ref, text, files, evidence_hash, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        report.id,
        report.reporter,
        report.subject,
        report.target.kind,
        report.target.ref,
        report.text,
        JSON.stringify(report.files),
        report.evidenceHash,
        report.createdAt,
      );
    return report;
  }

  get(id: string): StoredReport | null {
    const row = this.#db.prepare(`SELECT * FROM reports WHERE id = ?`).get(id) as Row | undefined;
    return row === undefined ? null : fromRow(row);
  }

  listByReporter(reporter: Address): StoredReport[] {
    const rows = this.#db
      .prepare(`SELECT * FROM reports WHERE reporter = ? ORDER BY created_at DESC LIMIT 100`)
      .all(reporter.toLowerCase()) as Row[];
    return rows.map(fromRow);
  }

  /** The stored report whose evidence hash is `hash` (what a dispute or an AbuseReports report carries on chain). */
  findByEvidenceHash(hash: Hex): StoredReport | null {
    const row = this.#db
      .prepare(`SELECT * FROM reports WHERE evidence_hash = ? ORDER BY created_at ASC LIMIT 1`)
      .get(hash.toLowerCase()) as Row | undefined;
    return row === undefined ? null : fromRow(row);
  }

  /** Records the transaction that carried the evidence hash; only the first one counts. */
  setTransaction(id: string, txHash: Hex): void {
    this.#db.prepare(`UPDATE reports SET tx_hash = ? WHERE id = ? AND tx_hash IS NULL`).run(txHash.toLowerCase(), id);
  }

  /** A stored screenshot's bytes, read back and re-hashed (null if missing or altered on disk). */
  file(report: StoredReport, hash: Hex): { bytes: Uint8Array; type: string } | null {
    const entry = report.files.find((f) => f.hash === hash.toLowerCase());
    if (entry === undefined) return null;
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(join(this.#filesDir, `${entry.hash}.${EXTENSIONS[entry.type]}`));
    } catch {
      return null;
    }
    return fileHash(bytes) === entry.hash ? { bytes, type: entry.type } : null;
  }

  /** The evidence hash recomputed from the stored text and the files as they are on disk now. */
  recomputeHash(report: StoredReport): Hex {
    const files = report.files.map((f) => {
      const stored = this.file(report, f.hash);
      return stored === null ? { ...f, hash: "0x" as Hex } : f;
    });
    return evidenceHash({ text: report.text, files });
  }

  close(): void {
    this.#db.close();
  }
}

function fromRow(row: Row): StoredReport {
  return {
    id: row.id,
    reporter: row.reporter as Address,
    subject: row.subject as Address,
    target:
      row.target_kind === "session"
        ? { kind: "session", ref: row.target_ref }
        : { kind: row.target_kind === "conversation" ? "conversation" : "payment", ref: row.target_ref as Hex },
    text: row.text,
    files: JSON.parse(row.files) as EvidenceFile[],
    evidenceHash: row.evidence_hash as Hex,
    createdAt: row.created_at,
    txHash: row.tx_hash as Hex | null,
  };
}
