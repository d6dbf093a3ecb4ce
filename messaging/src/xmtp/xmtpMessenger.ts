// Messenger over XMTP (production): @xmtp/browser-sdk 7 (V3, MLS), an inbox created from the wallet's signature,
// messages encoded with XMTP's content-type codecs (./content.ts), consent states as blocks and requests.
// Loads XMTP's wasm in a worker: import this module only on messenger pages (dynamic import).
//
// Where XMTP differs from the hub: there is no server to refuse a blocked sender's message (the recipient's
// client drops it — Denied consent is honoured across XMTP apps); typing indicators are not an XMTP content
// type (setTyping does nothing); an incoming-message rule is applied by the recipient's client with the
// `incomingRules` dependency (the index read by the webapp).
import {
  Client,
  ConsentEntityType,
  ConsentState as XmtpConsentState,
  ContentType,
  GroupPermissionsOptions,
  IdentifierKind,
  PermissionLevel,
  SortDirection,
  type DecodedMessage,
  type Dm,
  type Group,
  type Identifier,
  type Signer,
  type XmtpEnv,
} from "@xmtp/browser-sdk";
import { getAddress, hexToBytes, type Address, type Hex } from "viem";

import { MessengerError } from "../errors.ts";
import type { FileToSend, HistoryPage, Messenger, MessengerEvent, TransportInfo, Unsubscribe } from "../messenger.ts";
import {
  MAX_GROUP_MEMBERS,
  type AttachmentRef,
  type CallSignal,
  type ConsentState,
  type Conversation,
  type ConversationStatus,
  type IncomingRule,
  type Member,
  type Message,
  type MessageContent,
} from "../model.ts";
import { CallLogCodec, CallSignalCodec, ContentTypeCallSignal, type CallSignalEnvelope } from "./callContent.ts";
import { encodeContent, encryptAttachment, loadAttachment, toMessage } from "./content.ts";

/** A call signal older than this when it arrives (a stream restart's catch-up) belongs to a call long over. */
const SIGNAL_FRESH_MS = 60_000;

/** Where the creator's rule lives and how a fan is judged (the webapp reads the index). */
export interface IncomingRuleSource {
  get(): Promise<IncomingRule | null>;
  set(rule: IncomingRule | null): Promise<void>;
  /** Whether `fan` meets my rule now. */
  passes(fan: Address): Promise<boolean>;
}

export interface XmtpMessengerOptions {
  readonly address: Address;
  /** The wallet's personal_sign (EIP-191); XMTP asks once to create the inbox and once per new installation. */
  readonly signMessage: (message: string) => Promise<Hex>;
  readonly env: XmtpEnv;
  /** Stores an encrypted attachment payload and returns its https URL (S3-compatible or IPFS gateway). */
  readonly uploadAttachment: (payload: Uint8Array) => Promise<string>;
  readonly incomingRules?: IncomingRuleSource;
  /** Encrypts the local XMTP database (OPFS). */
  readonly dbEncryptionKey?: Uint8Array;
}

type XmtpConversation = Group | Dm;

const ethereum = (address: Address): Identifier => ({
  identifier: address.toLowerCase(),
  identifierKind: IdentifierKind.Ethereum,
});

const UNREAD_TYPES = [
  ContentType.Text,
  ContentType.Reply,
  ContentType.RemoteAttachment,
  ContentType.TransactionReference,
];

export class XmtpMessenger implements Messenger {
  readonly transport: TransportInfo = { kind: "xmtp", endToEndEncrypted: true, label: "XMTP — end-to-end encrypted" };
  readonly me: Address;
  readonly #client: Client;
  readonly #options: XmtpMessengerOptions;
  readonly #addressOfInbox = new Map<string, Address>();
  readonly #listeners = new Set<(event: MessengerEvent) => void>();
  #stream: { end(): Promise<unknown> } | undefined;

  private constructor(client: Client, options: XmtpMessengerOptions) {
    this.#client = client;
    this.#options = options;
    this.me = getAddress(options.address);
    if (client.inboxId !== undefined) this.#addressOfInbox.set(client.inboxId, this.me);
  }

  /** Creates (or opens) the wallet's XMTP inbox; the wallet signs when XMTP asks. */
  static async create(options: XmtpMessengerOptions): Promise<XmtpMessenger> {
    const signer: Signer = {
      type: "EOA",
      getIdentifier: () => ethereum(options.address),
      signMessage: async (message) => hexToBytes(await options.signMessage(message)),
    };
    // ClientOptions is a union (env or backend) that Omit<> flattens; this is its `env` member.
    const clientOptions = {
      env: options.env,
      // Our call content types, decoded in the SDK like its built-in ones.
      codecs: [new CallSignalCodec(), new CallLogCodec()],
      ...(options.dbEncryptionKey === undefined ? {} : { dbEncryptionKey: options.dbEncryptionKey }),
    } as NonNullable<Parameters<typeof Client.create>[1]>;
    const client = await Client.create(signer, clientOptions);
    return new XmtpMessenger(client as Client, options);
  }

