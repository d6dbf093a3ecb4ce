// The studio's reads from the index: the creator's streams with their rules and sales, and one-to-one requests
// waiting for an answer.
import { graphql } from "$lib/graph/client";
import type { Meta, SessionRow } from "$lib/graph/types";

export interface StudioStream {
  readonly id: string;
  readonly streamId: string;
  readonly metadataURI: string;
  readonly live: boolean;
  readonly isPrivate: boolean;
  readonly followers: boolean;
  readonly minTierRank: number;
  readonly minTipped: string;
  readonly inviteSigner: string;
  readonly kyfLevel: number;
  readonly ticketOnly: boolean;
  readonly createdAt: string;
  readonly sale: {
    readonly price: string;
    readonly supply: string;
    readonly sold: string;
    readonly transferable: boolean;
    readonly endsAt: string;
    readonly closed: boolean;
    readonly ticketOnly: boolean;
  } | null;
}

export const StudioStreamsQuery = graphql<{ streams: StudioStream[]; _meta: Meta }, { creator: string }>(`
  query StudioStreams($creator: String!) {
    streams(first: 100, where: { creator: $creator }, orderBy: createdAt, orderDirection: desc) {
      id
      streamId
      metadataURI
      live
      isPrivate
      followers
      minTierRank
      minTipped
      inviteSigner
      kyfLevel
      ticketOnly
      createdAt
      sale {
        price
        supply
        sold
        transferable
        endsAt
        closed
        ticketOnly
      }
    }
    _meta {
      block {
        number
        timestamp
      }
      hasIndexingErrors
    }
  }
`);

const SESSION_FIELDS = `id sessionId seq fan { id } creator { id } amount minutes status requestedAt expiresAt kyfDeadline startedAt endsAt disputeEndsAt closedAt`;

export const CreatorOpenSessionsQuery = graphql<
  { requests: SessionRow[]; running: SessionRow[]; _meta: Meta },
  { creator: string; now: string }
>(`query CreatorOpenSessions($creator: String!, $now: BigInt!) {
  requests: oneToOneSessions(first: 20, where: { creator: $creator, status: REQUESTED, expiresAt_gt: $now }, orderBy: requestedAt, orderDirection: asc) { ${SESSION_FIELDS} }
  running: oneToOneSessions(first: 1, where: { creator: $creator, status: ACCEPTED, endsAt_gt: $now }) { ${SESSION_FIELDS} }
  _meta { block { number timestamp } hasIndexingErrors }
}`);
