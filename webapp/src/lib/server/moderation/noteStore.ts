// Moderators' notes, kept by the webapp's server in one SQLite file under the data directory. A decision on chain
// carries only the note's hash; this store holds the text by that hash, with who wrote it about what.
import type Database from "better-sqlite3";
import type { Address, Hex } from "viem";

import { checkNote, normaliseNote } from "$lib/moderation/note";
import { noteHash } from "$lib/moderation/noteHash";

import { openSqlite } from "../sqlite";

export type NoteSubject =
  { readonly kind: "session"; readonly ref: string } | { readonly kind: "report"; readonly ref: string };

export interface StoredNote {
  readonly noteHash: Hex;
  readonly moderator: Address;
  readonly subject: NoteSubject;
  readonly text: string;
  readonly createdAt: number;
}

export class NoteRefusedError extends Error {
  override readonly name = "NoteRefusedError";
}

interface Row {
  note_hash: string;
  moderator: string;
  subject_kind: string;
  subject_ref: string;
  text: string;
  created_at: number;
}

export class NoteStore {
  readonly #db: Database.Database;
  readonly #now: () => number;

  constructor(options: { dataDir: string; now?: () => number }) {
    this.#now = options.now ?? (() => Math.floor(Date.now() / 1000));
    this.#db = openSqlite(
      options.dataDir,
      "moderation-notes.sqlite",
      `CREATE TABLE IF NOT EXISTS notes (
      note_hash TEXT NOT NULL,
      moderator TEXT NOT NULL,
      subject_kind TEXT NOT NULL,
      subject_ref TEXT NOT NULL,
      text TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      PRIMARY KEY (note_hash, subject_kind, subject_ref)
    );`,
    );
  }

  /** Keeps a note (again is a no-op) and returns it with the hash the decision will carry on chain. */
  save(input: { moderator: Address; subject: NoteSubject; text: string }): StoredNote {
    const problem = checkNote(input.text);
    if (problem !== null)
      throw new NoteRefusedError(problem === "tooShort" ? "the note is too short" : "the note is too long");
    const text = normaliseNote(input.text);
    const note: StoredNote = {
      noteHash: noteHash(text),
      moderator: input.moderator.toLowerCase() as Address,
      subject: input.subject,
      text,
      createdAt: this.#now(),
    };
    this.#db
      .prepare(
        `INSERT OR IGNORE INTO notes (note_hash, moderator, subject_kind, subject_ref, text, created_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(note.noteHash, note.moderator, note.subject.kind, note.subject.ref, note.text, note.createdAt);
    return note;
  }

  /** The note with this hash about this subject (a decision's noteHash from the index). */
  find(hash: Hex, subject: NoteSubject): StoredNote | null {
    const row = this.#db
      .prepare(`SELECT * FROM notes WHERE note_hash = ? AND subject_kind = ? AND subject_ref = ?`)
      .get(hash.toLowerCase(), subject.kind, subject.ref) as Row | undefined;
    if (row === undefined) return null;
    return {
      noteHash: row.note_hash as Hex,
      moderator: row.moderator as Address,
      subject: { kind: row.subject_kind as "session" | "report", ref: row.subject_ref },
      text: row.text,
      createdAt: row.created_at,
    };
  }

  close(): void {
    this.#db.close();
  }
}
