import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { noteHash } from "$lib/moderation/noteHash";

import { NoteRefusedError, NoteStore } from "./noteStore";

const moderator = "0x00000000000000000000000000000000000000Cc" as const;

describe("NoteStore (real SQLite file)", () => {
  let dir: string;
  let store: NoteStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "mesi-notes-"));
    store = new NoteStore({ dataDir: dir, now: () => 5 });
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("keeps a note by the hash its decision carries, per subject; survives a reopen", () => {
    const note = store.save({ moderator, subject: { kind: "session", ref: "42" }, text: "  Blocked after paying. " });
    expect(note.noteHash).toBe(noteHash("Blocked after paying."));
    expect(store.save({ moderator, subject: { kind: "session", ref: "42" }, text: "Blocked after paying." })).toEqual(
      note,
    );
    store.close();
    store = new NoteStore({ dataDir: dir });
    expect(store.find(note.noteHash, { kind: "session", ref: "42" })).toEqual({
      ...note,
      moderator: moderator.toLowerCase(),
    });
    expect(store.find(note.noteHash, { kind: "report", ref: "42" })).toBeNull();
  });

  it("refuses an empty note and stores nothing", () => {
    expect(() => store.save({ moderator, subject: { kind: "report", ref: "1" }, text: " ok " })).toThrow(
      NoteRefusedError,
    );
    expect(store.find(noteHash("ok"), { kind: "report", ref: "1" })).toBeNull();
  });
});
