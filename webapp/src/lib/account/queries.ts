// Index reads for a fan's relationship with one creator (follow, membership) and an account's received tips.
import { graphql } from "$lib/graph/client";
import type { BigIntString, Meta } from "$lib/graph/types";

export interface Relationship {
  readonly following: { readonly following: boolean }[];
  readonly subscriptions: {
    readonly rank: number;
    readonly expiresAt: BigIntString;
    readonly tier: { readonly tierId: BigIntString };
  }[];
  readonly _meta: Meta;
}

export const RelationshipQuery = graphql<Relationship, { creator: string; fan: string }>(`
  query Relationship($creator: String!, $fan: String!) {
    following: creatorFans(first: 1, where: { creator: $creator, fan: $fan }) {
      following
    }
    subscriptions: fanSubscriptions(first: 1, where: { creator: $creator, fan: $fan }) {
      rank
      expiresAt
      tier {
        tierId
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

export interface AccountIndex {
  readonly creator: {
    readonly registered: boolean;
    readonly totalEarned: BigIntString;
    readonly totalClaimed: BigIntString;
    readonly tipCount: BigIntString;
  } | null;
}

export const AccountIndexQuery = graphql<AccountIndex, { id: string }>(`
  query AccountIndex($id: ID!) {
    creator(id: $id) {
      registered
      totalEarned
      totalClaimed
      tipCount
    }
  }
`);
