// The gate's view of the chain: every fact the access decision reads, held in
// memory and fed from the indexer's GraphQL endpoint (The Graph's dialect). It
// loads everything once, then polls `_meta.block` and, when the index moved,
// refetches only the entities written since (`_change_block`), so a change
// on-chain reaches the gate one poll after the indexer has the block, and a
// decision never waits on the chain or the index. A reorg (the head going back
// or changing hash) reloads everything.
import { EventEmitter } from "node:events";

import { getAddress, type Address } from "viem";

import type { CheckedInvite, OneToOneCall, StreamAccessState, ViewerFacts } from "../gate/decideAccess.ts";

/** A pino-compatible logger (only these methods are used). */
export interface Logger {
  info(object: object, message?: string): void;
  warn(object: object, message?: string): void;
  error(object: object, message?: string): void;
  debug?(object: object, message?: string): void;
}

/** The index could not be read; the cache keeps its last state and retries. Retryable. */
export class IndexUnavailableError extends Error {
  override readonly name = "IndexUnavailableError";
  readonly retryable = true;
}

export interface StreamInfo extends StreamAccessState {
  readonly metadataURI: string;
  readonly createdAt: number;
}

export interface CacheFreshness {
  /** The indexed block the cache reflects (null before the first load). */
  readonly block: number | null;
  readonly blockTimestamp: number | null;
  /** Milliseconds since the cache last heard from the index. */
  readonly ageMs: number | null;
  /** The last error talking to the index, while it lasts. */
  readonly error: string | null;
}

export interface IndexCacheOptions {
  /** The subgraph's GraphQL URL, e.g. http://127.0.0.1:<port>/subgraphs/name/mesi. */
  readonly url: string;
  readonly logger: Logger;
  /** How often to look at `_meta.block`, in ms. Default 200. */
  readonly pollIntervalMs?: number;
  /** Wall clock in ms. Default Date.now. */
  readonly clock?: () => number;
  readonly fetch?: typeof fetch;
  /**
   * The chain's hash of block `n` (null if unknown). When the index moves past the block the cache reflects, the
   * cache checks that block is still on the chain; if not (a reorg took it back), it reloads everything, so state
   * from a forgotten block never admits anyone. One call per new indexed block, never per decision.
   */
  readonly blockHashAt?: (n: number) => Promise<string | null>;
  /** Reload everything this often anyway (a safety net for reorgs without `blockHashAt`). Default 60 s. */
  readonly fullReloadMs?: number;
}

const PAGE = 1000;
const lower = (a: string): string => a.toLowerCase();
const pairKey = (creator: string, fan: string): string => `${lower(creator)}:${lower(fan)}`;

interface PairRow {
  following: boolean;
  blocked: boolean;
  tippedTotal: bigint;
}

type Row = Record<string, unknown> & { id: string };

const QUERIES = {
  streams: `streams(first: ${PAGE}, orderBy: id, where: $where) { id streamId creator { id } metadataURI live isPrivate followers minTierRank minTipped inviteSigner kyfLevel ticketOnly createdAt }`,
  creatorFans: `creatorFans(first: ${PAGE}, orderBy: id, where: $where) { id creator { id } fan { id } following blocked tippedTotal }`,
  fanSubscriptions: `fanSubscriptions(first: ${PAGE}, orderBy: id, where: $where) { id creator { id } fan { id } rank expiresAt }`,
  ticketHoldings: `ticketHoldings(first: ${PAGE}, orderBy: id, where: $where) { id stream { id } holder { id } balance }`,
  kyfAttestations: `kyfAttestations(first: ${PAGE}, orderBy: id, where: $where) { id level expiresAt revoked }`,
  oneToOneSessions: `oneToOneSessions(first: ${PAGE}, orderBy: id, where: $where) { id sessionId fan { id } creator { id } status startedAt endsAt }`,
} as const;
type Collection = keyof typeof QUERIES;
const FILTER_TYPE: Record<Collection, string> = {
  streams: "Stream_filter",
  creatorFans: "CreatorFan_filter",
  fanSubscriptions: "FanSubscription_filter",
  ticketHoldings: "TicketHolding_filter",
  kyfAttestations: "KyfAttestation_filter",
  oneToOneSessions: "OneToOneSession_filter",
};

