// What a conversation shows, computed from the raw messages a transport delivers: the visible messages in order,
// each with its reactions (added/removed folded per person), the message it replies to, and who has read it
// (read receipts). Reactions and receipts are messages too, but never bubbles of their own.
import type { Address } from "viem";

import { sameAddress, type Message } from "@mesi/messaging";

export interface ReactionCount {
  readonly emoji: string;
  readonly count: number;
  /** Whether I am one of the people who reacted this way. */
  readonly mine: boolean;
}

export interface TimelineEntry {
  readonly message: Message;
  readonly mine: boolean;
  /** The quoted message of a reply, when it is loaded. */
  readonly replyTo?: Message;
  readonly reactions: readonly ReactionCount[];
  /** Other members whose latest read receipt came after this message. */
  readonly readBy: readonly Address[];
}

/** Orders two transport cursors (decimal sequence numbers on the hub, nanoseconds on XMTP). */
export function compareCursors(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) {
    const x = BigInt(a);
    const y = BigInt(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Both lists together, each message once (by id), oldest first: a replayed or re-fetched message never doubles. */
export function mergeMessages(existing: readonly Message[], incoming: readonly Message[]): Message[] {
  const byId = new Map<string, Message>();
  for (const message of existing) byId.set(message.id, message);
  for (const message of incoming) byId.set(message.id, message);
  return [...byId.values()].sort((a, b) => compareCursors(a.cursor, b.cursor));
}

const shown = new Set(["text", "reply", "attachment", "transactionReference"]);

/** The bubbles of a conversation, oldest first. */
export function buildTimeline(messages: readonly Message[], me: Address): TimelineEntry[] {
  const byId = new Map(messages.map((message) => [message.id, message]));
  // reference → emoji → people who currently hold that reaction
  const reactions = new Map<string, Map<string, Set<string>>>();
  // member → cursor of their newest read receipt
  const readUpTo = new Map<string, string>();
  for (const message of messages) {
    const content = message.content;
    if (content.type === "reaction") {
      const emojis = reactions.get(content.reference) ?? new Map<string, Set<string>>();
      const people = emojis.get(content.emoji) ?? new Set<string>();
      if (content.action === "added") people.add(message.sender.toLowerCase());
      else people.delete(message.sender.toLowerCase());
      emojis.set(content.emoji, people);
      reactions.set(content.reference, emojis);
    } else if (content.type === "readReceipt" && !sameAddress(message.sender, me)) {
      const previous = readUpTo.get(message.sender);
      if (previous === undefined || compareCursors(message.cursor, previous) > 0) {
        readUpTo.set(message.sender, message.cursor);
      }
    }
  }
  const meLower = me.toLowerCase();
  const entries: TimelineEntry[] = [];
  for (const message of messages) {
    if (!shown.has(message.content.type)) continue;
    const counts: ReactionCount[] = [];
    for (const [emoji, people] of reactions.get(message.id) ?? []) {
      if (people.size > 0) counts.push({ emoji, count: people.size, mine: people.has(meLower) });
    }
    const readBy: Address[] = [];
    for (const [member, cursor] of readUpTo) {
      if (!sameAddress(member as Address, message.sender) && compareCursors(cursor, message.cursor) > 0) {
        readBy.push(member as Address);
      }
    }
    const replyTo = message.content.type === "reply" ? byId.get(message.content.reference) : undefined;
    entries.push({
      message,
      mine: sameAddress(message.sender, me),
      ...(replyTo === undefined ? {} : { replyTo }),
      reactions: counts,
      readBy,
    });
  }
  return entries;
}

/** Whether I currently hold `emoji` on the message (so a click removes it). */
export function hasMyReaction(entry: TimelineEntry, emoji: string): boolean {
  return entry.reactions.some((reaction) => reaction.emoji === emoji && reaction.mine);
}
