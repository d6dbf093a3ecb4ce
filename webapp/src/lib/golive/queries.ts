// The studio's reads from the index: the creator's streams with their rules and sales, and one-to-one requests
// waiting for an answer.
import { graphql } from "$lib/graph/client";
import { META, SESSION_FIELDS, STREAM_FIELDS } from "$lib/graph/queries";
import type { Meta, SessionRow, StreamRow } from "$lib/graph/types";

export interface StudioStream extends StreamRow {
  readonly inviteSigner: string;
  readonly createdAt: string;
}

export const StudioStreamsQuery = graphql<{ streams: StudioStream[]; _meta: Meta }, { creator: string }>(`
  query StudioStreams($creator: String!) {
    streams(first: 100, where: { creator: $creator }, orderBy: createdAt, orderDirection: desc) {
      ${STREAM_FIELDS}
      inviteSigner
      createdAt
    }
    ${META}
  }
`);

export const CreatorOpenSessionsQuery = graphql<
  { requests: SessionRow[]; running: SessionRow[]; _meta: Meta },
  { creator: string; now: string }
>(`query CreatorOpenSessions($creator: String!, $now: BigInt!) {
  requests: oneToOneSessions(first: 20, where: { creator: $creator, status: REQUESTED, expiresAt_gt: $now }, orderBy: requestedAt, orderDirection: asc) { ${SESSION_FIELDS} }
  running: oneToOneSessions(first: 1, where: { creator: $creator, status: ACCEPTED, endsAt_gt: $now }) { ${SESSION_FIELDS} }
  ${META}
}`);
