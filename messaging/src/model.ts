// The message model every transport converts to and from. Browser-safe: no node imports.
// Amounts in a transaction reference's metadata are decimal strings of base units (bigint on the wire as text).
import type { Address, Hash } from "viem";
import { z } from "zod";

import { checksumAddress, isAddressLike, isTransactionHash } from "./address.ts";

/** Largest group, as on XMTP. */
export const MAX_GROUP_MEMBERS = 250;
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
  | { readonly type: "transactionReference"; readonly transaction: TransactionReference };

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
    content.type === "transactionReference"
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

export const addressSchema = z
  .string()
  .refine((value) => isAddressLike(value, { strict: false }), "not an address")
  .transform((value) => checksumAddress(value));

const textSchema = z
  .string()
  .max(MAX_TEXT_LENGTH, `text is longer than ${MAX_TEXT_LENGTH} characters`)
  .refine((value) => value.trim().length > 0, "message is empty");

const bytesSchema = z.union([
  z.instanceof(Uint8Array),
  z.array(z.number().int().min(0).max(255)).transform((a) => Uint8Array.from(a)),
]);

export const attachmentRefSchema = z.object({
  url: z.string().min(1).max(2_000),
  filename: z.string().min(1).max(255),
  mimeType: z.string().min(1).max(255),
  size: z.number().int().min(0),
  encryption: z
    .object({
      contentDigest: z.string().regex(/^[0-9a-f]{64}$/i),
      secret: bytesSchema,
      salt: bytesSchema,
      nonce: bytesSchema,
      scheme: z.string().min(1),
    })
    .optional(),
});

export const transactionReferenceSchema = z.object({
  namespace: z.literal("eip155"),
  networkId: z.number().int().positive(),
  reference: z.string().refine((value) => isTransactionHash(value), "not a transaction hash") as z.ZodType<Hash>,
  metadata: z
    .object({
      transactionType: z.string().min(1).max(64),
      currency: z.string().min(1).max(32),
      amount: z.string().regex(/^\d+$/, "amount must be base units as a decimal string"),
      decimals: z.number().int().min(0).max(36),
      fromAddress: addressSchema,
      toAddress: addressSchema,
    })
    .optional(),
});

/** Validates content a client wants to send; a parse error names the bad field. */
export const messageContentSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("text"), text: textSchema }),
  z.object({ type: z.literal("reply"), reference: z.string().min(1).max(200), text: textSchema }),
  z.object({
    type: z.literal("reaction"),
    reference: z.string().min(1).max(200),
    action: z.enum(["added", "removed"]),
    emoji: z.string().min(1).max(32),
  }),
  z.object({ type: z.literal("readReceipt") }),
  z.object({ type: z.literal("attachment"), attachment: attachmentRefSchema }),
  z.object({ type: z.literal("transactionReference"), transaction: transactionReferenceSchema }),
]) as z.ZodType<MessageContent, z.ZodTypeDef, unknown>;

export const incomingRuleSchema = z
  .object({
    followers: z.boolean().optional(),
    minTierRank: z.number().int().min(1).max(255).optional(),
    minTipped: z
      .union([z.bigint(), z.string().regex(/^\d+$/)])
      .transform((value) => BigInt(value))
      .refine((value) => value > 0n, "minTipped must be positive")
      .optional(),
  })
  .refine(
    (rule) => rule.followers === true || rule.minTierRank !== undefined || rule.minTipped !== undefined,
    "a rule needs at least one condition (followers, minTierRank or minTipped)",
  );

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
 * `ice` a candidate, `hangup` ends it (and `decline`/`busy` answer a ring).
 */
export interface CallSignal {
  readonly kind: "ring" | "offer" | "answer" | "ice" | "hangup" | "decline" | "busy";
  /** Groups the signals of one call. */
  readonly callId: string;
  readonly media?: "audio" | "video";
  readonly sdp?: string;
  readonly candidate?: {
    readonly candidate: string;
    readonly sdpMid?: string | null;
    readonly sdpMLineIndex?: number | null;
  };
}

export const callSignalSchema = z.object({
  kind: z.enum(["ring", "offer", "answer", "ice", "hangup", "decline", "busy"]),
  callId: z.string().min(1).max(100),
  media: z.enum(["audio", "video"]).optional(),
  sdp: z.string().max(32_000).optional(),
  candidate: z
    .object({
      candidate: z.string().max(1_000),
      sdpMid: z.string().max(100).nullable().optional(),
      sdpMLineIndex: z.number().int().min(0).max(100).nullable().optional(),
    })
    .optional(),
}) as z.ZodType<CallSignal, z.ZodTypeDef, unknown>;
