// The tier form, checked before anything is sent: a price above zero in $MESI (per 30 days), a rank 1–255, a free
// trial of 0–7 days (the registry's limits), and a short name kept in the tier's metadata URI.
import { MESI_DECIMALS, parseAmount } from "$lib/amounts";

export const MAX_TRIAL_DAYS = 7;

export type TierIssue = "name" | "price" | "rank" | "trial";

export interface TierDraft {
  readonly name: string;
  readonly price: string;
  readonly rank: string;
  readonly trialDays: string;
}

export function checkTierInput(
  draft: TierDraft,
):
  | { ok: true; pricePer30Days: bigint; rank: number; trialDays: number; metadataURI: string }
  | { ok: false; issues: TierIssue[] } {
  const issues: TierIssue[] = [];
  const name = draft.name.trim();
  if (name === "" || name.length > 40) issues.push("name");
  const price = parseAmount(draft.price, MESI_DECIMALS);
  if (!price.ok || price.value <= 0n || price.value >= 2n ** 128n) issues.push("price");
  const rank = /^\d{1,3}$/.test(draft.rank.trim()) ? Number(draft.rank.trim()) : NaN;
  if (!(rank >= 1 && rank <= 255)) issues.push("rank");
  const trial = /^\d{1,2}$/.test(draft.trialDays.trim() || "0") ? Number(draft.trialDays.trim() || "0") : NaN;
  if (!(trial >= 0 && trial <= MAX_TRIAL_DAYS)) issues.push("trial");
  if (issues.length > 0 || !price.ok) return { ok: false, issues };
  return {
    ok: true,
    pricePer30Days: price.value,
    rank,
    trialDays: trial,
    metadataURI: `data:application/json,${encodeURIComponent(JSON.stringify({ name }))}`,
  };
}

/** A tier's name from its metadata URI (`data:application/json,…` with `{ name }`), or null. */
export function tierName(metadataURI: string): string | null {
  const prefix = "data:application/json,";
  if (!metadataURI.startsWith(prefix)) return null;
  try {
    const doc = JSON.parse(decodeURIComponent(metadataURI.slice(prefix.length))) as { name?: unknown };
    return typeof doc.name === "string" && doc.name.trim() !== "" ? doc.name.trim().slice(0, 40) : null;
  } catch {
    return null;
  }
}
