// A fan's standing with a creator, read from the indexer (The Graph's query dialect): follows, live subscription
// rank, tipped total and the on-chain block. Drives the creator's incoming-message rule and the on-chain half of a
// block. Answers are cached for `cacheMs` so a chat does not query the index per message.
import type { Address } from "viem";

import type { IncomingRule } from "../model.ts";

export interface FanStanding {
  readonly following: boolean;
  readonly tippedTotal: bigint;
  /** Rank of a subscription that has not expired at the index's latest block; 0 when none. */
  readonly subscriptionRank: number;
  readonly blockedOnChain: boolean;
}

export class IndexerUnavailableError extends Error {
  override readonly name = "IndexerUnavailableError";
}

const QUERY = `query MessagingStanding($pair: ID!) {
  creatorFan(id: $pair) { following tippedTotal blocked }
  fanSubscription(id: $pair) { rank expiresAt }
  _meta { block { timestamp } }
}`;

interface StandingResponse {
  data?: {
    creatorFan: { following: boolean; tippedTotal: string; blocked: boolean } | null;
    fanSubscription: { rank: number; expiresAt: string } | null;
    _meta: { block: { timestamp: number | null } };
  };
  errors?: { message: string }[];
}

export class FanStandingReader {
  readonly #url: string;
  readonly #cacheMs: number;
  readonly #now: () => number;
  readonly #cache = new Map<string, { at: number; standing: FanStanding }>();

  constructor(options: { indexerUrl: string; cacheMs: number; now?: () => number }) {
    this.#url = options.indexerUrl;
    this.#cacheMs = options.cacheMs;
    this.#now = options.now ?? Date.now;
  }

  async read(creator: Address, fan: Address): Promise<FanStanding> {
    // CreatorFan and FanSubscription ids are the creator's address followed by the fan's (40 bytes).
    const pair = `0x${creator.slice(2)}${fan.slice(2)}`.toLowerCase();
    const cached = this.#cache.get(pair);
    if (cached !== undefined && this.#now() - cached.at < this.#cacheMs) return cached.standing;
    let body: StandingResponse;
    try {
      const response = await fetch(this.#url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: QUERY, variables: { pair } }),
        signal: AbortSignal.timeout(3_000),
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      body = (await response.json()) as StandingResponse;
    } catch (error) {
      throw new IndexerUnavailableError(`indexer ${this.#url} did not answer: ${(error as Error).message}`);
    }
    if (body.errors?.length || body.data === undefined) {
      throw new IndexerUnavailableError(`indexer query failed: ${body.errors?.map((e) => e.message).join("; ")}`);
    }
    const { creatorFan, fanSubscription, _meta } = body.data;
    const indexTime = BigInt(_meta.block.timestamp ?? 0);
    const standing: FanStanding = {
      following: creatorFan?.following ?? false,
      tippedTotal: BigInt(creatorFan?.tippedTotal ?? "0"),
      subscriptionRank:
        fanSubscription !== null && BigInt(fanSubscription.expiresAt) > indexTime ? fanSubscription.rank : 0,
      blockedOnChain: creatorFan?.blocked ?? false,
    };
    this.#cache.set(pair, { at: this.#now(), standing });
    return standing;
  }
}

/** Whether a fan with this standing passes the rule: any condition that is set and holds lets them through. */
export function passesRule(rule: IncomingRule, standing: FanStanding): boolean {
  if (rule.followers === true && standing.following) return true;
  if (rule.minTierRank !== undefined && standing.subscriptionRank >= rule.minTierRank) return true;
  if (rule.minTipped !== undefined && standing.tippedTotal >= rule.minTipped) return true;
  return false;
}
