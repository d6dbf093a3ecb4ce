// A report's evidence as one hash that goes on chain: keccak256 over a canonical JSON of the text and each
// screenshot's keccak256, so a moderator can recompute it from what the server stored and see nothing changed.
import { keccak256, stringToBytes, type Hex } from "viem";

export const EVIDENCE_VERSION = 1;

export interface EvidenceFile {
  /** keccak256 of the file's bytes. */
  readonly hash: Hex;
  readonly type: string;
  readonly size: number;
}

export interface Evidence {
  readonly text: string;
  readonly files: readonly EvidenceFile[];
}

/**
 * The canonical JSON: `{"files":[{"hash","size","type"}…],"text","version"}` with keys in this (sorted) order, files
 * in the order given, hashes in lowercase, text trimmed and NFC-normalised, no whitespace.
 */
export function canonicalEvidence(evidence: Evidence): string {
  const files = evidence.files.map((f) => ({ hash: f.hash.toLowerCase(), size: f.size, type: f.type }));
  return JSON.stringify({ files, text: evidence.text.trim().normalize("NFC"), version: EVIDENCE_VERSION });
}

export function evidenceHash(evidence: Evidence): Hex {
  return keccak256(stringToBytes(canonicalEvidence(evidence)));
}

export function fileHash(bytes: Uint8Array): Hex {
  return keccak256(bytes);
}
