// The production content store. Bytes reach IPFS through an IPFS node's RPC (`POST /api/v0/add`, Kubo's documented
// HTTP API: multipart field "file", answer `{ Name, Hash, Size }`), which must return the CID computed here; then a
// remote pinning service keeps them, through the IPFS Pinning Service API (`POST /pins` with a bearer token,
// body `{ cid, name, origins? }`, answer 202 with a PinStatus `{ requestid, status, created, pin, delegates }`).
// Reads go through the configured gateway (`GET <gateway>/ipfs/<cid>`), and are checked against the CID.
import { cidOf, MAX_OBJECT_BYTES, matchesCid, parseCid } from "./cid";
import { ContentStoreError, type ContentStore, type StoredObject } from "./types";

export interface PinningStoreOptions {
  /** An IPFS node's RPC base URL (e.g. a Kubo node the platform runs, or a provider's compatible upload API). */
  readonly ipfsApiUrl: string;
  /** The pinning service's Pinning Service API base URL (the part before `/pins`). */
  readonly pinningApiUrl: string;
  readonly pinningApiToken: string;
  /** The gateway reads go through (`<gateway>/ipfs/<cid>`). */
  readonly gatewayUrl: string;
  /** Multiaddrs of the uploading node, sent as the pin's `origins` so the service finds the content fast. */
  readonly origins?: readonly string[];
  readonly fetch?: typeof fetch;
  readonly timeoutMs?: number;
}

const PIN_STATUSES = new Set(["queued", "pinning", "pinned", "failed"]);

function trimSlash(url: string): string {
  return url.replace(/\/+$/, "");
}

export function createPinningContentStore(options: PinningStoreOptions): ContentStore {
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 10_000;

  async function call(url: string, init: RequestInit, what: string): Promise<Response> {
    let response: Response;
    try {
      response = await doFetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    } catch (cause) {
      throw new ContentStoreError(`${what} is unreachable`, true, { cause });
    }
    if (!response.ok && response.status !== 404) {
      const detail = (await response.text().catch(() => "")).slice(0, 200);
      throw new ContentStoreError(`${what} answered ${response.status}: ${detail}`, response.status >= 500);
    }
    return response;
  }

  return {
    kind: "pinning",
    async put(bytes, contentType) {
      if (bytes.byteLength === 0) throw new ContentStoreError("an empty object can't be stored", false);
      if (bytes.byteLength > MAX_OBJECT_BYTES) {
        throw new ContentStoreError(`objects are at most ${MAX_OBJECT_BYTES} bytes`, false);
      }
      const cid = await cidOf(bytes);
      const form = new FormData();
      form.append("file", new Blob([new Uint8Array(bytes)], { type: contentType }), cid);
      const added = await call(
        `${trimSlash(options.ipfsApiUrl)}/api/v0/add?cid-version=1&raw-leaves=true&pin=true`,
        { method: "POST", body: form },
        "the IPFS node",
      );
      const body = (await added.json().catch(() => ({}))) as { Hash?: unknown };
      if (body.Hash !== cid) {
        throw new ContentStoreError(`the IPFS node stored ${String(body.Hash)}, not ${cid}`, false);
      }
      const pinned = await call(
        `${trimSlash(options.pinningApiUrl)}/pins`,
        {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${options.pinningApiToken}` },
          body: JSON.stringify({
            cid,
            name: cid,
            ...(options.origins && options.origins.length > 0 ? { origins: options.origins } : {}),
          }),
        },
        "the pinning service",
      );
      const status = (await pinned.json().catch(() => ({}))) as { status?: unknown; pin?: { cid?: unknown } };
      if (pinned.status === 404 || typeof status.status !== "string" || !PIN_STATUSES.has(status.status)) {
        throw new ContentStoreError("the pinning service gave no pin status", false);
      }
      if (status.status === "failed") throw new ContentStoreError(`the pinning service failed to pin ${cid}`, true);
      return cid;
    },
    async get(cid): Promise<StoredObject | null> {
      const canonical = parseCid(cid).toString();
      const response = await call(`${trimSlash(options.gatewayUrl)}/ipfs/${canonical}`, {}, "the IPFS gateway");
      if (response.status === 404) return null;
      const bytes = new Uint8Array(await response.arrayBuffer());
      if (!(await matchesCid(canonical, bytes))) {
        throw new ContentStoreError(`the gateway's bytes for ${canonical} do not match the CID`, false);
      }
      return { bytes, contentType: response.headers.get("content-type") ?? "application/octet-stream" };
    },
  };
}
