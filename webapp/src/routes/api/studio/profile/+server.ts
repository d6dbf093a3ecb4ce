// Stores a signed-in creator's profile: a multipart form with the profile as JSON (field "profile") and, when it
// changes, a new picture (field "picture"). Everything is checked first — the fields, the handle being free, the
// picture's bytes and size — and only then are the avatar and the document put in the content store. Answers the
// document's `ipfs://` URI for the creator to put on chain (register or updateProfile). Bad input stores nothing.
// The handle is claimed (handleClaims) after every check and before anything is stored, as one unit with the store
// (profileSave): of creators saving the same new handle at once, exactly one gets it; the others get 409 "taken" and
// nothing of theirs is stored; a save that then fails (the quota's 413) leaves the claims as they were. The quota
// counts the new document and picture plus what the creator's published profile still references (see quota.ts).
import { error, json } from "@sveltejs/kit";

import {
  cidOf,
  cidOfUri,
  ContentQuotaError,
  contentStore,
  MAX_PICTURE_BYTES,
  ownedContentStore,
  PictureError,
  profileObjects,
  toAvatar,
  type NewObject,
} from "$lib/server/content";
import { database } from "$lib/server/db";
import { createHandleClaims, type HandleClaims } from "$lib/server/handleClaims";
import { loadCreators } from "$lib/server/indexer";
import { storeProfileObjects } from "$lib/server/profileSave";
import {
  checkProfileInput,
  encodeProfileDocument,
  type ProfileInput,
  type ProfileIssue,
} from "$lib/studio/profileInput";

import type { RequestHandler } from "./$types";

/** A placeholder that passes the document check while the new picture's CID is not known yet. */
const PENDING_PICTURE = "ipfs://bafkreiaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

function asInput(raw: unknown): ProfileInput | null {
  if (raw === null || typeof raw !== "object") return null;
  const r = raw as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === "string" ? v : null);
  if (str(r.name) === null || str(r.handle) === null) return null;
  const links = Array.isArray(r.links) ? (r.links as unknown[]) : [];
  return {
    name: str(r.name)!,
    handle: str(r.handle)!,
    bio: str(r.bio) ?? "",
    picture: str(r.picture),
    links: links.map((link) => {
      const l = (link ?? {}) as Record<string, unknown>;
      return { label: str(l.label) ?? "", url: str(l.url) ?? "" };
    }),
  };
}

const refuse = (issues: ProfileIssue[], status = 400) => json({ issues }, { status });

let claims: HandleClaims | undefined;
const handleClaims = (): HandleClaims => (claims ??= createHandleClaims(database()));

export const POST: RequestHandler = async ({ request, locals, fetch }) => {
  if (locals.session === null) error(401, "Sign in with your wallet first.");
  if (Number(request.headers.get("content-length") ?? "0") > MAX_PICTURE_BYTES + 128 * 1024) {
    return json({ picture: "tooBig", message: "The picture is larger than 5 MB." }, { status: 413 });
  }
  const form = await request.formData().catch(() => null);
  if (form === null) error(400, "Send a multipart form with the profile as JSON in the field “profile”.");
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(String(form.get("profile") ?? ""));
  } catch {
    parsed = null;
  }
  const input = asInput(parsed);
  if (input === null) error(400, "The field “profile” must be JSON with at least a name and a handle.");
  const file = form.get("picture");
  const newPicture = file instanceof File ? new Uint8Array(await file.arrayBuffer()) : null;

  const checked = checkProfileInput(newPicture ? { ...input, picture: PENDING_PICTURE } : input);
  if (!checked.ok) return refuse(checked.issues);
  const me = locals.session.address.toLowerCase();
  const { creators, status } = await loadCreators("", fetch);
  if (status.unavailable) error(503, "We can't reach Mesi's index to check the handle. Try again in a moment.");
  if (creators.some((c) => c.profile.handle === checked.document.handle && c.id.toLowerCase() !== me)) {
    return refuse([{ field: "handle", problem: "taken" }], 409);
  }
  const published = creators.find((c) => c.id.toLowerCase() === me)?.profileURI ?? null;
  let document = checked.document;
  if (newPicture === null && document.picture !== null) {
    // A kept picture must be an image this store holds, not any CID a client names.
    const kept = await contentStore()
      .get(document.picture.slice("ipfs://".length))
      .catch(() => null);
    if (kept === null || !kept.contentType.startsWith("image/"))
      return refuse([{ field: "picture", problem: "invalid" }]);
  }
  let avatar: Awaited<ReturnType<typeof toAvatar>> | null = null;
  if (newPicture !== null) {
    try {
      avatar = await toAvatar(newPicture);
    } catch (cause) {
      if (!(cause instanceof PictureError)) throw cause;
      return json(
        { picture: cause.problem, message: cause.message },
        { status: cause.problem === "tooBig" ? 413 : 400 },
      );
    }
  }
  // Still referenced after this save: the published profile's document and picture, and a picture the new one keeps.
  const stillReferenced = await profileObjects(contentStore(), published);
  const keptPicture = avatar === null ? cidOfUri(document.picture) : null;
  if (keptPicture !== null) stillReferenced.push(keptPicture);
  const objects: NewObject[] = [];
  if (avatar !== null) {
    objects.push(avatar);
    document = { ...document, picture: `ipfs://${await cidOf(avatar.bytes)}` };
  }
  objects.push({ bytes: encodeProfileDocument(document), contentType: "application/json" });
  let cids: string[] | null;
  try {
    // The picture and the document are stored together or not at all, within the wallet's quota.
    cids = await storeProfileObjects(
      { claims: handleClaims(), store: ownedContentStore() },
      { owner: me, handle: document.handle, objects, kept: stillReferenced, now: Date.now() },
    );
  } catch (cause) {
    if (!(cause instanceof ContentQuotaError)) throw cause;
    const where = avatar !== null ? { picture: "quota" } : { error: "quota" };
    return json(
      { ...where, message: cause.message, usedBytes: cause.usedBytes, quotaBytes: cause.quotaBytes },
      { status: 413 },
    );
  }
  if (cids === null) return refuse([{ field: "handle", problem: "taken" }], 409);
  const cid = cids[cids.length - 1]!;
  return json({ cid, uri: `ipfs://${cid}`, document }, { status: 201 });
};
