// The content store's gateway: `/ipfs/<cid>` answers the stored bytes. Content never changes under a CID, so
// browsers and CDNs may keep it for a year without asking again.
import { error } from "@sveltejs/kit";

import { contentStore, InvalidCidError, parseCid } from "$lib/server/content";

import type { RequestHandler } from "./$types";

const SAFE_TYPES = new Set(["application/json", "image/webp", "image/png", "image/jpeg"]);

export const GET: RequestHandler = async ({ params }) => {
  let cid: string;
  try {
    cid = parseCid(params.cid).toString();
  } catch (cause) {
    if (cause instanceof InvalidCidError) error(400, "That is not a content identifier (CID).");
    throw cause;
  }
  const object = await contentStore().get(cid);
  if (object === null) error(404, "Nothing is stored under this CID.");
  const type = SAFE_TYPES.has(object.contentType) ? object.contentType : "application/octet-stream";
  return new Response(object.bytes as BodyInit, {
    headers: {
      "content-type": type === "application/json" ? "application/json; charset=utf-8" : type,
      "content-length": String(object.bytes.byteLength),
      "cache-control": "public, max-age=31536000, immutable",
      etag: `"${cid}"`,
      "x-ipfs-path": `/ipfs/${cid}`,
      "access-control-allow-origin": "*",
      "content-security-policy": "default-src 'none'; sandbox",
    },
  });
};
