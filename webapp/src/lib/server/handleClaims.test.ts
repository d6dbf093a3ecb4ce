// Against real SQLite files: two connections stand for two webapp instances sharing the data dir.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";

import { createHandleClaims } from "./handleClaims";

const ALICE = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";
const BOB = "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc";
const dirs: string[] = [];

function openDb(file: string): Database.Database {
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("busy_timeout = 5000");
  return db;
}

function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), "mesi-handles-"));
  dirs.push(dir);
  return join(dir, "webapp.sqlite");
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("handle claims", () => {
  it("lets exactly one of two instances take a handle, whatever the order", () => {
    const file = tempFile();
    const one = createHandleClaims(openDb(file));
    const two = createHandleClaims(openDb(file));
    expect(one.claim("neon", ALICE, 1_000)).not.toBeNull();
    expect(two.claim("neon", BOB, 1_001)).toBeNull();
    expect(one.claim("neon", BOB, 1_002)).toBeNull();
    expect(two.claim("neon", ALICE, 1_003)).not.toBeNull(); // the owner saves again
  });

  it("frees a handle whose claim expired without the profile reaching the chain", () => {
    const claims = createHandleClaims(openDb(tempFile()), 1_000);
    expect(claims.claim("neon", ALICE, 0)).not.toBeNull();
    expect(claims.claim("neon", BOB, 999)).toBeNull();
    expect(claims.claim("neon", BOB, 1_000)).not.toBeNull();
    expect(claims.claim("neon", ALICE, 1_001)).toBeNull();
  });

  it("keeps one claim per owner: changing handle frees the old one", () => {
    const claims = createHandleClaims(openDb(tempFile()));
    expect(claims.claim("first", ALICE, 0)).not.toBeNull();
    expect(claims.claim("second", ALICE, 1)).not.toBeNull();
    expect(claims.claim("first", BOB, 2)).not.toBeNull();
  });

  it("undoing a claim (its save failed) gives a new handle back", () => {
    const claims = createHandleClaims(openDb(tempFile()));
    claims.claim("neon", ALICE.toUpperCase(), 0)!.undo();
    expect(claims.claim("neon", BOB, 1)).not.toBeNull();
  });

  it("undoing a claim puts back what it replaced: the owner's earlier claim on the same or another handle", () => {
    const claims = createHandleClaims(openDb(tempFile()));
    expect(claims.claim("neon", ALICE, 0)).not.toBeNull(); // saved, not on chain yet
    claims.claim("neon", ALICE, 10)!.undo(); // saved again with the same handle; the save failed
    expect(claims.claim("neon", BOB, 20)).toBeNull();
    claims.claim("other", ALICE, 30)!.undo(); // tried another handle; the save failed
    expect(claims.claim("neon", BOB, 40)).toBeNull();
    expect(claims.claim("other", BOB, 50)).not.toBeNull();
  });

  it("an undo leaves alone what happened since: a later claim by the owner, a handle taken meanwhile", () => {
    const claims = createHandleClaims(openDb(tempFile()), 100);
    expect(claims.claim("first", ALICE, 0)).not.toBeNull();
    const second = claims.claim("second", ALICE, 10)!;
    expect(claims.claim("first", BOB, 20)).not.toBeNull(); // freed by Alice's move, taken by Bob
    second.undo();
    expect(claims.claim("first", ALICE, 30)).toBeNull(); // Bob keeps it
    const third = claims.claim("third", ALICE, 40)!;
    expect(claims.claim("third", ALICE, 50)).not.toBeNull(); // a second save of the same handle, which succeeds
    third.undo(); // the first of them failed late: the later claim stands
    expect(claims.claim("third", BOB, 60)).toBeNull();
  });
});
