// Result shapes of the webapp's GraphQL documents. BigInt and Bytes arrive as strings (The Graph's JSON).

export type BigIntString = string;
export type Hex = `0x${string}`;

export interface Meta {
  readonly block: { readonly number: number; readonly timestamp: number | null };
  readonly hasIndexingErrors: boolean;
}

export interface CreatorSummary {
  readonly id: Hex;
  readonly profileURI: string | null;
  readonly registeredAt: BigIntString | null;
  readonly tipCount: BigIntString;
  readonly tipVolume: BigIntString;
  readonly followerCount: number;
}

export interface TierRow {
  readonly id: Hex;
  readonly tierId: BigIntString;
  readonly pricePer30Days: BigIntString;
  readonly rank: number;
  readonly trialDays: number;
  readonly metadataURI: string;
  readonly active: boolean;
}

export interface TicketSaleRow {
  readonly price: BigIntString;
  readonly supply: BigIntString;
  readonly sold: BigIntString;
  readonly transferable: boolean;
  readonly endsAt: BigIntString;
  readonly closed: boolean;
  readonly ticketOnly: boolean;
}

export interface StreamRow {
  readonly id: string;
  readonly streamId: BigIntString;
  readonly metadataURI: string;
  readonly live: boolean;
  readonly isPrivate: boolean;
  readonly followers: boolean;
  readonly minTierRank: number;
  readonly minTipped: BigIntString;
  readonly kyfLevel: number;
  readonly ticketOnly: boolean;
  readonly sale: TicketSaleRow | null;
}

export interface TipRow {
  readonly id: Hex;
  readonly fan: { readonly id: Hex };
  readonly creator: { readonly id: Hex };
  readonly source: "MESI" | "STABLECOIN" | "FIAT" | "RELAYER_STABLECOIN";
  readonly amount: BigIntString;
  readonly fee: BigIntString;
  readonly channel: "PROFILE" | "MESSENGER" | "STREAM" | "TIP_LINK";
  readonly memoHash: Hex | null;
  readonly timestamp: BigIntString;
  readonly blockNumber: BigIntString;
  readonly transactionHash: Hex;
}

export type SessionStatus =
  | "REQUESTED"
  | "ACCEPTED"
  | "DECLINED"
  | "CANCELLED"
  | "EXPIRED"
  | "KYF_EXPIRED"
  | "DISPUTED"
  | "RELEASED"
  | "RESOLVED";

export interface SessionRow {
  readonly id: string;
  readonly sessionId: BigIntString;
  readonly seq: BigIntString;
  readonly fan: { readonly id: Hex };
  readonly creator: { readonly id: Hex };
  readonly amount: BigIntString;
  readonly minutes: number;
  readonly status: SessionStatus;
  readonly requestedAt: BigIntString;
  readonly expiresAt: BigIntString;
  readonly kyfDeadline: BigIntString | null;
  readonly startedAt: BigIntString | null;
  readonly endsAt: BigIntString | null;
  readonly disputeEndsAt: BigIntString | null;
  readonly closedAt: BigIntString | null;
}

export interface CreatorDetail extends CreatorSummary {
  readonly registered: boolean;
  readonly oneToOneEnabled: boolean;
  readonly oneToOneMinAmount: BigIntString;
  readonly oneToOneMinMinutes: number;
  readonly oneToOneMaxMinutes: number;
  readonly tiers: readonly TierRow[];
  readonly streams: readonly StreamRow[];
  /** The creator's latest accepted one-to-one (its end tells whether they are in a call now). */
  readonly activeSessions: readonly { readonly endsAt: BigIntString | null }[];
}

export interface TicketHoldingRow {
  readonly id: Hex;
  readonly balance: BigIntString;
  readonly stream: { readonly streamId: BigIntString; readonly metadataURI: string };
}
