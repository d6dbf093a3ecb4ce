// A creator's name and picture for the fan's list of requests, read in the browser from the profile document the
// index points at (data: URIs decoded here, ipfs:// through the gateway). Falls back to the short address.
import { normalizeProfile, resolveUri, shortAddress, type Profile } from "$lib/profiles/profile";

const MAX_CHARS = 64 * 1024;

function decodeDataJson(uri: string): unknown {
  const comma = uri.indexOf(",");
  const header = uri.slice(0, comma);
  const body = uri.slice(comma + 1);
  const json = header.endsWith(";base64")
    ? new TextDecoder().decode(Uint8Array.from(atob(body), (c) => c.charCodeAt(0)))
    : decodeURIComponent(body);
  return JSON.parse(json.slice(0, MAX_CHARS));
}

export async function creatorProfile(address: string, uri: string | null, ipfsGateway: string): Promise<Profile> {
  let raw: unknown = {};
  try {
    if (uri?.startsWith("data:application/json")) raw = decodeDataJson(uri);
    else if (uri) {
      const url = resolveUri(uri, ipfsGateway);
      if (url !== null && !url.startsWith("data:")) {
        const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
        if (response.ok) raw = JSON.parse((await response.text()).slice(0, MAX_CHARS));
      }
    }
  } catch {
    raw = {};
  }
  return normalizeProfile(raw, shortAddress(address), ipfsGateway);
}
