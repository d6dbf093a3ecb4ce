// The index reads of the watch pages (typed GraphQL documents; values only as variables).
import { graphql } from "$lib/graph/client";
import { META, STREAM_FIELDS } from "$lib/graph/queries";
import type { Meta, StreamRow, TierRow } from "$lib/graph/types";

export const LiveCreatorsQuery = graphql<
  { creators: { id: string; profileURI: string | null }[]; _meta: Meta },
  { ids: string[] }
>(`
  query LiveCreators($ids: [Bytes!]!) {
    creators(first: 1000, where: { id_in: $ids }) {
      id
      profileURI
    }
    ${META}
  }
`);

export interface WatchStreamRow extends StreamRow {
  readonly createdAt: string;
  readonly creator: {
    readonly id: string;
    readonly profileURI: string | null;
    readonly followerCount: number;
    readonly oneToOneEnabled: boolean;
    readonly oneToOneMinAmount: string;
    readonly oneToOneMinMinutes: number;
    readonly oneToOneMaxMinutes: number;
    readonly tiers: readonly TierRow[];
  };
}

export const WatchStreamQuery = graphql<
  { stream: WatchStreamRow | null; vault: { feeBps: string } | null; _meta: Meta },
  { id: string; vault: string }
>(`
  query WatchStream($id: ID!, $vault: ID!) {
    stream(id: $id) {
      ${STREAM_FIELDS}
      createdAt
      creator {
        id
        profileURI
        followerCount
        oneToOneEnabled
        oneToOneMinAmount
        oneToOneMinMinutes
        oneToOneMaxMinutes
        tiers(first: 20, orderBy: rank, orderDirection: asc) {
          id
          tierId
          pricePer30Days
          rank
          trialDays
          metadataURI
          active
        }
      }
    }
    vault(id: $vault) {
      feeBps
    }
    ${META}
  }
`);

/** A tip given on a stream (channel STREAM, reference = the stream id as bytes32). */
export interface StreamTipRow {
  readonly id: string;
  readonly fan: { readonly id: string };
  readonly amount: string;
  readonly memoHash: string | null;
  readonly timestamp: string;
}

export const StreamTipsQuery = graphql<{ tips: StreamTipRow[] }, { creator: string; ref: string; since: string }>(`
  query StreamTips($creator: String!, $ref: Bytes!, $since: BigInt!) {
    tips(
      first: 20
      where: { creator: $creator, channel: STREAM, channelRef: $ref, timestamp_gte: $since }
      orderBy: timestamp
      orderDirection: desc
    ) {
      id
      fan {
        id
      }
      amount
      memoHash
      timestamp
    }
  }
`);
