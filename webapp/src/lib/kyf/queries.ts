// The index's record of KYF requests: which creators asked a fan, which fans a creator asked.
import { graphql } from "$lib/graph/client";

export interface KyfDisclosureRow {
  readonly id: string;
  readonly creator: { readonly id: string; readonly profileURI: string | null };
  readonly fan: { readonly id: string };
  readonly requestedAt: string;
  readonly deadline: string;
  readonly consented: boolean;
  readonly latestStep: "REQUESTED" | "CONSENTED" | "CONSENT_REVOKED";
}

const FIELDS = `id creator { id profileURI } fan { id } requestedAt deadline consented latestStep`;

export const FanKyfRequestsQuery = graphql<{ kyfDisclosures: KyfDisclosureRow[] }, { fan: string }>(
  `query FanKyfRequests($fan: String!) {
  kyfDisclosures(first: 100, where: { fan: $fan }, orderBy: requestedAt, orderDirection: desc) { ${FIELDS} }
}`,
);

export const CreatorKyfRequestsQuery = graphql<{ kyfDisclosures: KyfDisclosureRow[] }, { creator: string }>(
  `query CreatorKyfRequests($creator: String!) {
  kyfDisclosures(first: 200, where: { creator: $creator }, orderBy: requestedAt, orderDirection: desc) { ${FIELDS} }
}`,
);

/** The fan withdrew consent and has not consented again since (the latest step is a revocation). */
export function withdrawn(row: KyfDisclosureRow): boolean {
  return row.latestStep === "CONSENT_REVOKED";
}
