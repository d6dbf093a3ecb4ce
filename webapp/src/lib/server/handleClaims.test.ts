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
    expect(one.claim("neon", ALICE, 1_000)).toBe(true);
    expect(two.claim("neon", BOB, 1_001)).toBe(false);
    expect(one.claim("neon", BOB, 1_002)).toBe(false);
    expect(two.claim("neon", ALICE, 1_003)).toBe(true); // the owner saves again
  });

  it("frees a handle whose claim expired without the profile reaching the chain", () => {
    const claims = createHandleClaims(openDb(tempFile()), 1_000);
    expect(claims.claim("neon", ALICE, 0)).toBe(true);
    expect(claims.claim("neon", BOB, 999)).toBe(false);
    expect(claims.claim("neon", BOB, 1_000)).toBe(true);
    expect(claims.claim("neon", ALICE, 1_001)).toBe(false);
  });

  it("keeps one claim per owner: changing handle frees the old one", () => {
    const claims = createHandleClaims(openDb(tempFile()));
    expect(claims.claim("first", ALICE, 0)).toBe(true);
    expect(claims.claim("second", ALICE, 1)).toBe(true);
    expect(claims.claim("first", BOB, 2)).toBe(true);
  });

  it("gives a handle back on release, and only its owner can", () => {
    const claims = createHandleClaims(openDb(tempFile()));
    expect(claims.claim("neon", ALICE, 0)).toBe(true);
    claims.release("neon", BOB);
    expect(claims.claim("neon", BOB, 1)).toBe(false);
    claims.release("neon", ALICE.toUpperCase());
    expect(claims.claim("neon", BOB, 2)).toBe(true);
  });
});
