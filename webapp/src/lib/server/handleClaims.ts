// Handles are unique across creators. The index knows the handles already on chain, but two creators saving the
// same new handle at once both pass that check; this claim, taken in one SQLite statement under the handle's
// primary key, lets exactly one of them through. A claim lasts until its owner has had time to put the profile on
// chain (after that the index speaks for the handle), and an owner holds one claim at a time.
import type Database from "better-sqlite3";

/** How long a saved-but-not-yet-registered handle stays reserved for the creator who saved it. */
export const HANDLE_CLAIM_TTL_MS = 60 * 60_000;

export interface HandleClaims {
  /** Reserves `handle` for `owner` (lowercase address); false when another owner holds a live claim on it. */
  claim(handle: string, owner: string, now: number): boolean;
  /** Gives back `owner`'s claim on `handle` (a save that failed after claiming). */
  release(handle: string, owner: string): void;
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
  const dropOthers = db.prepare<[string, string]>("DELETE FROM handle_claims WHERE owner = ? AND handle <> ?");
  const drop = db.prepare<[string, string]>("DELETE FROM handle_claims WHERE handle = ? AND owner = ?");
  const claim = db.transaction((handle: string, owner: string, now: number): boolean => {
    if (upsert.run({ handle, owner, expires: now + ttlMs, now }).changes === 0) return false;
    dropOthers.run(owner, handle);
    return true;
  });
  return {
    claim: (handle, owner, now) => claim.immediate(handle, owner.toLowerCase(), now),
    release: (handle, owner) => void drop.run(handle, owner.toLowerCase()),
  };
}
