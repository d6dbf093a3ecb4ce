// Who is in the messenger group a stream was switched from (group → live). The message hub is the authority; the
// gate keeps a snapshot of every group-linked stream's members, polled over the hub's internal route with a
// service token, so a decision reads memory and stays in microseconds. A member removed in the hub is gone from
// the snapshot at the next poll (1 s by default) and the removal watcher cuts their video on its next tick.
// When polls fail for `staleAfterMs`, the links stay known but their membership is marked unknown: the decision
// then refuses with `group_unavailable` rather than admit anyone on old data.
import { serviceToken } from "@mesi/auth";
import type { Address } from "viem";

import type { Logger } from "../index/indexCache.ts";
import type { GroupLink } from "../gate/decideAccess.ts";

/** The purpose the hub checks the token for (messaging's GROUP_STREAMS_PURPOSE). */
export const GROUP_STREAMS_PURPOSE = "group-streams";

export interface GroupMembershipOptions {
  /** The hub's base URL. */
  readonly hubUrl: string;
  /** The secret shared with the hub (the session secret). */
  readonly secret: string;
  readonly logger: Logger;
  readonly pollMs?: number;
  readonly staleAfterMs?: number;
  /** Per request. */
  readonly timeoutMs?: number;
  readonly now?: () => number;
}

interface Linked {
  readonly conversationId: string;
  readonly linkedBy: string;
  readonly members: ReadonlySet<string>;
}

export class GroupMembership {
  readonly #options: GroupMembershipOptions;
  #links = new Map<string, Linked>();
  #okAt: number | null = null;
  #timer: NodeJS.Timeout | undefined;
  #failing = false;
  /** Called after each snapshot that changed something, so watchers re-decide at once. */
  onChange: (() => void) | undefined;

  constructor(options: GroupMembershipOptions) {
    this.#options = options;
  }

  /** Polls once now, then every `pollMs` until {@link stop}. Never throws: a failed poll ages the snapshot. */
  async start(): Promise<void> {
    await this.refresh();
    const tick = () => {
      this.#timer = setTimeout(
        () => void this.refresh().finally(() => this.#timer !== undefined && tick()),
        this.#options.pollMs ?? 1000,
      );
      this.#timer.unref();
    };
    tick();
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Fetches the hub's snapshot; returns whether it succeeded. */
  async refresh(): Promise<boolean> {
    const { hubUrl, secret, logger } = this.#options;
    try {
      const response = await fetch(`${hubUrl}/internal/v1/group-streams`, {
        headers: { authorization: `Bearer ${serviceToken(secret, GROUP_STREAMS_PURPOSE)}` },
        signal: AbortSignal.timeout(this.#options.timeoutMs ?? 2000),
      });
      if (!response.ok) throw new Error(`hub answered ${response.status}`);
      const body = (await response.json()) as {
        links: { streamId: string; conversationId: string; linkedBy: string; members: string[] }[];
      };
      const next = new Map<string, Linked>();
      for (const link of body.links) {
        next.set(link.streamId, {
          conversationId: link.conversationId,
          linkedBy: link.linkedBy.toLowerCase(),
          members: new Set(link.members.map((m) => m.toLowerCase())),
        });
      }
      const changed = !sameLinks(this.#links, next);
      this.#links = next;
      this.#okAt = this.#now();
      if (this.#failing) logger.info({ hubUrl }, "group membership: the hub answers again");
      this.#failing = false;
      if (changed) this.onChange?.();
      return true;
    } catch (error) {
      if (!this.#failing) logger.warn({ hubUrl, error: (error as Error).message }, "group membership: hub unreachable");
      this.#failing = true;
      return false;
    }
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

  /** Whether the last successful poll is recent enough to decide on. */
  get fresh(): boolean {
    return this.#okAt !== null && this.#now() - this.#okAt <= (this.#options.staleAfterMs ?? 5000);
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
