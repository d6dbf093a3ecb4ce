// Who is in the messenger group a stream was switched from (group → live). The message hub is the authority and
// pushes: the gate holds one server-sent-events feed open on the hub's internal route (a service token derived from
// the shared secret), whose first event is a full snapshot of every group-linked stream and its members, and which
// sends the full snapshot again whenever a linked group's members or the links change, with a heartbeat in between.
// A decision reads memory and stays in microseconds; a removed member is gone from the snapshot as soon as the hub
// has removed them, and `onChange` makes the removal watcher cut their video at once. No polling.
// A dropped or silent feed (no snapshot or heartbeat for `staleAfterMs`) is reopened with a short backoff, and the
// new feed's first snapshot resyncs whatever changed meanwhile. Until then the links stay known but their membership
// is marked unknown once the last sign of life is older than `staleAfterMs`: the decision refuses with
// `group_unavailable` rather than admit anyone on old data.
import { serviceToken } from "@mesi/auth";
import type { Address } from "viem";

import type { GroupLink } from "../gate/decideAccess.ts";
import type { Logger } from "../index/indexCache.ts";
import { readSse } from "../sseReader.ts";

/** The purpose the hub checks the token for (messaging's GROUP_STREAMS_PURPOSE). */
export const GROUP_STREAMS_PURPOSE = "group-streams";
/** The hub's feed of group-linked streams (messaging's startMessageHub). */
export const GROUP_STREAMS_FEED = "/internal/v1/group-streams/events";

export interface GroupMembershipOptions {
  /** The hub's base URL. */
  readonly hubUrl: string;
  /** The secret shared with the hub (the session secret). */
  readonly secret: string;
  readonly logger: Logger;
  /** Without a snapshot or heartbeat for this long, membership is unknown and the feed is reopened. Default 5000. */
  readonly staleAfterMs?: number;
  /** First delay before reopening a dropped feed, doubled per failure up to 2 s. Default 100 ms. */
  readonly retryMs?: number;
  readonly now?: () => number;
}

interface Linked {
  readonly conversationId: string;
  readonly linkedBy: string;
  readonly members: ReadonlySet<string>;
}

interface Snapshot {
  readonly links: readonly {
    readonly streamId: string;
    readonly conversationId: string;
    readonly linkedBy: string;
    readonly members: readonly string[];
  }[];
}

export class GroupMembership {
  readonly #options: GroupMembershipOptions;
  #links = new Map<string, Linked>();
  /** Last snapshot or heartbeat on a feed that has delivered its snapshot. */
  #okAt: number | null = null;
  #feed: AbortController | undefined;
  #stopped = false;
  #failing = false;
  #opened = 0;
  #synced: (() => void) | undefined;
  /** Called after each snapshot that changed something, so watchers re-decide at once. */
  onChange: (() => void) | undefined;

  constructor(options: GroupMembershipOptions) {
    this.#options = options;
  }