/**
 * Emits `"changed"` with the ids (decimal strings) of streams whose access may have changed and `"reloaded"` after
 * a full load (every stream may have changed).
 */
export class IndexCache extends EventEmitter {
  readonly #options: IndexCacheOptions;
  readonly #clock: () => number;
  readonly #fetch: typeof fetch;
  #streams = new Map<string, StreamInfo>();
  #pairs = new Map<string, PairRow>();
  #subs = new Map<string, { rank: number; expiresAt: number }>();
  #holdings = new Map<string, bigint>();
  #kyf = new Map<string, { level: number; expiresAt: number; revoked: boolean }>();
  #calls = new Map<string, OneToOneCall & { creator: Address }>();
  #block: { number: number; hash: string; timestamp: number } | null = null;
  #chainOffsetMs = 0;
  #lastHeardAt: number | null = null;
  #loadedAt = 0;
  #error: string | null = null;
  #controller = new AbortController();
  #loop: Promise<void> | undefined;

  constructor(options: IndexCacheOptions) {
    super();
    this.#options = options;
    this.#clock = options.clock ?? Date.now;
    this.#fetch = options.fetch ?? fetch;
  }

  /** Loads everything once (throws {@link IndexUnavailableError} if the index cannot be read), then keeps polling. */
  async start(): Promise<void> {
    await this.#fullLoad();
    const interval = this.#options.pollIntervalMs ?? 200;
    this.#loop = (async () => {
      const signal = this.#controller.signal;
      while (!signal.aborted) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, interval);
          signal.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
        });
        if (signal.aborted) break;
        try {
          await this.refresh();
        } catch (error) {
          const message = (error as Error).message;
          if (this.#error !== message)
            this.#options.logger.warn({ error: message }, "index unreachable; deciding from the cache");
          this.#error = message;
        }
      }
    })();
  }

  async stop(): Promise<void> {
    this.#controller.abort();
    await this.#loop;
  }

  /** Chain time in unix seconds: the latest indexed block's timestamp advanced by the wall clock since. */
  now(): number {
    return Math.floor((this.#clock() + this.#chainOffsetMs) / 1000);
  }

  /** The accepted one-to-one session `sessionId`, if it is its creator's current call (ended ones included). */
  call(sessionId: bigint): (OneToOneCall & { readonly creator: Address }) | undefined {
    for (const call of this.#calls.values()) if (call.sessionId === sessionId) return call;
    return undefined;
  }

  freshness(): CacheFreshness {
    return {
      block: this.#block?.number ?? null,
      blockTimestamp: this.#block?.timestamp ?? null,
      ageMs: this.#lastHeardAt === null ? null : this.#clock() - this.#lastHeardAt,
      error: this.#error,
    };
  }

  get loaded(): boolean {
    return this.#block !== null;
  }

  stream(streamId: bigint): StreamInfo | undefined {
    return this.#streams.get(streamId.toString());
  }

  streams(): StreamInfo[] {
    return [...this.#streams.values()];
  }

  /** What the index says about `viewer` on `stream` (invite supplied by the caller, already checked). */
  viewerFacts(stream: StreamAccessState, viewer: Address | null, invite: CheckedInvite | null = null): ViewerFacts {
    if (viewer === null) {
      return {
        address: null,
        blocked: false,
        following: false,
        tippedTotal: 0n,
        subscription: null,
        ticketBalance: 0n,
        kyf: null,
        invite,
        groupMember: false,
      };
    }
    const pair = this.#pairs.get(pairKey(stream.creator, viewer));
    return {
      address: viewer,
      blocked: pair?.blocked ?? false,
      following: pair?.following ?? false,
      tippedTotal: pair?.tippedTotal ?? 0n,
      subscription: this.#subs.get(pairKey(stream.creator, viewer)) ?? null,
      ticketBalance: this.#holdings.get(`${stream.streamId}:${lower(viewer)}`) ?? 0n,
      kyf: this.#kyf.get(lower(viewer)) ?? null,
      invite,
      groupMember: false,
    };
  }

  /** Polls `_meta` once and applies what changed. Throws {@link IndexUnavailableError}. */
  async refresh(): Promise<void> {
    const meta = await this.#meta();
    const known = this.#block;
    if (known === null || meta.number < known.number) {
      await this.#fullLoad();
      return;
    }
    if (meta.number === known.number) {
      if (meta.hash !== known.hash) await this.#fullLoad();
      else this.#heard(meta);
      return;
    }
    if (this.#clock() - this.#loadedAt > (this.#options.fullReloadMs ?? 60_000)) {
      await this.#fullLoad();
      return;
    }
    if (this.#options.blockHashAt !== undefined) {
      let hash: string | null;
      try {
        hash = await this.#options.blockHashAt(known.number);
      } catch (error) {
        throw new IndexUnavailableError(`chain unreachable for the reorg check: ${(error as Error).message}`);
      }
      if (hash !== null && hash.toLowerCase() !== known.hash.toLowerCase()) {
        this.#options.logger.warn({ block: known.number }, "reorg: the cache's block left the chain; reloading");
        await this.#fullLoad();
        return;
      }
    }
    const changed = new Set<string>();
    const from = known.number + 1;
    for (const collection of Object.keys(QUERIES) as Collection[]) {
      const rows = await this.#fetchAll(collection, { _change_block: { number_gte: from } });
      for (const row of rows) this.#apply(collection, row, changed);
    }
    this.#heard(meta);
    if (changed.size > 0) {
      this.#options.logger.debug?.({ block: meta.number, streams: [...changed] }, "index changed");
      this.emit("changed", changed);
    }
  }

  #heard(meta: { number: number; hash: string; timestamp: number }): void {
    if (this.#block?.number !== meta.number) this.#chainOffsetMs = meta.timestamp * 1000 - this.#clock();
    this.#block = meta;
    this.#lastHeardAt = this.#clock();
    if (this.#error !== null) this.#options.logger.info({ block: meta.number }, "index reachable again");
    this.#error = null;
  }

  async #fullLoad(): Promise<void> {
    const meta = await this.#meta();
    const fresh = new IndexCache(this.#options);
    for (const collection of Object.keys(QUERIES) as Collection[]) {
      const rows = await this.#fetchAll(collection, { _change_block: { number_gte: 0 } });
      for (const row of rows) fresh.#apply(collection, row, new Set());
    }
    this.#streams = fresh.#streams;
    this.#pairs = fresh.#pairs;
    this.#subs = fresh.#subs;
    this.#holdings = fresh.#holdings;
    this.#kyf = fresh.#kyf;
    this.#calls = fresh.#calls;
    this.#rebuildCalls();
    this.#heard(meta);
    this.#loadedAt = this.#clock();
    this.#options.logger.info(
      { block: meta.number, streams: this.#streams.size, pairs: this.#pairs.size },
      "index cache loaded",
    );
    this.emit("reloaded");
  }

  /** A stream's `oneToOne` is its creator's accepted call: recomputed whenever streams or calls change. */
  #rebuildCalls(changed?: Set<string>): void {
    for (const [id, stream] of this.#streams) {
      const call = this.#calls.get(lower(stream.creator)) ?? null;
      const { creator: _creator, ...oneToOne } = call ?? { creator: null };
      const next = call === null ? null : (oneToOne as OneToOneCall);
      if (stream.oneToOne?.sessionId !== next?.sessionId || stream.oneToOne?.endsAt !== next?.endsAt) {
        this.#streams.set(id, { ...stream, oneToOne: next });
        changed?.add(id);
      }
    }
  }

  #apply(collection: Collection, row: Row, changed: Set<string>): void {
    const id = (x: unknown) => (x as { id: string }).id;
    switch (collection) {
      case "streams": {
        const streamId = String(row.streamId);
        const creator = getAddress(id(row.creator));
        const call = this.#calls.get(lower(creator));
        this.#streams.set(streamId, {
          streamId: BigInt(streamId),
          creator,
          live: row.live as boolean,
          metadataURI: row.metadataURI as string,
          createdAt: Number(row.createdAt),
          ticketOnly: row.ticketOnly as boolean,
          rules: {
            isPrivate: row.isPrivate as boolean,
            followers: row.followers as boolean,
            minTierRank: row.minTierRank as number,
            minTipped: BigInt(row.minTipped as string),
            inviteSigner: getAddress(row.inviteSigner as string),
            kyfLevel: row.kyfLevel as number,
          },
          oneToOne:
            call === undefined
              ? null
              : { sessionId: call.sessionId, fan: call.fan, startedAt: call.startedAt, endsAt: call.endsAt },
        });
        changed.add(streamId);
        return;
      }
      case "creatorFans": {
        const creator = id(row.creator);
        this.#pairs.set(pairKey(creator, id(row.fan)), {
          following: row.following as boolean,
          blocked: row.blocked as boolean,
          tippedTotal: BigInt(row.tippedTotal as string),
        });
        this.#markCreator(creator, changed);
        return;
      }
      case "fanSubscriptions": {
        const creator = id(row.creator);
        this.#subs.set(pairKey(creator, id(row.fan)), { rank: row.rank as number, expiresAt: Number(row.expiresAt) });
        this.#markCreator(creator, changed);
        return;
      }
      case "ticketHoldings": {
        const streamId = id(row.stream);
        this.#holdings.set(`${streamId}:${lower(id(row.holder))}`, BigInt(row.balance as string));
        changed.add(streamId);
        return;
      }
      case "kyfAttestations": {
        this.#kyf.set(lower(row.id), {
          level: row.level as number,
          expiresAt: Number(row.expiresAt),
          revoked: row.revoked as boolean,
        });
        // A wallet's KYF matters on every stream with a KYF level.
        for (const [streamId, stream] of this.#streams) if (stream.rules.kyfLevel > 0) changed.add(streamId);
        return;
      }
      case "oneToOneSessions": {
        const creator = lower(id(row.creator));
        const current = this.#calls.get(creator);
        const sessionId = BigInt(row.sessionId as string);
        if (row.status === "ACCEPTED" && row.startedAt !== null && row.endsAt !== null) {
          if (current === undefined || current.startedAt <= Number(row.startedAt)) {
            this.#calls.set(creator, {
              creator: getAddress(creator),
              sessionId,
              fan: getAddress(id(row.fan)),
              startedAt: Number(row.startedAt),
              endsAt: Number(row.endsAt),
            });
          }
        } else if (current?.sessionId === sessionId) {
          this.#calls.delete(creator);
        }
        this.#rebuildCalls(changed);
        return;
      }
    }
  }

  #markCreator(creator: string, changed: Set<string>): void {
    for (const [streamId, stream] of this.#streams) if (lower(stream.creator) === lower(creator)) changed.add(streamId);
  }

  async #meta(): Promise<{ number: number; hash: string; timestamp: number }> {
    const data = await this.#query<{ _meta: { block: { number: number; hash: string; timestamp: number | null } } }>(
      "{ _meta { block { number hash timestamp } } }",
      {},
    );
    const block = data._meta.block;
    return { number: block.number, hash: block.hash, timestamp: Number(block.timestamp ?? 0) };
  }

  async #fetchAll(collection: Collection, where: Record<string, unknown>): Promise<Row[]> {
    const rows: Row[] = [];
    let after: string | null = null;
    for (;;) {
      const filter: Record<string, unknown> = after === null ? where : { ...where, id_gt: after };
      const query = `query ($where: ${FILTER_TYPE[collection]}) { ${QUERIES[collection]} }`;
      const data: Record<string, Row[]> = await this.#query<Record<string, Row[]>>(query, { where: filter });
      const page: Row[] = data[collection] ?? [];
      rows.push(...page);
      if (page.length < PAGE) return rows;
      after = page[page.length - 1]!.id;
    }
  }

  async #query<T>(query: string, variables: Record<string, unknown>): Promise<T> {
    let response: Response;
    try {
      response = await this.#fetch(this.#options.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(5000),
      });
    } catch (error) {
      throw new IndexUnavailableError(`index at ${this.#options.url} unreachable: ${(error as Error).message}`);
    }
    const body = (await response.json().catch(() => null)) as { data?: T; errors?: { message: string }[] } | null;
    if (!response.ok || body === null || body.errors !== undefined || body.data === undefined) {
      const detail = body?.errors?.map((e) => e.message).join("; ") ?? `HTTP ${response.status}`;
      throw new IndexUnavailableError(`index query failed: ${detail}`);
    }
    return body.data;
  }
}
