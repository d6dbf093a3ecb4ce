// The messenger pages' shared state: my conversations (and requests), the loaded messages of each, who is typing,
// and the connection. Every change arrives through the transport's live events; a message seen twice (a replay
// after a reconnect, or our own send echoed back) is kept once.
import {
  countsAsUnread,
  sameAddress,
  type ConnectionState,
  type Conversation,
  type Message,
  type MessageContent,
  type Messenger,
  type MessengerEvent,
} from "@mesi/messaging";
import type { Address } from "viem";

import { applyMessage, conversationTitle, previewOf, upsertConversation, type People } from "./conversations";
import { mergeMessages } from "./timeline";

const PAGE_SIZE = 50;

type SignalEvent = Extract<MessengerEvent, { type: "signal" }>;
const TYPING_SHOWN_MS = 6_000;
const TYPING_RESEND_MS = 3_000;

export class ChatState {
  conversations = $state.raw<Conversation[]>([]);
  requests = $state.raw<Conversation[]>([]);
  messages = $state.raw<Record<string, Message[]>>({});
  /** Per conversation: the cursor of the page before the loaded ones; null once the start is loaded. */
  earlier = $state.raw<Record<string, string | null>>({});
  typing = $state.raw<Record<string, Address[]>>({});
  connection = $state<ConnectionState>("connecting");
  loaded = $state(false);
  openId = $state<string | null>(null);
  /** Conversations I was removed from while the page was open. */
  removed = $state.raw<ReadonlySet<string>>(new Set());

  readonly messenger: Messenger;
  /** Known names (creators), for notification titles. */
  people: People = {};
  readonly #typingTimers = new Map<string, ReturnType<typeof setTimeout>>();
  readonly #lastTypingSent = new Map<string, number>();
  #unsubscribe: (() => void) | undefined;
  /** A call rings or a group call starts: the calls module loads (signals wait in #signals until it listens). */
  onRing: (() => void) | undefined;
  #signals: SignalEvent[] = [];
  #signalListener: ((event: SignalEvent) => void) | undefined;
  /** Called for someone else's new message while the tab is hidden (browser notifications). */
  onIncoming: ((message: Message, title: string, body: string) => void) | undefined;

  constructor(messenger: Messenger) {
    this.messenger = messenger;
  }

  get me(): Address {
    return this.messenger.me;
  }

  async start(): Promise<void> {
    this.#unsubscribe = this.messenger.subscribe((event) => this.#handle(event));
    await this.refresh();
    this.loaded = true;
  }

  async refresh(): Promise<void> {
    const [inbox, requests] = await Promise.all([
      this.messenger.listConversations(),
      this.messenger.listConversations({ requests: true }),
    ]);
    this.conversations = inbox;
    this.requests = requests;
  }

  conversation(id: string): Conversation | undefined {
    return this.conversations.find((c) => c.id === id) ?? this.requests.find((c) => c.id === id);
  }

  /** Opens a conversation: its newest page of history, then marks it read. */
  async open(id: string): Promise<Conversation> {
    this.openId = id;
    let conversation = this.conversation(id);
    if (conversation === undefined) {
      conversation = await this.messenger.getConversation(id);
      this.#put(conversation);
    }
    if (this.messages[id] === undefined) {
      const page = await this.messenger.history(id, { limit: PAGE_SIZE });
      this.messages = { ...this.messages, [id]: mergeMessages(this.messages[id] ?? [], page.messages) };
      this.earlier = { ...this.earlier, [id]: page.nextCursor ?? null };
    }
    await this.markRead(id);
    return conversation;
  }

  async loadEarlier(id: string): Promise<void> {
    const before = this.earlier[id];
    if (before === null || before === undefined) return;
    const page = await this.messenger.history(id, { before, limit: PAGE_SIZE });
    this.messages = { ...this.messages, [id]: mergeMessages(page.messages, this.messages[id] ?? []) };
    this.earlier = { ...this.earlier, [id]: page.nextCursor ?? null };
  }

  async markRead(id: string): Promise<void> {
    const conversation = this.conversation(id);
    if (conversation === undefined || conversation.status !== "allowed") return;
    const last = (this.messages[id] ?? []).findLast((message) => !sameAddress(message.sender, this.me));
    const alreadyRead = (this.messages[id] ?? []).some(
      (message) =>
        message.content.type === "readReceipt" &&
        sameAddress(message.sender, this.me) &&
        last !== undefined &&
        message.sentAt >= last.sentAt,
    );
    if (conversation.unreadCount > 0 || (last !== undefined && !alreadyRead)) {
      this.conversations = this.conversations.map((c) => (c.id === id ? { ...c, unreadCount: 0 } : c));
      await this.messenger.markRead(id);
    }
  }

