// The content store configuration chooses (local SQLite or IPFS + pinning service), built once per process.
import { mkdirSync } from "node:fs";
import { join } from "node:path";

import { serverConfig } from "../config";
import { database } from "../db";

import { createLocalContentStore } from "./localStore";
import { createPinningContentStore } from "./pinningStore";
import { withQuota, type QuotaStore } from "./quota";
import type { ContentStore } from "./types";

export { cidOf, matchesCid, parseCid, InvalidCidError, MAX_OBJECT_BYTES } from "./cid";
export { toAvatar, PictureError, MAX_PICTURE_BYTES, AVATAR_SIZE } from "./picture";
export { ContentStoreError, type ContentStore, type StoredObject } from "./types";
export { ContentQuotaError, type NewObject, type QuotaStore } from "./quota";
export { cidOfUri, profileObjects } from "./profileObjects";

let store: ContentStore | undefined;

export function contentStore(): ContentStore {
  if (store !== undefined) return store;
  const config = serverConfig();
  const chosen = config.contentStore;
  if (chosen.kind === "local") {
    mkdirSync(config.dataDir, { recursive: true });
    store = createLocalContentStore(join(config.dataDir, "content.sqlite"));
  } else {
    store = createPinningContentStore({ ...chosen, gatewayUrl: config.public.ipfsGateway });
  }
  return store;
}

let owned: QuotaStore | undefined;

/** The content store behind each wallet's quota (MESI_CONTENT_QUOTA_BYTES): what uploads go through. */
export function ownedContentStore(): QuotaStore {
  owned ??= withQuota(contentStore(), database(), serverConfig().contentQuotaBytes);
  return owned;
}
