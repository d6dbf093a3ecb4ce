// The webapp's GraphQL documents, each typed with its result and variables.
import { graphql } from "./client";
import type { CreatorDetail, CreatorSummary, Meta, SessionRow, TicketHoldingRow, TipRow } from "./types";

export const META = `_meta { block { number timestamp } hasIndexingErrors }`;
/** A stream's rules, state and ticket sale ({@link StreamRow}): the one selection every stream read shares. */
export const STREAM_FIELDS = `id streamId metadataURI live isPrivate followers minTierRank minTipped kyfLevel ticketOnly
  sale { price supply sold transferable endsAt closed ticketOnly }`;
const TIP_FIELDS = `id fan { id } creator { id } source amount fee channel memoHash timestamp blockNumber transactionHash`;
export const SESSION_FIELDS = `id sessionId seq fan { id } creator { id } amount minutes status requestedAt expiresAt kyfDeadline startedAt endsAt disputeEndsAt closedAt`;

export const CreatorsQuery = graphql<
  { creators: CreatorSummary[]; _meta: Meta },
  { first: number }
>(`query Creators($first: Int!) {
  creators(first: $first, where: { registered: true }, orderBy: tipVolume, orderDirection: desc) {
    id profileURI registeredAt tipCount tipVolume followerCount
  }
  ${META}
}`);

export const CreatorQuery = graphql<
  { creator: CreatorDetail | null; vault: { feeBps: string } | null; _meta: Meta },
  { id: string; vault: string }
>(`query Creator($id: ID!, $vault: ID!) {
  creator(id: $id) {
    id registered profileURI registeredAt tipCount tipVolume followerCount
    oneToOneEnabled oneToOneMinAmount oneToOneMinMinutes oneToOneMaxMinutes
    tiers(first: 20, orderBy: rank, orderDirection: asc) { id tierId pricePer30Days rank trialDays metadataURI active }
    streams(first: 50, orderBy: createdAt, orderDirection: desc) { ${STREAM_FIELDS} }
    activeSessions: sessions(first: 1, where: { status: ACCEPTED }, orderBy: endsAt, orderDirection: desc) { endsAt }
  }
  vault(id: $vault) { feeBps }
  ${META}
}`);

export const CreatorTipsQuery = graphql<
  { tips: TipRow[]; _meta: Meta },
  { creator: string; first: number; skip: number }
>(`query CreatorTips($creator: String!, $first: Int!, $skip: Int!) {
  tips(first: $first, skip: $skip, where: { creator: $creator }, orderBy: timestamp, orderDirection: desc) { ${TIP_FIELDS} }
  ${META}
}`);

export const OpenSessionQuery = graphql<
  { sessions: SessionRow[]; busy: SessionRow[]; _meta: Meta },
  { fan: string; creator: string; now: string }
>(`query OpenSession($fan: String!, $creator: String!, $now: BigInt!) {
  sessions: oneToOneSessions(first: 1, where: { fan: $fan, creator: $creator }, orderBy: seq, orderDirection: desc) { ${SESSION_FIELDS} }
  busy: oneToOneSessions(first: 1, where: { creator: $creator, status: ACCEPTED, endsAt_gt: $now }) { ${SESSION_FIELDS} }
  ${META}
}`);

export const MetaQuery = graphql<{ _meta: Meta }>(`query Meta { ${META} }`);

export const FanTicketsQuery = graphql<
  { ticketHoldings: TicketHoldingRow[]; _meta: Meta },
  { holder: string; creator: string }
>(`query FanTickets($holder: String!, $creator: String!) {
  ticketHoldings(first: 100, where: { holder: $holder, balance_gt: "0", stream_: { creator: $creator } }) {
    id balance stream { streamId metadataURI }
  }
  ${META}
}`);

export const FanSessionsQuery = graphql<
  { oneToOneSessions: SessionRow[]; _meta: Meta },
  { fan: string; creator: string }
>(`query FanSessions($fan: String!, $creator: String!) {
  oneToOneSessions(first: 5, where: { fan: $fan, creator: $creator }, orderBy: seq, orderDirection: desc) { ${SESSION_FIELDS} }
  ${META}
}`);

export const SessionByIdQuery = graphql<{ oneToOneSessions: SessionRow[]; _meta: Meta }, { sessionId: string }>(
  `query SessionById($sessionId: BigInt!) {
  oneToOneSessions(first: 1, where: { sessionId: $sessionId }) { ${SESSION_FIELDS} }
  ${META}
}`,
);
