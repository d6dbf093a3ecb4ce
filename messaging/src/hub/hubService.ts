// The hub's rules, independent of HTTP: who may see and send what, groups and their admins, blocks, the
// creator's incoming-message rule and live delivery to connected sockets.
import type { Logger } from "pino";
import type { Address } from "viem";

import { MessengerError } from "../errors.ts";
import {
  MAX_CALL_PARTICIPANTS,
  MAX_GROUP_MEMBERS,
  type CallSignal,
  type Conversation,
  type ConversationStatus,
  type IncomingRule,
  type Message,
  type MessageContent,
} from "../model.ts";
import type { ServerEvent } from "../protocol.ts";
import { FanStandingReader, IndexerUnavailableError, passesRule } from "./fanStanding.ts";
import type { GroupStreamLink, HubStore } from "./store.ts";

/** A connected client; `send` must not throw. `serialized` is the event's JSON when the caller already has it. */
export interface Connection {
  readonly address: Address;
  send(event: ServerEvent, serialized?: string): void;
}

export interface HubServiceDeps {
  readonly store: HubStore;
  readonly logger: Logger;
  readonly standing?: FanStandingReader;
  /** Absolute URL prefix of attachment downloads, e.g. `http://127.0.0.1:1234/v1/attachments/`. */
  readonly attachmentUrlPrefix: () => string;
}

/** A group's call going on: who is in it (live only, never stored; it ends when the last one leaves). */
interface GroupCall {
  readonly callId: string;
  readonly participants: Set<Address>;
}

export class HubService {
  readonly #store: HubStore;
  readonly #logger: Logger;
  readonly #standing: FanStandingReader | undefined;
  readonly #attachmentUrlPrefix: () => string;
  readonly #connections = new Map<Address, Set<Connection>>();
  /** The stream gate's feeds of group-linked streams (see watchGroupStreams). */
  readonly #groupStreamWatchers = new Set<(links: GroupStreamLink[]) => void>();
  /** By conversation id. */
  readonly #groupCalls = new Map<string, GroupCall>();

  constructor(deps: HubServiceDeps) {
    this.#store = deps.store;
    this.#logger = deps.logger;
    this.#standing = deps.standing;
    this.#attachmentUrlPrefix = deps.attachmentUrlPrefix;
  }

  // ── connections ──────────────────────────────────────────────────────────────────────────────────

  connect(connection: Connection): () => void {
    let set = this.#connections.get(connection.address);
    if (set === undefined) this.#connections.set(connection.address, (set = new Set()));
    set.add(connection);
    return () => {
      set.delete(connection);
      if (set.size > 0) return;
      this.#connections.delete(connection.address);
      // Gone for good (no socket left): out of every group call, so the others stop waiting for them.
      for (const [conversationId, call] of this.#groupCalls) {
        if (call.participants.has(connection.address)) this.#leaveGroupCall(conversationId, connection.address);
      }
    };
  }

  /** The hub stops: its group calls end with it (the sockets closing next have nothing left to leave). */
  endCalls(): void {
    this.#groupCalls.clear();
  }

  connectionCount(): number {
    let n = 0;
    for (const set of this.#connections.values()) n += set.size;
    return n;
  }

  #emit(address: Address, event: ServerEvent, serialized?: string): void {
    for (const connection of this.#connections.get(address) ?? []) connection.send(event, serialized);
  }

  #emitConversation(conversationId: string, addresses: readonly Address[]): void {
    for (const address of addresses) {
      if (!this.#connections.has(address)) continue;
      this.#emit(address, { type: "conversation", conversation: this.#store.conversationFor(conversationId, address) });
    }
  }

  // ── reads ────────────────────────────────────────────────────────────────────────────────────────

  conversation(conversationId: string, viewer: Address): Conversation {
    return this.#store.conversationFor(conversationId, viewer);
  }

  conversations(viewer: Address, requests: boolean): Conversation[] {
    return this.#store.conversationsOf(viewer, requests ? ["request"] : ["allowed"]);
  }

  #requireMember(conversationId: string, address: Address): void {
    const member = this.#store.memberRow(conversationId, address);
    if (this.#store.kindOf(conversationId) === undefined) {
      throw new MessengerError("not_found", `no conversation ${conversationId}`);
    }
    if (member === undefined || member.active !== 1) {
      throw new MessengerError("not_member", `${address} is not a member of conversation ${conversationId}`);
    }
  }

