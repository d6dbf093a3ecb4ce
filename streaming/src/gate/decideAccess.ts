// The one access decision for every stream mode. Pure: it reads only what it
// is given (a stream's on-chain rules and state, what the index says about one
// viewer, the time) and calls nothing, so the Livepeer webhook, the local media
// server and the removal watcher all decide the same way, in microseconds.
//
// Precedence, first match wins (mirrors ICreatorRegistry.StreamRules and
// IMesiTickets: ticket-only overrides the private criteria while on; blocks and
// KYF apply to every mode; a creator's running one-to-one call admits only its fan):
//   1. the creator watches their own stream
//   2. blocked by the creator (MesiVault's block list)            → deny
//   3. below the stream's KYF level, or the attestation expired   → deny
//   4. the creator is in a one-to-one call: only its fan          → allow / deny
//   5. ticket-only: holders of a ticket for this stream           → allow / deny
//   6. public                                                     → allow
//   7. private: ANY enabled criterion (follower, tier rank, tipped total, invite, member of the linked group)
//      → allow; else deny — `group_unavailable` when the stream is linked to a group whose membership could not
//      be read lately (the hub unreachable: never allow by default), `private` otherwise
import { zeroAddress, type Address } from "viem";

/** A stream's access rules as the registry stores them (`ICreatorRegistry.StreamRules`). */
export interface StreamRules {
  readonly isPrivate: boolean;
  readonly followers: boolean;
  /** 0 = criterion off. */
  readonly minTierRank: number;
  /** $MESI base units; 0 = criterion off. */
  readonly minTipped: bigint;
  /** Zero address = invites off. */
  readonly inviteSigner: Address;
  /** 0 = none. */
  readonly kyfLevel: number;
}

/** The creator's accepted one-to-one session (from the escrow's events). Times in unix seconds. */
export interface OneToOneCall {
  readonly sessionId: bigint;
  readonly fan: Address;
  readonly startedAt: number;
  readonly endsAt: number;
}

/**
 * A messenger group the stream is linked to (off-chain, by the stream's creator as an admin of the group): its
 * members are one more private criterion. See ../groups/groupMembership.ts.
 */
export interface GroupLink {
  readonly conversationId: string;
  /** False when the hub has not answered lately: members cannot be told apart, so the group admits no one. */
  readonly membershipKnown: boolean;
}

/** Everything about a stream the decision needs. */
export interface StreamAccessState {
  readonly streamId: bigint;
  readonly creator: Address;
  readonly live: boolean;
  readonly rules: StreamRules;
  readonly ticketOnly: boolean;
  /** The creator's latest accepted session, whatever its time window (the decision checks `now`). */
  readonly oneToOne: OneToOneCall | null;
  /** The linked messenger group, if any. */
  readonly group?: GroupLink | null;
}

/** An invite whose signature was checked: `signer` is who signed these claims (see invite.ts). */
export interface CheckedInvite {
  readonly signer: Address;
  readonly streamId: bigint;
  /** Zero address = whoever holds the link. */
  readonly invitee: Address;
  /** Unix seconds; the invite is refused from this second on. */
  readonly expiresAt: number;
  /** Whether the creator revoked this invite (by id). */
  readonly revoked: boolean;
}

/** What the index says about one viewer in relation to the stream and its creator. */
export interface ViewerFacts {
  /** The wallet the access key vouches for; null for a viewer without a key (public streams only). */
  readonly address: Address | null;
  readonly blocked: boolean;
  readonly following: boolean;
  /** $MESI base units tipped to the creator (net of reversed card credits). */
  readonly tippedTotal: bigint;
  /** The viewer's subscription to the creator, if any (may be expired). */
  readonly subscription: { readonly rank: number; readonly expiresAt: number } | null;
  /** Tickets of this stream held. */
  readonly ticketBalance: bigint;
  /** The viewer's KYF attestation, if any (may be expired or revoked). */
  readonly kyf: { readonly level: number; readonly expiresAt: number; readonly revoked: boolean } | null;
  /** The invite the viewer presented, if any. */
  readonly invite: CheckedInvite | null;
  /** Whether the viewer is (now) a member of the stream's linked group; false without a link. */
  readonly groupMember: boolean;
}

export type AllowReason =
  | "creator"
  | "one_to_one_fan"
  | "ticket_holder"
  | "public"
  | "follower"
  | "subscriber"
  | "tipped"
  | "invite"
  | "group_member";

export type DenyReason =
  | "blocked"
  | "kyf_required"
  | "kyf_expired"
  | "kyf_level_too_low"
  | "in_one_to_one"
  | "ticket_only"
  | "private"
  | "group_unavailable";

/** Why a presented invite did not admit (reported beside a `private` denial). */
export type InviteProblem = "wrong_signer" | "other_stream" | "other_wallet" | "expired" | "revoked" | "invites_off";

