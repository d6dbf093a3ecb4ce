// Handles are unique across creators. The index knows the handles already on chain, but two creators saving the
// same new handle at once both pass that check; this claim, taken in one SQLite statement under the handle's
// primary key, lets exactly one of them through. A claim lasts until its owner has had time to put the profile on
// chain (after that the index speaks for the handle), and an owner holds one claim at a time.
import type Database from "better-sqlite3";

/** How long a saved-but-not-yet-registered handle stays reserved for the creator who saved it. */
export const HANDLE_CLAIM_TTL_MS = 60 * 60_000;

/** One claim just taken; `undo` puts the claims back as they were before it (the save that took it failed). */
export interface HandleClaim {
  undo(): void;
}

export interface HandleClaims {
  /** Reserves `handle` for `owner` (an address); null when another owner holds a live claim on it. */
  claim(handle: string, owner: string, now: number): HandleClaim | null;
}

interface ClaimRow {
  readonly handle: string;
  readonly owner: string;
  readonly expires_at: number;
}

export function createHandleClaims(db: Database.Database, ttlMs = HANDLE_CLAIM_TTL_MS): HandleClaims {
  db.exec(`CREATE TABLE IF NOT EXISTS handle_claims (
    handle TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    expires_at INTEGER NOT NULL
  )`);
  // One statement: an absent or expired claim (or the owner's own) becomes this owner's; a live claim of another
  // owner is left alone and no row changes.
  const upsert = db.prepare<{ handle: string; owner: string; expires: number; now: number }>(
    `INSERT INTO handle_claims (handle, owner, expires_at) VALUES (@handle, @owner, @expires)
     ON CONFLICT (handle) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
     WHERE handle_claims.owner = excluded.owner OR handle_claims.expires_at <= @now`,
  );
  const touched = db.prepare<[string, string], ClaimRow>(
    "SELECT handle, owner, expires_at FROM handle_claims WHERE handle = ? OR owner = ?",
  );
  const dropOthers = db.prepare<[string, string]>("DELETE FROM handle_claims WHERE owner = ? AND handle <> ?");
  const dropExact = db.prepare<[string, string, number]>(
    "DELETE FROM handle_claims WHERE handle = ? AND owner = ? AND expires_at = ?",
  );
  const restore = db.prepare<ClaimRow>(
    "INSERT OR IGNORE INTO handle_claims (handle, owner, expires_at) VALUES (@handle, @owner, @expires_at)",
  );

  const undo = db.transaction((handle: string, owner: string, expires: number, before: readonly ClaimRow[]) => {
    // A later claim by the same owner (another save since) replaced this one: it stands, and nothing comes back.
    if (dropExact.run(handle, owner, expires).changes === 0) return;
    // What this claim replaced or dropped comes back, unless someone has claimed that handle since.
    for (const row of before) restore.run(row);
  });
  const claim = db.transaction((handle: string, owner: string, now: number): HandleClaim | null => {
    const before = touched.all(handle, owner);
    const expires = now + ttlMs;
    if (upsert.run({ handle, owner, expires, now }).changes === 0) return null;
    dropOthers.run(owner, handle);
    return { undo: () => undo.immediate(handle, owner, expires, before) };
  });
  return { claim: (handle, owner, now) => claim.immediate(handle, owner.toLowerCase(), now) };
}
