// Tip messages: the tip carries keccak256(message) on-chain; the text is kept here so the creator's page can
// show it. Only a text whose hash matches is stored, so nobody can attach words to someone else's tip.
import { keccak256, stringToBytes, type Hex } from "viem";

import { database } from "./db";

export const MAX_MEMO_LENGTH = 140;

export class MemoError extends Error {
  override readonly name = "MemoError";
}

export function saveMemo(text: string): Hex {
  const trimmed = text.trim();
  if (trimmed === "" || trimmed.length > MAX_MEMO_LENGTH) {
    throw new MemoError(`a message is 1 to ${MAX_MEMO_LENGTH} characters`);
  }
  const hash = keccak256(stringToBytes(trimmed));
  database()
    .prepare("INSERT OR IGNORE INTO memos (hash, text, created_at) VALUES (?, ?, ?)")
    .run(hash, trimmed, Date.now());
  return hash;
}

export function memosFor(hashes: readonly string[]): Record<string, string> {
  const wanted = hashes.filter((h) => /^0x[0-9a-f]{64}$/.test(h)).slice(0, 100);
  if (wanted.length === 0) return {};
  const rows = database()
    .prepare(`SELECT hash, text FROM memos WHERE hash IN (${wanted.map(() => "?").join(",")})`)
    .all(...wanted) as { hash: string; text: string }[];
  return Object.fromEntries(rows.map((row) => [row.hash, row.text]));
}
