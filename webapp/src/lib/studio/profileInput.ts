// What a creator types into the profile form, checked the same way in the browser (for instant messages) and on
// the server (which stores nothing that fails), and the profile document built from it.

export const PROFILE_LIMITS = { name: 60, bio: 600, links: 8, linkLabel: 40, url: 300 } as const;
export const HANDLE_PATTERN = /^[a-z0-9_]{2,30}$/;

export interface ProfileInput {
  readonly name: string;
  readonly handle: string;
  readonly bio: string;
  /** `ipfs://<cid>` of an avatar the server stored, or null for none. */
  readonly picture: string | null;
  readonly links: readonly { readonly label: string; readonly url: string }[];
}

/** The JSON document stored at `ipfs://<cid>`; its keys are always written in this order. */
export interface ProfileDocument {
  readonly version: 1;
  readonly name: string;
  readonly handle: string;
  readonly bio: string;
  readonly picture: string | null;
  readonly links: readonly { readonly label: string; readonly url: string }[];
}

export type ProfileField = "name" | "handle" | "bio" | "picture" | "links";
export type ProfileProblem = "required" | "tooLong" | "invalid" | "taken" | "tooMany";

export interface ProfileIssue {
  readonly field: ProfileField;
  readonly problem: ProfileProblem;
  /** For links: which one (0-based). */
  readonly index?: number;
}

const CID_URI = /^ipfs:\/\/(b[a-z2-7]{20,100}|Qm[1-9A-HJ-NP-Za-km-z]{44})$/;

/** Lower-cases a handle and drops a leading @, so "@Alice_1" and "alice_1" are the same handle. */
export function normalizeHandle(handle: string): string {
  return handle.trim().toLowerCase().replace(/^@/, "");
}

/** Checks the form; returns the document to store, or every problem found (never both). */
export function checkProfileInput(
  input: ProfileInput,
): { ok: true; document: ProfileDocument } | { ok: false; issues: ProfileIssue[] } {
  const issues: ProfileIssue[] = [];
  const name = input.name.trim();
  const handle = normalizeHandle(input.handle);
  const bio = input.bio.trim();
  if (name === "") issues.push({ field: "name", problem: "required" });
  else if (name.length > PROFILE_LIMITS.name) issues.push({ field: "name", problem: "tooLong" });
  if (handle === "") issues.push({ field: "handle", problem: "required" });
  else if (!HANDLE_PATTERN.test(handle)) issues.push({ field: "handle", problem: "invalid" });
  if (bio.length > PROFILE_LIMITS.bio) issues.push({ field: "bio", problem: "tooLong" });
  if (input.picture !== null && !CID_URI.test(input.picture)) issues.push({ field: "picture", problem: "invalid" });
  const links = input.links
    .map((link) => ({ label: link.label.trim(), url: link.url.trim() }))
    .filter((link) => link.label !== "" || link.url !== "");
  if (links.length > PROFILE_LIMITS.links) issues.push({ field: "links", problem: "tooMany" });
  links.forEach((link, index) => {
    let valid = link.url.length <= PROFILE_LIMITS.url && link.label.length <= PROFILE_LIMITS.linkLabel;
    try {
      const url = new URL(link.url);
      valid &&= url.protocol === "https:" || url.protocol === "http:";
    } catch {
      valid = false;
    }
    if (!valid) issues.push({ field: "links", problem: "invalid", index });
  });
  if (issues.length > 0) return { ok: false, issues };
  return {
    ok: true,
    document: {
      version: 1,
      name,
      handle,
      bio,
      picture: input.picture,
      links: links.map((link) => ({ label: link.label || new URL(link.url).hostname, url: link.url })),
    },
  };
}

/** The document's bytes: compact JSON with a fixed key order, so the same profile always has the same CID. */
export function encodeProfileDocument(document: ProfileDocument): Uint8Array {
  const ordered: ProfileDocument = {
    version: 1,
    name: document.name,
    handle: document.handle,
    bio: document.bio,
    picture: document.picture,
    links: document.links.map((link) => ({ label: link.label, url: link.url })),
  };
  return new TextEncoder().encode(JSON.stringify(ordered));
}
