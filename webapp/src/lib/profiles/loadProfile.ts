// Fetches and caches profile documents on the server. A profile that can't be fetched falls back to the
// address, so a page always renders.
import { normalizeProfile, resolveUri, shortAddress, type Profile } from "./profile";

const cache = new Map<string, { profile: Profile; at: number }>();
const TTL_MS = 60_000;
const MAX_BYTES = 64 * 1024;

async function fetchDocument(uri: string, ipfsGateway: string, fetcher: typeof fetch): Promise<unknown> {
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
): Promise<Profile> {
  const key = `${address}:${uri ?? ""}`;
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < TTL_MS) return hit.profile;
  let raw: unknown = {};
  if (uri) raw = await fetchDocument(uri, ipfsGateway, fetcher).catch(() => ({}));
  const profile = normalizeProfile(raw, shortAddress(address), ipfsGateway);
  cache.set(key, { profile, at: Date.now() });
  return profile;
}
