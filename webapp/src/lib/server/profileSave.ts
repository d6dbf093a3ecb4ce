// A profile save's two writes as one unit: the handle claim and the stored document and picture. The claim comes
// first, so of creators saving one new handle at once exactly one stores anything; when storing then fails (over the
// wallet's quota, or the store refuses), the claim is undone and the claims are exactly as they were before.
import type { NewObject, QuotaStore } from "./content/quota";
import type { HandleClaims } from "./handleClaims";

export interface ProfileSave {
  /** The saving wallet's address. */
  readonly owner: string;
  readonly handle: string;
  /** The new picture (if any) and the document, stored together or not at all. */
  readonly objects: readonly NewObject[];
  /** CIDs still referenced after the save (the published profile's, a kept picture): they count in the quota. */
  readonly kept: readonly string[];
  readonly now: number;
}

/** The objects' CIDs, or null when another creator holds the handle (nothing stored); store errors are rethrown. */
export async function storeProfileObjects(
  deps: { readonly claims: HandleClaims; readonly store: QuotaStore },
  save: ProfileSave,
): Promise<string[] | null> {
  const claim = deps.claims.claim(save.handle, save.owner, save.now);
  if (claim === null) return null;
  try {
    return await deps.store.putOwned(save.owner, save.objects, save.kept);
  } catch (cause) {
    claim.undo();
    throw cause;
  }
}
