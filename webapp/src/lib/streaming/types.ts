// What the stream gate (@mesi/streaming's gate server) answers, as the browser reads it (JSON: bigints as strings).

/** Why the gate admits or refuses a viewer (decideAccess's reasons and the gate's own). */
export type GateReason =
  | "creator"
  | "one_to_one_fan"
  | "ticket_holder"
  | "public"
  | "follower"
  | "subscriber"
  | "tipped"
  | "invite"
  | "group_member"
  | "blocked"
  | "kyf_required"
  | "kyf_expired"
  | "kyf_level_too_low"
  | "in_one_to_one"
  | "ticket_only"
  | "private"
  | "group_unavailable"
  | "unknown_stream"
  | "index_unavailable"
  | "bad_access_key";

/** Why a presented invite did not admit (decideAccess's `InviteProblem`). */
export type InviteProblem = "wrong_signer" | "other_stream" | "other_wallet" | "expired" | "revoked" | "invites_off";

export interface PrivateCriteria {
  readonly followers: boolean;
  readonly minTierRank: number;
  /** $MESI base units, decimal. */
  readonly minTipped: string;
  readonly invites: boolean;
  /** Members of the messenger group the stream was switched from are admitted. */
  readonly group?: boolean;
}

/** One decision for one viewer. */
export interface GateAnswer {
  readonly allow: boolean;
  readonly reason: GateReason;
  readonly streamId: string;
  readonly viewer: string | null;
  readonly requiredKyfLevel?: number;
  /** Unix seconds. */
  readonly oneToOneEndsAt?: number;
  readonly criteria?: PrivateCriteria;
  /** For `private`: why the invite link the viewer presented did not admit. */
  readonly inviteProblem?: InviteProblem;
  readonly keyProblem?: string;
}

export type StreamMode = "public" | "private" | "ticket_only" | "one_to_one";

/** A live stream as the gate's `GET /directory` lists it. */
export interface DirectoryStream {
  readonly streamId: string;
  readonly creator: string;
  readonly metadataURI: string;
  readonly mode: StreamMode;
  readonly ticketOnly: boolean;
  /** Unix seconds, while the creator is in a one-to-one call. */
  readonly oneToOneEndsAt: number | null;
  readonly viewers: number | null;
  readonly rules: { readonly isPrivate: boolean; readonly followers: boolean; readonly minTierRank: number };
}
