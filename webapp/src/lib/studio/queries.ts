// Index reads for the studio, run from the browser (the index answers the webapp's origin).
import { graphql } from "$lib/graph/client";
import type { BigIntString, Hex, Meta, TierRow, TipRow } from "$lib/graph/types";

export interface StudioOverview {
  readonly creator: {
    readonly followerCount: number;
    readonly tipCount: BigIntString;
    readonly tipVolume: BigIntString;
    readonly totalEarned: BigIntString;
    readonly totalClaimed: BigIntString;
    readonly totalFees: BigIntString;
    readonly blockedCount: number;
    readonly tiers: readonly TierRow[];
  } | null;
  readonly subscribers: readonly { readonly id: Hex }[];
  readonly _meta: Meta;
}

export const StudioOverviewQuery = graphql<StudioOverview, { id: string; creator: string; now: string }>(`
  query StudioOverview($id: ID!, $creator: String!, $now: BigInt!) {
    creator(id: $id) {
      followerCount
      tipCount
      tipVolume
      totalEarned
      totalClaimed
      totalFees
      blockedCount
      tiers(first: 100, orderBy: rank, orderDirection: asc) {
        id
        tierId
        pricePer30Days
        rank
        trialDays
        metadataURI
        active
      }
    }
    subscribers: fanSubscriptions(first: 1000, where: { creator: $creator, expiresAt_gt: $now }) {
      id
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

export interface BlockedFans {
  readonly creatorFans: readonly { readonly fan: { readonly id: Hex }; readonly blockedAt: BigIntString | null }[];
  readonly _meta: Meta;
}

export const BlockedFansQuery = graphql<BlockedFans, { creator: string }>(`
  query BlockedFans($creator: String!) {
    creatorFans(first: 500, where: { creator: $creator, blocked: true }, orderBy: blockedAt, orderDirection: desc) {
      fan {
        id
      }
      blockedAt
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

export interface DayRow {
  readonly date: number;
  readonly tipVolume: BigIntString;
  readonly ticketVolume: BigIntString;
  readonly subscriptionVolume: BigIntString;
  readonly oneToOneVolume: BigIntString;
  readonly fees: BigIntString;
  readonly earned: BigIntString;
  readonly claimed: BigIntString;
}

export interface HeldCredit {
  readonly id: Hex;
  readonly amount: BigIntString;
  readonly clearsAt: BigIntString;
  readonly creditedAt: BigIntString;
}

export interface StudioEarnings {
  readonly creator: {
    readonly totalEarned: BigIntString;
    readonly totalClaimed: BigIntString;
    readonly totalFees: BigIntString;
  } | null;
  readonly days: readonly DayRow[];
  readonly held: readonly HeldCredit[];
  readonly claims: readonly {
    readonly id: Hex;
    readonly to: Hex;
    readonly amount: BigIntString;
    readonly timestamp: BigIntString;
    readonly transactionHash: Hex;
  }[];
  readonly _meta: Meta;
}

export const StudioEarningsQuery = graphql<StudioEarnings, { id: string; creator: string; since: number }>(`
  query StudioEarnings($id: ID!, $creator: String!, $since: Int!) {
    creator(id: $id) {
      totalEarned
      totalClaimed
      totalFees
    }
    days: creatorDayDatas(
      first: 90
      where: { creator: $creator, date_gte: $since }
      orderBy: date
      orderDirection: asc
    ) {
      date
      tipVolume
      ticketVolume
      subscriptionVolume
      oneToOneVolume
      fees
      earned
      claimed
    }
    held: relayerCredits(
      first: 200
      where: { creator: $creator, status: HELD }
      orderBy: clearsAt
      orderDirection: asc
    ) {
      id
      amount
      clearsAt
      creditedAt
    }
    claims(first: 10, where: { creator: $creator }, orderBy: timestamp, orderDirection: desc) {
      id
      to
      amount
      timestamp
      transactionHash
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

export type { TierRow, TipRow };
