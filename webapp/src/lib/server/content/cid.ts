// Content identifiers computed here, before anything is stored: CIDv1, raw codec, SHA-256, base32 — the CID
// `ipfs add --cid-version 1` gives a file of one chunk (≤ 256 KiB, the default chunk size), so a pinning service
// and any gateway agree with it. Documents and avatars are kept far below that size.
import { CID } from "multiformats/cid";
import * as raw from "multiformats/codecs/raw";
import { sha256 } from "multiformats/hashes/sha2";

/** The largest object stored: one IPFS chunk, so the raw-leaf CID is the file's CID. */
export const MAX_OBJECT_BYTES = 256 * 1024;

export class InvalidCidError extends Error {
  override readonly name = "InvalidCidError";
}

/** The CID of `bytes` (CIDv1, raw, sha2-256), as its base32 string (`bafkrei…`). */
export async function cidOf(bytes: Uint8Array): Promise<string> {
  const digest = await sha256.digest(bytes);
  return CID.createV1(raw.code, digest).toString();
}

/** Parses a CID string into its canonical CIDv1 form; throws {@link InvalidCidError} for anything else. */
export function parseCid(text: string): CID {
  try {
    return CID.parse(text).toV1();
  } catch (cause) {
    throw new InvalidCidError(`"${text.slice(0, 80)}" is not a CID`, { cause });
  }
}

/** Whether `bytes` are the content `cid` names (only raw/sha2-256 CIDs can be checked here; others are false). */
export async function matchesCid(cid: string, bytes: Uint8Array): Promise<boolean> {
  const parsed = parseCid(cid);
  if (parsed.code !== raw.code || parsed.multihash.code !== sha256.code) return false;
  return (await cidOf(bytes)) === parsed.toString();
}
