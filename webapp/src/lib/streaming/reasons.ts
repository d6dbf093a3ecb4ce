// The sentence a viewer reads when the gate refuses or removes them, and what they can do about it.
import { m } from "$lib/i18n";

import type { GateAnswer } from "./types";

/** What the page offers next to a refusal. */
export type RefusalAction = "follow" | "buy_ticket" | "sign_in" | "subscribe" | "tip" | "none";

export interface Refusal {
  readonly message: string;
  readonly action: RefusalAction;
}

const clock = new Intl.DateTimeFormat("en-US", { hour: "2-digit", minute: "2-digit", hour12: false });

/** "HH:MM" in the viewer's time zone for a unix time in seconds. */
export function clockTime(unixSeconds: number): string {
  return clock.format(new Date(unixSeconds * 1000));
}

/** Why the invite link a viewer presented does not admit them. */
function inviteSentence(answer: GateAnswer): string | null {
  const t = m.watch.refused;
  switch (answer.inviteProblem) {
    case undefined:
      return null;
    case "revoked":
      return t.inviteRevoked;
    case "expired":
      return t.inviteExpired;
    case "other_wallet":
      return t.inviteOtherWallet;
    default:
      return t.inviteInvalid;
  }
}

/**
 * Why `answer` refuses, for a viewer who is (or is not) signed in; `hasInvite`: the viewer came through an invite
 * link (without a session it asks them to sign in to use it).
 */
export function refusalOf(answer: GateAnswer, signedIn: boolean, hasInvite = false): Refusal {
  const t = m.watch.refused;
  switch (answer.reason) {
    case "private": {
      if (!signedIn) return { message: hasInvite ? t.signInInvite : t.signInPrivate, action: "sign_in" };
      const invite = inviteSentence(answer);
      if (invite !== null) return { message: invite, action: "none" };
      const c = answer.criteria;
      if (c?.followers) return { message: t.followers, action: "follow" };
      if (c !== undefined && c.minTierRank > 0) return { message: t.subscribers(c.minTierRank), action: "subscribe" };
      if (c !== undefined && c.minTipped !== "0") return { message: t.tippers, action: "tip" };
      if (c?.group) return { message: m.groupLive.membersOnly, action: "none" };
      return { message: t.inviteOnly, action: "none" };
    }
    case "ticket_only":
      return { message: t.ticketOnly, action: signedIn ? "buy_ticket" : "sign_in" };
    case "in_one_to_one":
      return {
        message: t.inOneToOne(answer.oneToOneEndsAt === undefined ? null : clockTime(answer.oneToOneEndsAt)),
        action: "none",
      };
    case "blocked":
      return { message: t.blocked, action: "none" };
    case "kyf_required":
    case "kyf_expired":
    case "kyf_level_too_low":
      return { message: t.kyf, action: "none" };
    case "group_unavailable":
      return { message: m.groupLive.membershipDown, action: "none" };
    case "unknown_stream":
      return { message: t.unknown, action: "none" };
    case "index_unavailable":
      return { message: t.indexDown, action: "none" };
    case "bad_access_key":
      return { message: t.badKey, action: "none" };
    default:
      return { message: t.generic, action: "none" };
  }
}

/** Why an admitted viewer was removed (the gate's `removed` event carries the new decision). */
export function removalOf(answer: GateAnswer, signedIn: boolean): Refusal {
  const t = m.watch.removed;
  if (answer.reason === "ticket_only") return { message: t.ticketOnly, action: "buy_ticket" };
  if (answer.reason === "in_one_to_one") return { message: refusalOf(answer, signedIn).message, action: "none" };
  if (answer.reason === "blocked") return { message: t.blocked, action: "none" };
  return { message: t.generic(refusalOf(answer, signedIn).message), action: refusalOf(answer, signedIn).action };
}
