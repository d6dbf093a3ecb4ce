// Fetches and caches profile documents on the server. A profile that can't be fetched falls back to the
// address, so a page always renders.
import { normalizeProfile, resolveUri, shortAddress, type Profile } from "./profile";

const cache = new Map<string, { profile: Profile; at: number }>();
const TTL_MS = 60_000;
const MAX_BYTES = 64 * 1024;
/** Documents by CID: content under a CID never changes, so they are kept (up to this many) without expiry. */
const documents = new Map<string, unknown>();
const MAX_DOCUMENTS = 2_000;

/** Reads `ipfs://` content without HTTP when this server stores it (the embedded content store); null otherwise. */
export type IpfsReader = (cid: string) => Promise<Uint8Array | null>;

async function fetchIpfs(uri: string, ipfsGateway: string, fetcher: typeof fetch, readIpfs?: IpfsReader) {
  const cid = uri.slice("ipfs://".length).replace(/^ipfs\//, "");
  if (documents.has(cid)) return documents.get(cid);
  const local = readIpfs ? await readIpfs(cid).catch(() => null) : null;
  let text: string | null = null;
  if (local !== null) text = new TextDecoder().decode(local.subarray(0, MAX_BYTES));
  else {
    const url = resolveUri(uri, ipfsGateway);
    if (url === null) return {};
    const response = await fetcher(url, { signal: AbortSignal.timeout(2_000) });
    // A gateway that can't find it now may find it later: only documents actually read are kept.
    if (!response.ok) return {};
    text = (await response.text()).slice(0, MAX_BYTES);
  }
  const doc: unknown = JSON.parse(text);
  if (documents.size >= MAX_DOCUMENTS) documents.delete(documents.keys().next().value as string);
  documents.set(cid, doc);
  return doc;
}

async function fetchDocument(
  uri: string,
  ipfsGateway: string,
  fetcher: typeof fetch,
  readIpfs?: IpfsReader,
): Promise<unknown> {
  if (uri.startsWith("ipfs://")) return fetchIpfs(uri, ipfsGateway, fetcher, readIpfs);
  if (uri.startsWith("data:application/json")) {
    const comma = uri.indexOf(",");
    const header = uri.slice(0, comma);
    const body = uri.slice(comma + 1);
    const json = header.endsWith(";base64") ? Buffer.from(body, "base64").toString("utf8") : decodeURIComponent(body);
    return JSON.parse(json.slice(0, MAX_BYTES));
  }
  const url = resolveUri(uri, ipfsGateway);
  if (url === null || url.startsWith("data:")) return {};
  const response = await fetcher(url, { signal: AbortSignal.timeout(2_000) });
  if (!response.ok) return {};
  return JSON.parse((await response.text()).slice(0, MAX_BYTES));
}

/** A stream's title from its metadata document (`{ "title": … }`), or null. */
export async function loadStreamTitle(
  uri: string,
  ipfsGateway: string,
  fetcher: typeof fetch = fetch,
): Promise<string | null> {
  const doc = (await fetchDocument(uri, ipfsGateway, fetcher).catch(() => ({}))) as { title?: unknown };
  return typeof doc.title === "string" && doc.title.trim() !== "" ? doc.title.trim().slice(0, 80) : null;
}

export async function loadProfile(
  address: string,
  uri: string | null,
  ipfsGateway: string,
  fetcher: typeof fetch = fetch,
  readIpfs?: IpfsReader,
): Promise<Profile> {
  const key = `${address}:${uri ?? ""}`;
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < TTL_MS) return hit.profile;
  let raw: unknown = {};
  if (uri) raw = await fetchDocument(uri, ipfsGateway, fetcher, readIpfs).catch(() => ({}));
  const profile = normalizeProfile(raw, shortAddress(address), ipfsGateway);
  cache.set(key, { profile, at: Date.now() });
  return profile;
}
