// The creator's one-to-one desk, from the index: their settings as indexed, open sessions (requests, the running
// call, sessions waiting for release or a moderator) and the latest closed ones, with the indexed block's time.
import { graphql } from "$lib/graph/client";
import type { BigIntString, Hex, Meta, SessionRow } from "$lib/graph/types";

const FIELDS = `id sessionId seq fan { id } creator { id } amount minutes status requestedAt expiresAt kyfDeadline startedAt endsAt disputeEndsAt closedAt`;

export interface StudioCreatorRow {
  readonly id: Hex;
  readonly registered: boolean;
  readonly oneToOneEnabled: boolean;
  readonly oneToOneMinAmount: BigIntString;
  readonly oneToOneMinMinutes: number;
  readonly oneToOneMaxMinutes: number;
}

export const CreatorDeskQuery = graphql<
  { creator: StudioCreatorRow | null; open: SessionRow[]; recent: SessionRow[]; _meta: Meta },
  { id: string; creator: string }
>(`query CreatorDesk($id: ID!, $creator: String!) {
  creator(id: $id) { id registered oneToOneEnabled oneToOneMinAmount oneToOneMinMinutes oneToOneMaxMinutes }
  open: oneToOneSessions(first: 200, where: { creator: $creator, status_in: [REQUESTED, ACCEPTED, DISPUTED] }, orderBy: requestedAt, orderDirection: asc) { ${FIELDS} }
  recent: oneToOneSessions(first: 10, where: { creator: $creator, status_in: [RELEASED, RESOLVED, DECLINED, CANCELLED, EXPIRED, KYF_EXPIRED] }, orderBy: closedAt, orderDirection: desc) { ${FIELDS} }
  _meta { block { number timestamp } hasIndexingErrors }
}`);
