// What the webapp's messenger pages use. Two implementations, chosen by configuration: HubMessenger (the local
// hub, the development transport) and XmtpMessenger (production). Browser-safe: no node imports.
import type { Address } from "viem";

import type {
  AttachmentRef,
  CallSignal,
  ConsentState,
  Conversation,
  IncomingRule,
  Message,
  MessageContent,
} from "./model.ts";

export interface TransportInfo {
  readonly kind: "local-hub" | "xmtp";
  /** False for the local hub: it stores messages in plain text on this machine. */
  readonly endToEndEncrypted: boolean;
  /** A sentence the UI can show, e.g. "Development transport — not end-to-end encrypted". */
  readonly label: string;
}

export interface HistoryPage {
  /** Oldest first. */
  readonly messages: readonly Message[];
  /** Pass as `before` to get the page before this one; undefined when this page reaches the start. */
  readonly nextCursor?: string;
}

export interface FileToSend {
  readonly bytes: Uint8Array;
  readonly filename: string;
  /** What the sender says it is; the hub checks it against the bytes. */
  readonly mimeType: string;
}

export type ConnectionState = "connecting" | "open" | "closed";

export type MessengerEvent =
  | { readonly type: "message"; readonly message: Message }
  | { readonly type: "conversation"; readonly conversation: Conversation }
  | { readonly type: "removed"; readonly conversationId: string }
  | { readonly type: "typing"; readonly conversationId: string; readonly from: Address; readonly typing: boolean }
  | { readonly type: "signal"; readonly conversationId: string; readonly from: Address; readonly signal: CallSignal }
  | { readonly type: "connection"; readonly state: ConnectionState };

export type Unsubscribe = () => void;

export interface Messenger {
  readonly transport: TransportInfo;
  /** The signed-in wallet. */
  readonly me: Address;

  /** My conversations, newest activity first; requests only with `{ requests: true }`. */
  listConversations(options?: { readonly requests?: boolean }): Promise<Conversation[]>;
  getConversation(conversationId: string): Promise<Conversation>;
  /** The direct conversation with `peer`, created on first use. */
  openDirect(peer: Address): Promise<Conversation>;
  /** A group with me as its admin; up to 250 members including me. */
  createGroup(parameters: { readonly name: string; readonly members: readonly Address[] }): Promise<Conversation>;
  /** Admins only. */
  addMembers(conversationId: string, members: readonly Address[]): Promise<Conversation>;
  /** Admins only. */
  removeMembers(conversationId: string, members: readonly Address[]): Promise<Conversation>;
  /** Admins only. */
  renameGroup(conversationId: string, name: string): Promise<Conversation>;
  /** Admins only: make a member an admin or take it back. */
  setAdmin(conversationId: string, member: Address, admin: boolean): Promise<Conversation>;

  /**
   * Sends text, a reply, a reaction, a read receipt, an attachment reference or a transaction reference.
   * `clientId` makes a retry safe: the same (sender, clientId) is stored and delivered once.
   */
  send(conversationId: string, content: MessageContent, options?: { readonly clientId?: string }): Promise<Message>;
  /** Uploads a file (checked by content against the size and type limits) and sends it. */
  sendAttachment(conversationId: string, file: FileToSend): Promise<Message>;
  /** The bytes of a received attachment (decrypted on XMTP). */
  fetchAttachment(attachment: AttachmentRef): Promise<Uint8Array>;
  /** The page of messages before `before` (newest page when absent), oldest first. */
  history(
    conversationId: string,
    options?: { readonly before?: string; readonly limit?: number },
  ): Promise<HistoryPage>;
  /** Marks the conversation read up to its newest message and sends a read receipt. */
  markRead(conversationId: string): Promise<void>;
  /** Unread messages per conversation id (allowed conversations only). */
  unreadCounts(): Promise<Record<string, number>>;
  /** Tells the other members that I am (or stopped) typing; never stored. */
  setTyping(conversationId: string, typing: boolean): Promise<void>;

  /** WebRTC call signaling to the other members (or only `to`), live only, never stored. */
  sendSignal(conversationId: string, signal: CallSignal, to?: Address): Promise<void>;

  /** Live events: new messages, conversation changes, typing, call signals, connection state. */
  subscribe(listener: (event: MessengerEvent) => void): Unsubscribe;

  /** `denied` blocks the peer: their messages to me are refused and hidden. */
  setConsent(peer: Address, state: ConsentState): Promise<void>;
  consentOf(peer: Address): Promise<ConsentState>;
  /** Moves a request into my inbox (and allows its sender). */
  acceptRequest(conversationId: string): Promise<Conversation>;
  /** Dismisses a request without blocking its sender. */
  ignoreRequest(conversationId: string): Promise<void>;
  /** Restricts who may message me directly (null: anyone). */
  setIncomingRule(rule: IncomingRule | null): Promise<void>;
  incomingRule(): Promise<IncomingRule | null>;

  close(): Promise<void>;
}
