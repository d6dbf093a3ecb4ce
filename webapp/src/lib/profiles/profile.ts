// A creator's public profile: a small JSON document at a content-addressed (ipfs://), data: or https URI.
export interface Profile {
  readonly name: string;
  readonly handle: string | null;
  readonly bio: string;
  /** An absolute URL the browser can load, or null. */
  readonly picture: string | null;
  readonly links: readonly { readonly label: string; readonly url: string }[];
}

const HANDLE = /^[a-z0-9_]{2,30}$/;

function text(value: unknown, max: number): string {
  return typeof value === "string" ? value.trim().slice(0, max) : "";
}

/** Turns an ipfs:// URI into a gateway URL; keeps http(s) and data: URLs; anything else is dropped. */
export function resolveUri(uri: string, ipfsGateway: string): string | null {
  if (uri.startsWith("ipfs://")) return `${ipfsGateway}/ipfs/${uri.slice("ipfs://".length).replace(/^ipfs\//, "")}`;
  if (/^https?:\/\//.test(uri) || uri.startsWith("data:image/")) return uri;
  return null;
}

/** Reads whatever a profile document holds into a {@link Profile}, with safe defaults for what it lacks. */
export function normalizeProfile(raw: unknown, fallbackName: string, ipfsGateway: string): Profile {
  const doc = raw !== null && typeof raw === "object" ? (raw as Record<string, unknown>) : {};
  const handle = text(doc.handle, 30).toLowerCase().replace(/^@/, "");
  const picture = typeof doc.picture === "string" ? resolveUri(doc.picture, ipfsGateway) : null;
  const links = Array.isArray(doc.links)
    ? doc.links
        .map((link) => link as Record<string, unknown>)
        .filter((link) => typeof link.url === "string" && /^https?:\/\//.test(link.url))
        .slice(0, 8)
        .map((link) => ({ label: text(link.label, 40) || String(link.url), url: String(link.url) }))
    : [];
  return {
    name: text(doc.name, 60) || fallbackName,
    handle: HANDLE.test(handle) ? handle : null,
    bio: text(doc.bio, 600),
    picture,
    links,
  };
}

/** A short, readable form of an address: 0x1234…abcd. */
export function shortAddress(address: string): string {
  return `${address.slice(0, 6)}…${address.slice(-4)}`;
}
