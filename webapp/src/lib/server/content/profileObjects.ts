// The content-store objects a profile document names: the document itself and the picture it points at. A save
// passes those of the creator's published profile (and a picture it keeps) to the quota, which keeps counting them.
import { parseCid } from "./cid";
import type { ContentStore } from "./types";

const IPFS = "ipfs://";

/** The CID an `ipfs://` URI names, or null for any other URI (a data: URI, a web link) or a malformed one. */
export function cidOfUri(uri: unknown): string | null {
  if (typeof uri !== "string" || !uri.startsWith(IPFS)) return null;
  try {
    return parseCid(uri.slice(IPFS.length)).toString();
  } catch {
    return null;
  }
}

/** `uri`'s document and its picture's CIDs (only the document's when the store can't read a picture from it). */
export async function profileObjects(store: ContentStore, uri: string | null): Promise<string[]> {
  const document = cidOfUri(uri);
  if (document === null) return [];
  const stored = await store.get(document).catch(() => null);
  let picture: string | null = null;
  if (stored !== null) {
    try {
      picture = cidOfUri((JSON.parse(new TextDecoder().decode(stored.bytes)) as { picture?: unknown }).picture);
    } catch {
      picture = null;
    }
  }
  return picture === null ? [document] : [document, picture];
}
