// The moderation queue from the index: disputed one-to-ones with their lifecycle events (payment, acceptance,
// report — each with its block and time), open abuse reports, and the decisions already taken. Whether and when
// the creator blocked the fan comes from the pair's block changes.
import { graphql } from "$lib/graph/client";
import type { BigIntString, Hex, Meta } from "$lib/graph/types";

export interface SessionEventRow {
  readonly kind: "REQUESTED" | "ACCEPTED" | "KYF_REQUESTED" | "REFUNDED" | "DISPUTED" | "RELEASED" | "RESOLVED";
  readonly blockNumber: BigIntString;
  readonly timestamp: BigIntString;
  readonly transactionHash: Hex;
}

export interface DisputedSessionRow {
  readonly id: string;
  readonly sessionId: BigIntString;
  readonly seq: BigIntString;
  readonly fan: { readonly id: Hex };
  readonly creator: { readonly id: Hex };
  readonly amount: BigIntString;
  readonly minutes: number;
  readonly status: "DISPUTED" | "RESOLVED";
  readonly requestedAt: BigIntString;
  readonly startedAt: BigIntString | null;
  readonly endsAt: BigIntString | null;
  readonly disputeEndsAt: BigIntString | null;
  readonly evidenceHash: Hex | null;
  readonly creatorBps: number | null;
  readonly creatorAmount: BigIntString | null;
  readonly fanAmount: BigIntString | null;
  readonly fee: BigIntString | null;
  readonly moderator: Hex | null;
  readonly noteHash: Hex | null;
  readonly closedAt: BigIntString | null;
  readonly events: readonly SessionEventRow[];
}

export interface ReportRow {
  readonly id: string;
  readonly reportId: BigIntString;
  readonly reporter: Hex;
  readonly subject: Hex;
  readonly category: "OTHER" | "BLOCKED_AFTER_PAYMENT" | "NO_SHOW" | "HARASSMENT" | "FRAUD" | "ILLEGAL_CONTENT";
  readonly relatedRef: Hex;
  readonly evidenceHash: Hex;
  readonly status: "OPEN" | "UPHELD" | "DISMISSED";
  readonly filedAt: BigIntString;
  readonly filedTransactionHash: Hex;
  readonly resolution: {
    readonly moderator: Hex;
    readonly upheld: boolean;
    readonly noteHash: Hex;
    readonly timestamp: BigIntString;
    readonly transactionHash: Hex;
  } | null;
}

export interface BlockChangeRow {
  readonly creator: { readonly id: Hex };
  readonly fan: { readonly id: Hex };
  readonly blocked: boolean;
  readonly blockNumber: BigIntString;
  readonly timestamp: BigIntString;
}

const SESSION = `id sessionId seq fan { id } creator { id } amount minutes status requestedAt startedAt endsAt disputeEndsAt
  evidenceHash creatorBps creatorAmount fanAmount fee moderator noteHash closedAt
  events(first: 20, orderBy: timestamp, orderDirection: asc) { kind blockNumber timestamp transactionHash }`;
const REPORT = `id reportId reporter subject category relatedRef evidenceHash status filedAt filedTransactionHash
  resolution { moderator upheld noteHash timestamp transactionHash }`;

export const ModerationQueueQuery = graphql<
  {
    disputed: DisputedSessionRow[];
    resolved: DisputedSessionRow[];
    openReports: ReportRow[];
    closedReports: ReportRow[];
    vault: { feeBps: BigIntString } | null;
    _meta: Meta;
  },
  { vault: string }
>(`query ModerationQueue($vault: ID!) {
  disputed: oneToOneSessions(first: 100, where: { status: DISPUTED }, orderBy: requestedAt, orderDirection: asc) { ${SESSION} }
  resolved: oneToOneSessions(first: 50, where: { status: RESOLVED }, orderBy: closedAt, orderDirection: desc) { ${SESSION} }
  openReports: reports(first: 100, where: { status: OPEN }, orderBy: filedAt, orderDirection: asc) { ${REPORT} }
  closedReports: reports(first: 50, where: { status_in: [UPHELD, DISMISSED] }, orderBy: filedAt, orderDirection: desc) { ${REPORT} }
  vault(id: $vault) { feeBps }
  _meta { block { number timestamp } hasIndexingErrors }
}`);

/** Every block and unblock between these creators and fans, oldest first. */
export const BlockChangesQuery = graphql<{ blockChanges: BlockChangeRow[] }, { creators: string[]; fans: string[] }>(`
  query BlockChanges($creators: [String!]!, $fans: [String!]!) {
    blockChanges(
      first: 1000
      where: { creator_in: $creators, fan_in: $fans }
      orderBy: timestamp
      orderDirection: asc
    ) {
      creator {
        id
      }
      fan {
        id
      }
      blocked
      blockNumber
      timestamp
    }
  }
`);
