// The message model every transport converts to and from. Browser-safe: no node imports, and no zod: the checks
// of what comes over the wire live in ./schemas.ts, which the hub and the XMTP adapter use and the webapp's first
// load does without.
// Amounts in a transaction reference's metadata are decimal strings of base units (bigint on the wire as text).
import type { Address, Hash } from "viem";

/** Largest group, as on XMTP. */
export const MAX_GROUP_MEMBERS = 250;
/** A group call is a full mesh (every participant connects to every other): it holds this many people. */
export const MAX_CALL_PARTICIPANTS = 4;
/** Longest text message, in characters. */
export const MAX_TEXT_LENGTH = 4_000;
/** Longest group name. */
export const MAX_GROUP_NAME_LENGTH = 100;

export type ConversationKind = "direct" | "group";
export type MemberRole = "admin" | "member";

/**
 * Where a conversation stands for me: `allowed` shows in my inbox; `request` came from someone my
 * incoming-message rule did not let through (I may accept or ignore it); `ignored` is a request I dismissed.
 */
export type ConversationStatus = "allowed" | "request" | "ignored";

/** Consent for a peer: `denied` is a block. */
export type ConsentState = "allowed" | "denied" | "unknown";

export interface Member {
  readonly address: Address;
  readonly role: MemberRole;
}

export interface Conversation {
  readonly id: string;
  readonly kind: ConversationKind;
  /** Group name; undefined for a direct conversation. */
  readonly name?: string;
  readonly createdBy: Address;
  /** Unix milliseconds. */
  readonly createdAt: number;
  readonly members: readonly Member[];
  /** For a direct conversation: the other party. */
  readonly peer?: Address;
  readonly status: ConversationStatus;
  readonly unreadCount: number;
  readonly lastMessage?: Message;
}

/** A tip or other payment shown in a chat: XMTP's transaction reference (XIP-21). */
export interface TransactionReference {
  /** CAIP-2 namespace; always `eip155` here. */
  readonly namespace: "eip155";
  /** Chain id. */
  readonly networkId: number;
  /** Transaction hash. */
  readonly reference: Hash;
  readonly metadata?: {
    readonly transactionType: string;
    readonly currency: string;
    /** Base units as a decimal string (bigint). */
    readonly amount: string;
    readonly decimals: number;
    readonly fromAddress: Address;
    readonly toAddress: Address;
  };
}

/** A file sent in a chat; `encryption` is set for XMTP remote attachments (the hub stores files as sent). */
export interface AttachmentRef {
  readonly url: string;
  readonly filename: string;
  readonly mimeType: string;
  /** Bytes of the file (before encryption). */
  readonly size: number;
  readonly encryption?: {
    /** SHA-256 of the encrypted payload, hex. */
    readonly contentDigest: string;
    readonly secret: Uint8Array;
    readonly salt: Uint8Array;
    readonly nonce: Uint8Array;
    readonly scheme: string;
  };
}

export type MessageContent =
  | { readonly type: "text"; readonly text: string }
  | { readonly type: "reply"; readonly reference: string; readonly text: string }
  | {
      readonly type: "reaction";
      readonly reference: string;
      readonly action: "added" | "removed";
      readonly emoji: string;
    }
  | { readonly type: "readReceipt" }
  | { readonly type: "attachment"; readonly attachment: AttachmentRef }
  | { readonly type: "transactionReference"; readonly transaction: TransactionReference }
  | { readonly type: "call"; readonly call: CallLog };

/**
 * A call's trace in the chat, sent by the caller when the call is over: `missed` (nobody answered, or the caller
 * gave up), `declined` (the callee said no), `ended` (it was answered; `seconds` long).
 */
export interface CallLog {
  readonly callId: string;
  readonly media: "audio" | "video";
  readonly outcome: "missed" | "declined" | "ended";
  /** Length of an answered call. */
  readonly seconds?: number;
}

export type MessageContentType = MessageContent["type"];

export interface Message {
  readonly id: string;
  readonly conversationId: string;
  readonly sender: Address;
  /** Unix milliseconds. */
  readonly sentAt: number;
  readonly content: MessageContent;
  /** The transport's ordering key (the hub's sequence number as text; XMTP's sentAtNs as text). */
  readonly cursor: string;
}

/** Content types that count towards unread counts and notifications. */
export function countsAsUnread(content: MessageContent): boolean {
  return (
    content.type === "text" ||
    content.type === "reply" ||
    content.type === "attachment" ||
    content.type === "transactionReference" ||
    (content.type === "call" && content.call.outcome !== "ended")
  );
}

/**
 * Who may message a creator directly: a fan passes when any condition that is set holds (follows; holds a live
 * subscription of at least this tier rank; tipped at least this much in total). Others' messages land as requests.
 */
export interface IncomingRule {
  readonly followers?: boolean;
  readonly minTierRank?: number;
  /** $MESI base units. */
  readonly minTipped?: bigint;
}

/** The JSON form of an incoming rule (bigint as a decimal string). */
export function incomingRuleToJson(rule: IncomingRule): Record<string, unknown> {
  return {
    ...(rule.followers === undefined ? {} : { followers: rule.followers }),
    ...(rule.minTierRank === undefined ? {} : { minTierRank: rule.minTierRank }),
    ...(rule.minTipped === undefined ? {} : { minTipped: rule.minTipped.toString() }),
  };
}

/**
 * WebRTC call signaling carried over a conversation, never stored: `ring` starts a call, `offer`/`answer` carry SDP,
 * `ice` a candidate, `hangup` ends it (and `decline`/`busy` answer a ring); `camera` says the sender's camera went
 * off (no video is sent meanwhile) or on again. In a group, `join` starts or joins the conversation's call and
 * `leave` leaves it; the hub relays both to every member with the call's `participants` after the change, and
 * everything else goes from one participant to another (`to`).
 */
export interface CallSignal {
  readonly kind: "ring" | "offer" | "answer" | "ice" | "hangup" | "decline" | "busy" | "camera" | "join" | "leave";
  /** Groups the signals of one call. */
  readonly callId: string;
  readonly media?: "audio" | "video";
  readonly sdp?: string;
  /** `camera`: whether the sender's camera is now off. */
  readonly cameraOff?: boolean;
  /** `join`/`leave` as the hub relays them: who is in the group call now (set by the hub, not the sender). */
  readonly participants?: readonly Address[];
  readonly candidate?: {
    readonly candidate: string;
    readonly sdpMid?: string | null;
    readonly sdpMLineIndex?: number | null;
  };
}