  // ── helpers ──────────────────────────────────────────────────────────────────────────────────────

  async #conversation(conversationId: string): Promise<XmtpConversation> {
    const conversation = await this.#client.conversations.getConversationById(conversationId);
    if (conversation === undefined) throw new MessengerError("not_found", `no conversation ${conversationId}`);
    return conversation;
  }

  async #group(conversationId: string): Promise<Group> {
    const conversation = await this.#conversation(conversationId);
    if (!("updateName" in conversation)) throw new MessengerError("invalid_input", "only groups have admins and names");
    return conversation;
  }

  async #inboxOf(address: Address): Promise<string> {
    const inboxId = await this.#client.fetchInboxIdByIdentifier(ethereum(address));
    if (inboxId === undefined) throw new MessengerError("not_found", `${address} has no XMTP inbox yet`);
    this.#addressOfInbox.set(inboxId, getAddress(address));
    return inboxId;
  }

  #address(inboxId: string): Address {
    const address = this.#addressOfInbox.get(inboxId);
    if (address === undefined) throw new MessengerError("internal", `unknown inbox ${inboxId}`);
    return address;
  }

  async #members(conversation: XmtpConversation): Promise<Member[]> {
    const members = await conversation.members();
    return members.flatMap((member) => {
      const identifier = member.accountIdentifiers.find((i) => i.identifierKind === IdentifierKind.Ethereum);
      if (identifier === undefined) return [];
      const address = getAddress(identifier.identifier);
      this.#addressOfInbox.set(member.inboxId, address);
      return [{ address, role: member.permissionLevel === PermissionLevel.Member ? "member" : "admin" } as Member];
    });
  }

  async #status(conversation: XmtpConversation, peer: Address | undefined): Promise<ConversationStatus | "denied"> {
    const consent = await conversation.consentState();
    if (consent === XmtpConsentState.Allowed) return "allowed";
    if (consent === XmtpConsentState.Denied) return "denied";
    const rules = this.#options.incomingRules;
    if (peer === undefined || rules === undefined || (await rules.get()) === null) return "allowed";
    return (await rules.passes(peer)) ? "allowed" : "request";
  }

  #myLastRead(conversation: XmtpConversation): Promise<bigint> {
    return conversation.lastReadTimes().then((times) => times.get(this.#client.inboxId ?? "") ?? 0n);
  }

  async #toConversation(conversation: XmtpConversation): Promise<Conversation & { denied: boolean }> {
    const members = await this.#members(conversation);
    const isGroup = "updateName" in conversation;
    const peer = isGroup ? undefined : members.find((m) => m.address !== this.me)?.address;
    const status = await this.#status(conversation, peer);
    const last = await conversation.lastMessage();
    const lastMessage = last === undefined ? undefined : this.#toMessage(last);
    const unread = await conversation.countMessages({
      sentAfterNs: await this.#myLastRead(conversation),
      contentTypes: UNREAD_TYPES,
      excludeSenderInboxIds: [this.#client.inboxId ?? ""],
    });
    return {
      id: conversation.id,
      kind: isGroup ? "group" : "direct",
      ...(isGroup && conversation.name !== undefined ? { name: conversation.name } : {}),
      createdBy: this.#addressOfInbox.get(conversation.addedByInboxId ?? "") ?? this.me,
      createdAt: conversation.createdAt?.getTime() ?? 0,
      members,
      ...(peer === undefined ? {} : { peer }),
      status: status === "denied" ? "ignored" : status,
      unreadCount: Number(unread),
      ...(lastMessage === undefined ? {} : { lastMessage }),
      denied: status === "denied",
    };
  }

  #toMessage(message: DecodedMessage): Message | undefined {
    return toMessage(message, (inboxId) => this.#addressOfInbox.get(inboxId) ?? this.#address(inboxId));
  }

  // ── Messenger ────────────────────────────────────────────────────────────────────────────────────

  async listConversations(options: { readonly requests?: boolean } = {}): Promise<Conversation[]> {
    await this.#client.conversations.sync();
    const all = await this.#client.conversations.list({
      consentStates: [XmtpConsentState.Allowed, XmtpConsentState.Unknown],
    });
    const converted = await Promise.all(all.map((c) => this.#toConversation(c)));
    const wanted: ConversationStatus = options.requests === true ? "request" : "allowed";
    return converted.filter((c) => !c.denied && c.status === wanted).map(({ denied: _, ...c }) => c);
  }

  async getConversation(conversationId: string): Promise<Conversation> {
    const { denied: _, ...conversation } = await this.#toConversation(await this.#conversation(conversationId));
    return conversation;
  }

  async openDirect(peer: Address): Promise<Conversation> {
    const dm = await this.#client.conversations.createDmWithIdentifier(ethereum(peer));
    return this.getConversation(dm.id);
  }

  async createGroup(parameters: {
    readonly name: string;
    readonly members: readonly Address[];
  }): Promise<Conversation> {
    if (new Set([this.me, ...parameters.members]).size > MAX_GROUP_MEMBERS) {
      throw new MessengerError("group_full", `a group holds at most ${MAX_GROUP_MEMBERS} members`);
    }
    const group = await this.#client.conversations.createGroupWithIdentifiers(parameters.members.map(ethereum), {
      groupName: parameters.name,
      permissions: GroupPermissionsOptions.AdminOnly,
    });
    return this.getConversation(group.id);
  }

  async addMembers(conversationId: string, members: readonly Address[]): Promise<Conversation> {
    const group = await this.#group(conversationId);
    if ((await group.members()).length + members.length > MAX_GROUP_MEMBERS) {
      throw new MessengerError("group_full", `a group holds at most ${MAX_GROUP_MEMBERS} members`);
    }
    await group.addMembersByIdentifiers(members.map(ethereum));
    return this.getConversation(conversationId);
  }

  async removeMembers(conversationId: string, members: readonly Address[]): Promise<Conversation> {
    await (await this.#group(conversationId)).removeMembersByIdentifiers(members.map(ethereum));
    return this.getConversation(conversationId);
  }

  async renameGroup(conversationId: string, name: string): Promise<Conversation> {
    await (await this.#group(conversationId)).updateName(name);
    return this.getConversation(conversationId);
  }

  async setAdmin(conversationId: string, member: Address, admin: boolean): Promise<Conversation> {
    const group = await this.#group(conversationId);
    const inboxId = await this.#inboxOf(member);
    await (admin ? group.addAdmin(inboxId) : group.removeAdmin(inboxId));
    return this.getConversation(conversationId);
  }

  async send(conversationId: string, content: MessageContent): Promise<Message> {
    const conversation = await this.#conversation(conversationId);
    // XMTP deduplicates by its own idempotency; the encoded content is what every XMTP app reads.
    const id = await conversation.send(encodeContent(content) as Parameters<XmtpConversation["send"]>[0]);
    const sent = await this.#client.conversations.getMessageById(id);
    const message = sent === undefined ? undefined : this.#toMessage(sent);
    if (message === undefined) throw new MessengerError("internal", `message ${id} was sent but cannot be read back`);
    return message;
  }

  async sendAttachment(conversationId: string, file: FileToSend): Promise<Message> {
    const attachment = await encryptAttachment(file, this.#options.uploadAttachment);
    return this.send(conversationId, { type: "attachment", attachment });
  }

  async fetchAttachment(attachment: AttachmentRef): Promise<Uint8Array> {
    return (await loadAttachment(attachment)).data;
  }

  async history(
    conversationId: string,
    options: { readonly before?: string; readonly limit?: number } = {},
  ): Promise<HistoryPage> {
    const conversation = await this.#conversation(conversationId);
    await this.#members(conversation);
    const limit = Math.min(Math.max(options.limit ?? 50, 1), 200);
    const page = await conversation.messages({
      limit: BigInt(limit + 1),
      direction: SortDirection.Descending,
      ...(options.before === undefined ? {} : { sentBeforeNs: BigInt(options.before) }),
    });
    const blocked = await this.#deniedInboxes(page.map((m) => m.senderInboxId));
    const kept = page.slice(0, limit).filter((m) => !blocked.has(m.senderInboxId));
    const messages = kept.flatMap((m) => this.#toMessage(m) ?? []).reverse();
    const oldest = page[Math.min(limit, page.length) - 1];
    return {
      messages,
      ...(page.length > limit && oldest !== undefined ? { nextCursor: oldest.sentAtNs.toString() } : {}),
    };
  }

  async #deniedInboxes(inboxIds: readonly string[]): Promise<Set<string>> {
    const denied = new Set<string>();
    for (const inboxId of new Set(inboxIds)) {
      if (inboxId === this.#client.inboxId) continue;
      const state = await this.#client.preferences.getConsentState(ConsentEntityType.InboxId, inboxId);
      if (state === XmtpConsentState.Denied) denied.add(inboxId);
    }
    return denied;
  }

  async markRead(conversationId: string): Promise<void> {
    await this.send(conversationId, { type: "readReceipt" });
  }

  async unreadCounts(): Promise<Record<string, number>> {
    const conversations = await this.listConversations();
    return Object.fromEntries(conversations.map((c) => [c.id, c.unreadCount]));
  }

  async setTyping(): Promise<void> {
    // XMTP has no typing content type; nothing to send.
  }

  /**
   * A `mesi.app/callSignal` message in the conversation (MLS-encrypted like any other; only a ring is pushed).
   * XMTP keeps it in the group's log; our clients never show it as a message. A blocked caller cannot be refused
   * here: the callee's client drops signals from a denied inbox.
   */
  async sendSignal(conversationId: string, signal: CallSignal, to?: Address): Promise<void> {
    const conversation = await this.#conversation(conversationId);
    const codec = new CallSignalCodec();
    const envelope: CallSignalEnvelope = to === undefined ? { signal } : { signal, to: to.toLowerCase() };
    await conversation.send(codec.encode(envelope) as Parameters<XmtpConversation["send"]>[0], {
      shouldPush: codec.shouldPush(envelope),
    });
  }

  subscribe(listener: (event: MessengerEvent) => void): Unsubscribe {
    this.#listeners.add(listener);
    if (this.#stream === undefined) {
      void this.#client.conversations
        .streamAllMessages({
          consentStates: [XmtpConsentState.Allowed, XmtpConsentState.Unknown],
          onValue: (decoded) => void this.#onMessage(decoded),
          onError: () => this.#emit({ type: "connection", state: "connecting" }),
          onRestart: () => this.#emit({ type: "connection", state: "open" }),
        })
        .then((stream) => {
          this.#stream = stream;
          this.#emit({ type: "connection", state: "open" });
        });
    }
    return () => {
      this.#listeners.delete(listener);
    };
  }

  #emit(event: MessengerEvent): void {
    for (const listener of this.#listeners) listener(event);
  }

  async #onMessage(decoded: DecodedMessage): Promise<void> {
    if ((await this.#deniedInboxes([decoded.senderInboxId])).size > 0) return;
    if (!this.#addressOfInbox.has(decoded.senderInboxId))
      await this.#members(await this.#conversation(decoded.conversationId));
    if (
      decoded.contentType.authorityId === ContentTypeCallSignal.authorityId &&
      decoded.contentType.typeId === ContentTypeCallSignal.typeId
    ) {
      this.#onSignal(decoded);
      return;
    }
    const message = this.#toMessage(decoded);
    if (message !== undefined) this.#emit({ type: "message", message });
  }

  #onSignal(decoded: DecodedMessage): void {
    if (decoded.senderInboxId === this.#client.inboxId) return;
    if (Date.now() - Number(decoded.sentAtNs / 1_000_000n) > SIGNAL_FRESH_MS) return;
    const envelope = decoded.content as CallSignalEnvelope | undefined;
    if (envelope === undefined || (envelope.to !== undefined && envelope.to !== this.me.toLowerCase())) return;
    this.#emit({
      type: "signal",
      conversationId: decoded.conversationId,
      from: this.#address(decoded.senderInboxId),
      signal: envelope.signal,
    });
  }

  async setConsent(peer: Address, state: ConsentState): Promise<void> {
    const entity = await this.#inboxOf(peer);
    const xmtpState =
      state === "allowed"
        ? XmtpConsentState.Allowed
        : state === "denied"
          ? XmtpConsentState.Denied
          : XmtpConsentState.Unknown;
    await this.#client.preferences.setConsentStates([
      { entityType: ConsentEntityType.InboxId, entity, state: xmtpState },
    ]);
  }

  async consentOf(peer: Address): Promise<ConsentState> {
    const state = await this.#client.preferences.getConsentState(ConsentEntityType.InboxId, await this.#inboxOf(peer));
    return state === XmtpConsentState.Allowed ? "allowed" : state === XmtpConsentState.Denied ? "denied" : "unknown";
  }

  async acceptRequest(conversationId: string): Promise<Conversation> {
    await (await this.#conversation(conversationId)).updateConsentState(XmtpConsentState.Allowed);
    return this.getConversation(conversationId);
  }

  async ignoreRequest(conversationId: string): Promise<void> {
    // Denied on the conversation (not the inbox): the request disappears; the sender is not blocked elsewhere.
    await (await this.#conversation(conversationId)).updateConsentState(XmtpConsentState.Denied);
  }

  async setIncomingRule(rule: IncomingRule | null): Promise<void> {
    if (this.#options.incomingRules === undefined) {
      throw new MessengerError("unavailable", "no incoming-rule store is configured for XMTP");
    }
    await this.#options.incomingRules.set(rule);
  }

  async incomingRule(): Promise<IncomingRule | null> {
    return (await this.#options.incomingRules?.get()) ?? null;
  }

  async close(): Promise<void> {
    await this.#stream?.end();
    this.#listeners.clear();
    this.#client.close();
  }
}
