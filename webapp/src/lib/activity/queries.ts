// The index reads behind "My activity": one typed document per kind, each paged with The Graph's first/skip
// and each carrying the index's head block so the page can tell when it trails the chain.
import { graphql, type TypedDocument } from "$lib/graph/client";
import type { BigIntString, Hex, Meta, SessionStatus, TipRow } from "$lib/graph/types";

const META = `_meta { block { number timestamp } hasIndexingErrors }`;

export interface TicketHoldingRow {
  readonly id: Hex;
  readonly balance: BigIntString;
  readonly updatedAtBlock: BigIntString;
  readonly stream: { readonly streamId: BigIntString; readonly creator: { readonly id: Hex } };
}

export interface SubscriptionRow {
  readonly id: Hex;
  readonly creator: { readonly id: Hex };
  readonly rank: number;
  readonly expiresAt: BigIntString;
  readonly totalPaid: BigIntString;
  readonly trial: boolean;
}

export interface FanSessionRow {
  readonly id: string;
  readonly sessionId: BigIntString;
  readonly creator: { readonly id: Hex };
  readonly amount: BigIntString;
  readonly minutes: number;
  readonly status: SessionStatus;
  readonly requestedAt: BigIntString;
}

export interface ReportRow {
  readonly id: string;
  readonly reportId: BigIntString;
  readonly subject: Hex;
  readonly category: string;
  readonly status: string;
  readonly filedAt: BigIntString;
}

export interface ActivityRows {
  tips: TipRow;
  tickets: TicketHoldingRow;
  subscriptions: SubscriptionRow;
  sessions: FanSessionRow;
  reports: ReportRow;
}

export type ActivityKind = keyof ActivityRows;
export const ACTIVITY_KINDS: readonly ActivityKind[] = ["tips", "tickets", "subscriptions", "sessions", "reports"];

type Page<K extends ActivityKind> = TypedDocument<
  { rows: ActivityRows[K][]; _meta: Meta },
  { who: string; first: number; skip: number }
>;

const VARS = `($who: String!, $first: Int!, $skip: Int!)`;
const PAGE = `first: $first, skip: $skip`;

export const activityQueries: { readonly [K in ActivityKind]: Page<K> } = {
  tips: graphql(`query FanTips${VARS} {
  rows: tips(${PAGE}, where: { fan: $who }, orderBy: blockNumber, orderDirection: desc) {
    id fan { id } creator { id } source amount fee channel memoHash timestamp blockNumber transactionHash
  }
  ${META}
}`),
  tickets: graphql(`query FanTickets${VARS} {
  rows: ticketHoldings(${PAGE}, where: { holder: $who, balance_gt: 0 }, orderBy: updatedAtBlock, orderDirection: desc) {
    id balance updatedAtBlock stream { streamId creator { id } }
  }
  ${META}
}`),
  subscriptions: graphql(`query FanSubscriptions${VARS} {
  rows: fanSubscriptions(${PAGE}, where: { fan: $who }, orderBy: expiresAt, orderDirection: desc) {
    id creator { id } rank expiresAt totalPaid trial
  }
  ${META}
}`),
  sessions: graphql(`query FanSessions${VARS} {
  rows: oneToOneSessions(${PAGE}, where: { fan: $who }, orderBy: requestedAt, orderDirection: desc) {
    id sessionId creator { id } amount minutes status requestedAt
  }
  ${META}
}`),
  reports: graphql(`query FanReports${VARS} {
  rows: reports(${PAGE}, where: { reporter: $who }, orderBy: filedAt, orderDirection: desc) {
    id reportId subject category status filedAt
  }
  ${META}
}`),
};

/** The document of one kind, typed for a page of any kind (the rows' type follows the kind at the call site). */
export function activityQuery(
  kind: ActivityKind,
): TypedDocument<{ rows: ActivityRows[ActivityKind][]; _meta: Meta }, { who: string; first: number; skip: number }> {
  return activityQueries[kind] as TypedDocument<
    { rows: ActivityRows[ActivityKind][]; _meta: Meta },
    { who: string; first: number; skip: number }
  >;
}