/** What would admit a viewer to a private stream (for the page: "follow to join", "subscribe at rank 2"…). */
export interface PrivateCriteria {
  readonly followers: boolean;
  readonly minTierRank: number;
  readonly minTipped: bigint;
  readonly invites: boolean;
  /** Members of the linked messenger group are admitted. */
  readonly group: boolean;
}

export type AccessDecision =
  | { readonly allow: true; readonly reason: AllowReason }
  | {
      readonly allow: false;
      readonly reason: DenyReason;
      /** For `kyf_*`: the level the stream requires. */
      readonly requiredKyfLevel?: number;
      /** For `in_one_to_one`: when the call ends (unix seconds). */
      readonly oneToOneEndsAt?: number;
      /** For `private`: what would admit. */
      readonly criteria?: PrivateCriteria;
      /** For `private` when the viewer presented an invite that did not admit. */
      readonly inviteProblem?: InviteProblem;
    };

const same = (a: Address | null, b: Address | null): boolean =>
  a !== null && b !== null && a.toLowerCase() === b.toLowerCase();

function inviteProblem(
  stream: StreamAccessState,
  viewer: Address | null,
  invite: CheckedInvite,
  now: number,
): InviteProblem | null {
  if (stream.rules.inviteSigner === zeroAddress) return "invites_off";
  if (!same(invite.signer, stream.rules.inviteSigner)) return "wrong_signer";
  if (invite.streamId !== stream.streamId) return "other_stream";
  if (invite.invitee !== zeroAddress && !same(invite.invitee, viewer)) return "other_wallet";
  if (now >= invite.expiresAt) return "expired";
  if (invite.revoked) return "revoked";
  return null;
}

/** Allow or deny `viewer` on `stream` at `now` (unix seconds), with the reason. */
export function decideAccess(stream: StreamAccessState, viewer: ViewerFacts, now: number): AccessDecision {
  const { rules } = stream;
  if (same(viewer.address, stream.creator)) return { allow: true, reason: "creator" };
  if (viewer.blocked) return { allow: false, reason: "blocked" };

  if (rules.kyfLevel > 0) {
    const kyf = viewer.kyf;
    const requiredKyfLevel = rules.kyfLevel;
    if (kyf === null || kyf.revoked || kyf.level === 0)
      return { allow: false, reason: "kyf_required", requiredKyfLevel };
    if (now >= kyf.expiresAt) return { allow: false, reason: "kyf_expired", requiredKyfLevel };
    if (kyf.level < rules.kyfLevel) return { allow: false, reason: "kyf_level_too_low", requiredKyfLevel };
  }

  const call = stream.oneToOne;
  if (call !== null && call.startedAt <= now && now < call.endsAt) {
    if (same(viewer.address, call.fan)) return { allow: true, reason: "one_to_one_fan" };
    return { allow: false, reason: "in_one_to_one", oneToOneEndsAt: call.endsAt };
  }

  if (stream.ticketOnly) {
    return viewer.ticketBalance > 0n
      ? { allow: true, reason: "ticket_holder" }
      : { allow: false, reason: "ticket_only" };
  }

  if (!rules.isPrivate) return { allow: true, reason: "public" };

  if (rules.followers && viewer.following) return { allow: true, reason: "follower" };
  const sub = viewer.subscription;
  if (rules.minTierRank > 0 && sub !== null && sub.rank >= rules.minTierRank && now < sub.expiresAt) {
    return { allow: true, reason: "subscriber" };
  }
  if (rules.minTipped > 0n && viewer.tippedTotal >= rules.minTipped) return { allow: true, reason: "tipped" };
  const problem = viewer.invite === null ? null : inviteProblem(stream, viewer.address, viewer.invite, now);
  if (viewer.invite !== null && problem === null) return { allow: true, reason: "invite" };
  const group = stream.group ?? null;
  if (group !== null && group.membershipKnown && viewer.groupMember) return { allow: true, reason: "group_member" };

  if (group !== null && !group.membershipKnown) return { allow: false, reason: "group_unavailable" };

  const criteria: PrivateCriteria = {
    followers: rules.followers,
    minTierRank: rules.minTierRank,
    minTipped: rules.minTipped,
    invites: rules.inviteSigner !== zeroAddress,
    group: group !== null,
  };
  return problem === null
    ? { allow: false, reason: "private", criteria }
    : { allow: false, reason: "private", criteria, inviteProblem: problem };
}

/** Facts for a viewer the index knows nothing about (and for a viewer without a wallet). */
export function strangerFacts(address: Address | null): ViewerFacts {
  return {
    address,
    blocked: false,
    following: false,
    tippedTotal: 0n,
    subscription: null,
    ticketBalance: 0n,
    kyf: null,
    invite: null,
    groupMember: false,
  };
}
