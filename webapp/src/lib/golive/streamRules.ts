// A stream's access rules as the creator sets them (ICreatorRegistry.StreamRules), checked before sending:
// a private stream needs at least one way in; the tier rank fits uint8; the tipped minimum is $MESI; KYF 0–3.
// Invite links are signed by the creator's own wallet, so "invites on" sets the invite signer to the creator.
import { zeroAddress, type Address } from "viem";

import { MESI_DECIMALS, parseAmount } from "$lib/amounts";

export interface StreamRules {
  readonly isPrivate: boolean;
  readonly followers: boolean;
  readonly minTierRank: number;
  readonly minTipped: bigint;
  readonly inviteSigner: Address;
  readonly kyfLevel: number;
}

export interface RulesForm {
  access: "public" | "private";
  followers: boolean;
  /** "" or "0" = off. */
  minTierRank: string;
  /** "" = off. */
  minTipped: string;
  invites: boolean;
  kyfLevel: number;
}

export type RulesProblem =
  "no_way_in" | "tier_rank_invalid" | "min_tipped_invalid" | "kyf_level_invalid" | "title_empty" | "title_too_long";

export const MAX_KYF_LEVEL = 3;
export const MAX_TITLE_LENGTH = 80;

export function parseStreamRules(
  form: RulesForm,
  creator: Address,
): { ok: true; value: StreamRules } | { ok: false; problems: RulesProblem[] } {
  const problems: RulesProblem[] = [];
  const isPrivate = form.access === "private";
  const rankText = form.minTierRank.trim();
  let minTierRank = 0;
  if (isPrivate && rankText !== "") {
    if (!/^\d{1,3}$/.test(rankText) || Number(rankText) > 255) problems.push("tier_rank_invalid");
    else minTierRank = Number(rankText);
  }
  let minTipped = 0n;
  if (isPrivate && form.minTipped.trim() !== "") {
    const parsed = parseAmount(form.minTipped, MESI_DECIMALS);
    if (!parsed.ok) problems.push("min_tipped_invalid");
    else minTipped = parsed.value;
  }
  if (!Number.isInteger(form.kyfLevel) || form.kyfLevel < 0 || form.kyfLevel > MAX_KYF_LEVEL) {
    problems.push("kyf_level_invalid");
  }
  const followers = isPrivate && form.followers;
  const invites = isPrivate && form.invites;
  if (isPrivate && !followers && minTierRank === 0 && minTipped === 0n && !invites && problems.length === 0) {
    problems.push("no_way_in");
  }
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    value: {
      isPrivate,
      followers,
      minTierRank,
      minTipped,
      inviteSigner: invites ? creator : zeroAddress,
      kyfLevel: form.kyfLevel,
    },
  };
}

/** A stream's title, kept in its metadata document. */
export function checkTitle(title: string): RulesProblem | null {
  const trimmed = title.trim();
  if (trimmed === "") return "title_empty";
  if (trimmed.length > MAX_TITLE_LENGTH) return "title_too_long";
  return null;
}

/** The metadata document of a stream, as a data: URI (small; the profile's IPFS store can replace it). */
export function streamMetadataUri(title: string): string {
  const json = JSON.stringify({ title: title.trim() });
  const bytes = new TextEncoder().encode(json);
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return `data:application/json;base64,${btoa(binary)}`;
}