  #requireAdmin(conversationId: string, address: Address): void {
    this.#requireMember(conversationId, address);
    if (this.#store.kindOf(conversationId) !== "group") {
      throw new MessengerError("invalid_input", "only groups have admins, members and names");
    }
    if (this.#store.memberRow(conversationId, address)?.role !== "admin") {
      throw new MessengerError("not_admin", `${address} is not an admin of group ${conversationId}`);
    }
  }

  history(conversationId: string, viewer: Address, before: number | undefined, limit: number) {
    this.#requireMember(conversationId, viewer);
    const page = this.#store.history(conversationId, viewer, before, limit);
    return {
      messages: page.messages,
      ...(page.more && page.messages.length > 0 ? { nextCursor: page.messages[0]!.cursor } : {}),
    };
  }

  messagesSince(viewer: Address, since: number, limit: number): Message[] {
    return this.#store.messagesSince(viewer, since, limit);
  }

  unreadCounts(viewer: Address): Record<string, number> {
    return this.#store.unreadCounts(viewer);
  }

  // ── incoming-message rule ────────────────────────────────────────────────────────────────────────

  /** How a direct message from `sender` lands for `recipient`: allowed, or a request. */
  async #statusFor(recipient: Address, sender: Address): Promise<ConversationStatus> {
    const consent = this.#store.consent(recipient, sender);
    if (consent === "allowed") return "allowed";
    const rule = this.#store.incomingRule(recipient);
    if (rule === null) return "allowed";
    if (this.#standing === undefined) return "request";
    try {
      return passesRule(rule, await this.#standing.read(recipient, sender)) ? "allowed" : "request";
    } catch (error) {
      if (!(error instanceof IndexerUnavailableError)) throw error;
      this.#logger.warn({ err: error, recipient, sender }, "indexer unavailable: message lands as a request");
      return "request";
    }
  }

  /** Refuses a direct message to someone who blocked the sender, in the hub or on-chain (through the index). */
  async #assertNotBlocked(conversationId: string, recipient: Address, sender: Address): Promise<void> {
    const refuse = (where: string) =>
      new MessengerError("blocked", `${recipient} blocked you${where}; you can still report this conversation`, {
        report: { conversationId, blockedBy: recipient },
      });
    if (this.#store.consent(recipient, sender) === "denied") throw refuse("");
    if (this.#standing === undefined) return;
    try {
      if ((await this.#standing.read(recipient, sender)).blockedOnChain) throw refuse(" on-chain");
    } catch (error) {
      if (!(error instanceof IndexerUnavailableError)) throw error;
      this.#logger.warn(
        { err: error },
        "indexer unavailable: on-chain block not checked (the hub's blocks still hold)",
      );
    }
  }

  // ── conversations ────────────────────────────────────────────────────────────────────────────────

  async openDirect(me: Address, peer: Address): Promise<Conversation> {
    if (peer === me) throw new MessengerError("invalid_input", "a direct conversation needs another address");
    const status = await this.#statusFor(peer, me);
    const { id, created } = this.#store.openDirect(me, peer, status);
    if (created) this.#emitConversation(id, [me, peer]);
    return this.#store.conversationFor(id, me);
  }

  createGroup(me: Address, name: string, members: readonly Address[]): Conversation {
    const unique = [...new Set([me, ...members])];
    if (unique.length > MAX_GROUP_MEMBERS) {
      throw new MessengerError(
        "group_full",
        `a group holds at most ${MAX_GROUP_MEMBERS} members, not ${unique.length}`,
      );
    }
    const id = this.#store.createGroup(me, name, unique);
    this.#emitConversation(id, unique);
    return this.#store.conversationFor(id, me);
  }

  addMembers(me: Address, conversationId: string, members: readonly Address[]): Conversation {
    this.#requireAdmin(conversationId, me);
    const current = new Set(this.#store.activeMembers(conversationId).map((m) => m.address));
    const added = [...new Set(members)].filter((m) => !current.has(m));
    if (current.size + added.length > MAX_GROUP_MEMBERS) {
      throw new MessengerError(
        "group_full",
        `a group holds at most ${MAX_GROUP_MEMBERS} members; it has ${current.size} and ${added.length} would join`,
      );
    }
    this.#store.addMembers(conversationId, added);
    this.#groupStreamsChanged(conversationId);
    this.#emitConversation(conversationId, [...current, ...added]);
    return this.#store.conversationFor(conversationId, me);
  }

  removeMembers(me: Address, conversationId: string, members: readonly Address[]): Conversation {
    this.#requireAdmin(conversationId, me);
    if (members.includes(me)) throw new MessengerError("invalid_input", "an admin leaves a group, not removes itself");
    const current = this.#store.activeMembers(conversationId).map((m) => m.address);
    const removed = [...new Set(members)].filter((m) => current.includes(m));
    this.#store.removeMembers(conversationId, removed);
    this.#groupStreamsChanged(conversationId);
    for (const address of removed) {
      this.#leaveGroupCall(conversationId, address);
      this.#emit(address, { type: "removed", conversationId });
    }
    this.#emitConversation(
      conversationId,
      current.filter((m) => !removed.includes(m)),
    );
    return this.#store.conversationFor(conversationId, me);
  }

  /**
   * Group → live: an admin links the private stream they created on-chain to the group, so the stream gate admits
   * the group's members. The hub cannot see the chain; the gate honours the link only when `me` is the stream's
   * creator, so linking someone else's stream grants nothing.
   */
  linkLiveStream(me: Address, conversationId: string, streamId: string): GroupStreamLink {
    this.#requireAdmin(conversationId, me);
    if (!/^[1-9]\d{0,76}$/.test(streamId)) {
      throw new MessengerError("invalid_input", `stream id must be a positive decimal integer, got ${streamId}`);
    }
    const link = this.#store.linkStream(streamId, conversationId, me);
    this.#groupStreamsChanged(conversationId);
    this.#logger.info({ conversationId, streamId, by: me }, "group linked to a live stream");
    return link;
  }

  /** Every group-linked stream with its members now (the stream gate's snapshot). */
  groupStreams(): GroupStreamLink[] {
    return this.#store.groupStreams();
  }

  /**
   * The stream gate's push feed: `listener` gets every group-linked stream with its members now, and the whole list
   * again whenever a linked group's members or the links change. Returns the unsubscribe.
   */
  watchGroupStreams(listener: (links: GroupStreamLink[]) => void): () => void {
    this.#groupStreamWatchers.add(listener);
    listener(this.#store.groupStreams());
    return () => this.#groupStreamWatchers.delete(listener);
  }

  #groupStreamsChanged(conversationId: string): void {
    if (this.#groupStreamWatchers.size === 0) return;
    const links = this.#store.groupStreams();
    if (!links.some((link) => link.conversationId === conversationId)) return;
    for (const listener of this.#groupStreamWatchers) {
      try {
        listener(links);
      } catch (error) {
        this.#logger.error({ err: error }, "group-streams feed listener failed");
      }
    }
  }

  rename(me: Address, conversationId: string, name: string): Conversation {
    this.#requireAdmin(conversationId, me);
    this.#store.rename(conversationId, name);
    this.#emitConversation(
      conversationId,
      this.#store.activeMembers(conversationId).map((m) => m.address),
    );
    return this.#store.conversationFor(conversationId, me);
  }

  setAdmin(me: Address, conversationId: string, member: Address, admin: boolean): Conversation {
    this.#requireAdmin(conversationId, me);
    this.#requireMember(conversationId, member);
    if (member === me && !admin) throw new MessengerError("invalid_input", "an admin cannot demote itself");
    this.#store.setRole(conversationId, member, admin ? "admin" : "member");
    this.#emitConversation(
      conversationId,
      this.#store.activeMembers(conversationId).map((m) => m.address),
    );
    return this.#store.conversationFor(conversationId, me);
  }

  acceptRequest(me: Address, conversationId: string): Conversation {
    this.#requireMember(conversationId, me);
    this.#store.setStatus(conversationId, me, "allowed");
    const peer = this.#store.conversationFor(conversationId, me).peer;
    if (peer !== undefined && peer !== me) this.#store.setConsent(me, peer, "allowed");
    this.#emitConversation(conversationId, [me]);
    return this.#store.conversationFor(conversationId, me);
  }

  ignoreRequest(me: Address, conversationId: string): void {
    this.#requireMember(conversationId, me);
    if (this.#store.memberRow(conversationId, me)?.status !== "request") {
      throw new MessengerError("invalid_input", `conversation ${conversationId} is not a request`);
    }
    this.#store.setStatus(conversationId, me, "ignored");
  }

  setConsent(me: Address, peer: Address, state: "allowed" | "denied" | "unknown"): void {
    if (peer === me) throw new MessengerError("invalid_input", "you cannot block yourself");
    this.#store.setConsent(me, peer, state);
  }

  consent(me: Address, peer: Address) {
    return this.#store.consent(me, peer);
  }

  incomingRule(me: Address): IncomingRule | null {
    return this.#store.incomingRule(me);
  }

  setIncomingRule(me: Address, rule: IncomingRule | null): void {
    this.#store.setIncomingRule(me, rule);
  }

  // ── messages ─────────────────────────────────────────────────────────────────────────────────────

  async send(me: Address, conversationId: string, content: MessageContent, clientId?: string): Promise<Message> {
    this.#requireMember(conversationId, me);
    const kind = this.#store.kindOf(conversationId);
    const targets = this.#store.deliveryTargets(conversationId);
    const peer = kind === "direct" ? (targets.find((t) => t.address !== me)?.address ?? me) : undefined;
    if (peer !== undefined && peer !== me) await this.#assertNotBlocked(conversationId, peer, me);
    const stored = this.#prepareContent(me, conversationId, content);

    const { message, created } = this.#store.insertMessage(conversationId, me, stored, clientId);
    if (!created) return message;
    if (stored.type === "attachment") {
      this.#store.useAttachment(stored.attachment.url.slice(this.#attachmentUrlPrefix().length), conversationId);
    }
    if (stored.type === "readReceipt") this.#store.markRead(conversationId, me);
    // Answering a request accepts it.
    if (targets.find((t) => t.address === me)?.status === "request") this.acceptRequest(me, conversationId);
    // A request whose sender now meets the rule (followed, subscribed, tipped) moves into the inbox.
    if (peer !== undefined && peer !== me && targets.find((t) => t.address === peer)?.status === "request") {
      if ((await this.#statusFor(peer, me)) === "allowed") {
        this.#store.setStatus(conversationId, peer, "allowed");
        this.#emitConversation(conversationId, [peer]);
      }
    }
    this.#deliver(message);
    return message;
  }

  #prepareContent(me: Address, conversationId: string, content: MessageContent): MessageContent {
    if (content.type === "reply" || content.type === "reaction") {
      const target = this.#store.messageById(content.reference);
      if (target === undefined || target.conversationId !== conversationId) {
        throw new MessengerError("invalid_input", `message ${content.reference} is not in this conversation`);
      }
    }
    if (content.type === "attachment") {
      const prefix = this.#attachmentUrlPrefix();
      const id = content.attachment.url.startsWith(prefix) ? content.attachment.url.slice(prefix.length) : "";
      const record = this.#store.attachment(id);
      if (record === undefined || record.uploader !== me) {
        throw new MessengerError("invalid_input", "an attachment must be uploaded to this hub by its sender first");
      }
      // What the file is and how big comes from the upload's checks, never from the message.
      return {
        type: "attachment",
        attachment: {
          url: content.attachment.url,
          filename: record.filename,
          mimeType: record.mimeType,
          size: record.size,
        },
      };
    }
    return content;
  }

  #deliver(message: Message): void {
    const blockers = this.#store.blockersOf(message.sender);
    const event: ServerEvent = { type: "message", message };
    const serialized = JSON.stringify(event);
    for (const target of this.#store.deliveryTargets(message.conversationId)) {
      if (!this.#connections.has(target.address) || target.status === "ignored") continue;
      if (target.address !== message.sender && blockers.has(target.address)) continue;
      this.#emit(target.address, event, serialized);
    }
  }

  async markRead(me: Address, conversationId: string): Promise<Message | undefined> {
    this.#requireMember(conversationId, me);
    const page = this.#store.history(conversationId, me, undefined, 1);
    if (page.messages.length === 0) return undefined;
    try {
      return await this.send(me, conversationId, { type: "readReceipt" });
    } catch (error) {
      // A blocked sender still reads the conversation (to report it); only the receipt is refused.
      if (!(error instanceof MessengerError) || error.code !== "blocked") throw error;
      this.#store.markRead(conversationId, me);
      return undefined;
    }
  }

  /**
   * Forwards a call signal: in a direct chat to the peer, refused like a message when the peer blocked me; in a
   * group, see {@link #groupSignal}.
   */
  async signal(me: Address, conversationId: string, signal: CallSignal, to: Address | undefined): Promise<void> {
    this.#requireMember(conversationId, me);
    if (this.#store.kindOf(conversationId) === "group") return this.#groupSignal(me, conversationId, signal, to);
    const targets = this.#store.deliveryTargets(conversationId).filter((t) => t.address !== me);
    if (to !== undefined && !targets.some((t) => t.address === to)) {
      throw new MessengerError("not_member", `${to} is not a member of conversation ${conversationId}`);
    }
    if (targets[0] !== undefined) await this.#assertNotBlocked(conversationId, targets[0].address, me);
    const blockers = this.#store.blockersOf(me);
    for (const target of targets) {
      if ((to !== undefined && target.address !== to) || blockers.has(target.address) || target.status === "ignored")
        continue;
      this.#emit(target.address, { type: "signal", conversationId, from: me, signal });
    }
  }

  /**
   * A group's call is a full mesh of at most {@link MAX_CALL_PARTICIPANTS}: `join` starts the call or joins the one
   * going on (whatever `callId` it names) and `leave` leaves it; both reach every member, me included, with the
   * call's id and participants after the change, so members outside the call see it and the joiner learns the id.
   * Anything else goes only from a participant to the participant named in `to`.
   */
  #groupSignal(me: Address, conversationId: string, signal: CallSignal, to: Address | undefined): void {
    let call = this.#groupCalls.get(conversationId);
    if (signal.kind === "join") {
      if (call === undefined)
        this.#groupCalls.set(conversationId, (call = { callId: signal.callId, participants: new Set() }));
      if (!call.participants.has(me)) {
        if (call.participants.size >= MAX_CALL_PARTICIPANTS) {
          throw new MessengerError("call_full", `this call is full: ${MAX_CALL_PARTICIPANTS} people`);
        }
        call.participants.add(me);
      }
      this.#announceGroupCall(conversationId, me, { ...signal, callId: call.callId }, call);
      return;
    }
    if (signal.kind === "leave") return this.#leaveGroupCall(conversationId, me);
    if (call === undefined || call.callId !== signal.callId || !call.participants.has(me)) {
      throw new MessengerError("not_member", `${me} is not in call ${signal.callId}`);
    }
    if (to === undefined || !call.participants.has(to)) {
      throw new MessengerError("not_member", `${to ?? "nobody"} is not in call ${signal.callId}`);
    }
    this.#emit(to, { type: "signal", conversationId, from: me, signal });
  }

  #leaveGroupCall(conversationId: string, me: Address): void {
    const call = this.#groupCalls.get(conversationId);
    if (call === undefined || !call.participants.delete(me)) return;
    if (call.participants.size === 0) this.#groupCalls.delete(conversationId);
    this.#announceGroupCall(conversationId, me, { kind: "leave", callId: call.callId }, call);
  }

  #announceGroupCall(conversationId: string, from: Address, signal: CallSignal, call: GroupCall): void {
    const event: ServerEvent = {
      type: "signal",
      conversationId,
      from,
      signal: { ...signal, participants: [...call.participants] },
    };
    const serialized = JSON.stringify(event);
    const blockers = this.#store.blockersOf(from);
    for (const target of this.#store.deliveryTargets(conversationId)) {
      if (target.status === "ignored" || blockers.has(target.address)) continue;
      this.#emit(target.address, event, serialized);
    }
  }

  typing(me: Address, conversationId: string, typing: boolean): void {
    this.#requireMember(conversationId, me);
    for (const member of this.#store.activeMembers(conversationId)) {
      if (member.address === me || this.#store.consent(member.address, me) === "denied") continue;
      this.#emit(member.address, { type: "typing", conversationId, from: me, typing });
    }
  }
}