  /**
   * Opens the feed; resolves once its first snapshot arrived, or after `staleAfterMs` when the hub is not there
   * (the feed keeps trying). Never throws.
   */
  async start(): Promise<void> {
    const synced = new Promise<void>((resolve) => (this.#synced = resolve));
    void this.#follow();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([synced, new Promise((resolve) => (timer = setTimeout(resolve, this.#staleAfterMs)))]);
    clearTimeout(timer);
  }

  stop(): void {
    this.#stopped = true;
    this.#feed?.abort();
  }

  /** How many times the feed was opened (1 while the first one lasts; each reconnect adds one). */
  get feedsOpened(): number {
    return this.#opened;
  }

  /**
   * The group linked to `streamId`, honoured only when the admin who linked it is the stream's creator; with
   * whether the snapshot is fresh enough to tell members apart.
   */
  linkOf(streamId: bigint, creator: Address): GroupLink | null {
    const link = this.#links.get(streamId.toString());
    if (link === undefined || link.linkedBy !== creator.toLowerCase()) return null;
    return { conversationId: link.conversationId, membershipKnown: this.fresh };
  }

  /** Whether `viewer` is a member of the group linked to `streamId` in the last snapshot. */
  isMember(streamId: bigint, viewer: Address | null): boolean {
    if (viewer === null) return false;
    return this.#links.get(streamId.toString())?.members.has(viewer.toLowerCase()) ?? false;
  }

  /** Whether the hub's last snapshot or heartbeat is recent enough to decide on. */
  get fresh(): boolean {
    return this.#okAt !== null && this.#now() - this.#okAt <= this.#staleAfterMs;
  }

  get #staleAfterMs(): number {
    return this.#options.staleAfterMs ?? 5000;
  }

  /** Keeps a feed open until {@link stop}: reopens a dropped or silent one with a growing delay. */
  async #follow(): Promise<void> {
    const { logger, hubUrl } = this.#options;
    const firstRetryMs = this.#options.retryMs ?? 100;
    let retryMs = firstRetryMs;
    while (!this.#stopped) {
      try {
        await this.#readFeed(() => {
          if (this.#failing) logger.info({ hubUrl }, "group membership: the hub's feed is back (resynced)");
          this.#failing = false;
          retryMs = firstRetryMs;
        });
        if (!this.#stopped) throw new Error("the hub ended the feed");
      } catch (error) {
        if (this.#stopped) return;
        if (!this.#failing) {
          logger.warn({ hubUrl, error: (error as Error).message }, "group membership: the hub's feed dropped");
        }
        this.#failing = true;
      }
      await new Promise((resolve) => setTimeout(resolve, retryMs).unref());
      retryMs = Math.min(2 * retryMs, 2000);
    }
  }

  /** One feed, until it ends, fails or stays silent for `staleAfterMs`; `onSnapshot` after each applied snapshot. */
  async #readFeed(onSnapshot: () => void): Promise<void> {
    const { hubUrl, secret } = this.#options;
    const feed = new AbortController();
    this.#feed = feed;
    let watchdog: NodeJS.Timeout | undefined;
    const silent = () => {
      clearTimeout(watchdog);
      watchdog = setTimeout(
        () => feed.abort(new Error(`no word from the hub for ${this.#staleAfterMs} ms`)),
        this.#staleAfterMs,
      );
      watchdog.unref();
    };
    silent();
    this.#opened += 1;
    let synced = false;
    try {
      // The hub beats three times per stale period, so one lost beat never marks membership unknown.
      const heartbeatMs = Math.max(100, Math.floor(this.#staleAfterMs / 3));
      const response = await fetch(`${hubUrl}${GROUP_STREAMS_FEED}?heartbeatMs=${heartbeatMs}`, {
        headers: {
          authorization: `Bearer ${serviceToken(secret, GROUP_STREAMS_PURPOSE)}`,
          accept: "text/event-stream",
        },
        signal: feed.signal,
      });
      if (!response.ok || response.body === null) throw new Error(`hub answered ${response.status}`);
      for await (const block of readSse(response.body)) {
        silent();
        if (block.event === "snapshot") {
          this.#apply(JSON.parse(block.data) as Snapshot);
          synced = true;
          onSnapshot();
        }
        // A heartbeat (or any event) on a synced feed: the snapshot still holds.
        if (synced) this.#okAt = this.#now();
      }
    } finally {
      clearTimeout(watchdog);
      feed.abort();
    }
  }

  #apply(snapshot: Snapshot): void {
    const next = new Map<string, Linked>();
    for (const link of snapshot.links) {
      next.set(link.streamId, {
        conversationId: link.conversationId,
        linkedBy: link.linkedBy.toLowerCase(),
        members: new Set(link.members.map((m) => m.toLowerCase())),
      });
    }
    const changed = !sameLinks(this.#links, next);
    this.#links = next;
    this.#okAt = this.#now();
    this.#synced?.();
    if (changed) this.onChange?.();
  }

  #now(): number {
    return this.#options.now?.() ?? Date.now();
  }
}

function sameLinks(a: ReadonlyMap<string, Linked>, b: ReadonlyMap<string, Linked>): boolean {
  if (a.size !== b.size) return false;
  for (const [id, link] of a) {
    const other = b.get(id);
    if (other === undefined || other.conversationId !== link.conversationId || other.linkedBy !== link.linkedBy)
      return false;
    if (other.members.size !== link.members.size) return false;
    for (const member of link.members) if (!other.members.has(member)) return false;
  }
  return true;
}