  async send(id: string, content: MessageContent): Promise<Message> {
    const message = await this.messenger.send(id, content, { clientId: crypto.randomUUID() });
    this.#addMessage(message);
    this.#lastTypingSent.delete(id);
    return message;
  }

  async sendFile(id: string, file: { bytes: Uint8Array; filename: string; mimeType: string }): Promise<Message> {
    const message = await this.messenger.sendAttachment(id, file);
    this.#addMessage(message);
    return message;
  }

  /** Tells the others I'm typing, at most every few seconds. */
  typed(id: string): void {
    const now = Date.now();
    if (now - (this.#lastTypingSent.get(id) ?? 0) < TYPING_RESEND_MS) return;
    this.#lastTypingSent.set(id, now);
    void this.messenger.setTyping(id, true).catch(() => undefined);
  }

  /** Call signals from now on, after the ones that came before anyone listened. */
  listenSignals(listener: (event: SignalEvent) => void): () => void {
    this.#signalListener = listener;
    for (const event of this.#signals.splice(0)) listener(event);
    return () => (this.#signalListener = undefined);
  }

  close(): void {
    this.#unsubscribe?.();
    for (const timer of this.#typingTimers.values()) clearTimeout(timer);
    void this.messenger.close();
  }

  #put(conversation: Conversation): void {
    if (conversation.status === "allowed") {
      this.conversations = upsertConversation(this.conversations, conversation);
      this.requests = this.requests.filter((c) => c.id !== conversation.id);
    } else if (conversation.status === "request") {
      this.requests = upsertConversation(this.requests, conversation);
      this.conversations = this.conversations.filter((c) => c.id !== conversation.id);
    } else {
      this.requests = this.requests.filter((c) => c.id !== conversation.id);
    }
  }

  #addMessage(message: Message): void {
    const id = message.conversationId;
    if (this.messages[id] !== undefined) {
      this.messages = { ...this.messages, [id]: mergeMessages(this.messages[id], [message]) };
    }
    this.conversations = applyMessage(this.conversations, message, this.me, this.openId);
    this.requests = applyMessage(this.requests, message, this.me, this.openId);
  }

  #handle(event: MessengerEvent): void {
    switch (event.type) {
      case "connection":
        this.connection = event.state;
        // Back after a drop: the list may have moved on (the replay brings the messages themselves).
        if (event.state === "open" && this.loaded) void this.refresh().catch(() => undefined);
        return;
      case "conversation": {
        const known = this.conversation(event.conversation.id);
        this.#put(
          known === undefined
            ? event.conversation
            : { ...event.conversation, unreadCount: known.unreadCount, lastMessage: known.lastMessage },
        );
        return;
      }
      case "removed":
        this.conversations = this.conversations.filter((c) => c.id !== event.conversationId);
        this.removed = new Set([...this.removed, event.conversationId]);
        return;
      case "typing":
        this.#setTyping(event.conversationId, event.from, event.typing);
        return;
      case "signal":
        if (this.#signalListener !== undefined) this.#signalListener(event);
        else if (this.#signals.push(event) > 100) this.#signals.shift();
        if (["ring", "offer", "join"].includes(event.signal.kind)) this.onRing?.();
        return;
      case "message": {
        const message = event.message;
        const known = this.conversation(message.conversationId) !== undefined;
        this.#addMessage(message);
        this.#setTyping(message.conversationId, message.sender, false);
        if (!known) void this.messenger.getConversation(message.conversationId).then((c) => this.#put(c));
        const mine = sameAddress(message.sender, this.me);
        if (!mine && countsAsUnread(message.content)) {
          if (this.openId === message.conversationId && document.visibilityState === "visible") {
            void this.markRead(message.conversationId).catch(() => undefined);
          }
          const conversation = this.conversation(message.conversationId);
          if (conversation !== undefined && document.visibilityState === "hidden") {
            this.onIncoming?.(
              message,
              conversationTitle(conversation, this.me, this.people),
              previewOf(message, this.me),
            );
          }
        }
        return;
      }
    }
  }

  #setTyping(id: string, from: Address, typing: boolean): void {
    const key = `${id}:${from.toLowerCase()}`;
    clearTimeout(this.#typingTimers.get(key));
    this.#typingTimers.delete(key);
    const others = (this.typing[id] ?? []).filter((a) => !sameAddress(a, from));
    if (typing && !sameAddress(from, this.me)) {
      this.typing = { ...this.typing, [id]: [...others, from] };
      this.#typingTimers.set(
        key,
        setTimeout(() => this.#setTyping(id, from, false), TYPING_SHOWN_MS),
      );
    } else if ((this.typing[id] ?? []).length !== others.length) {
      this.typing = { ...this.typing, [id]: others };
    }
  }
}
