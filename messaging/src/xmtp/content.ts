// Our message model ⇄ XMTP content types, through XMTP's own codecs (@xmtp/content-type-*): text, reply,
// reaction, read receipt, remote attachment (encrypted) and transaction reference (XIP-21); and through ours
// (./callContent.ts) for the call log and call signals. Browser-safe (the
// codecs' browser builds use WebCrypto).
//
// Incoming content comes in two shapes: what the codecs decode (reaction action "added"), and what
// @xmtp/browser-sdk 7 hands out after decoding built-in types in its wasm (reaction action 1, a reply as an
// EnrichedReply). `fromXmtpContent` reads both.
import { ContentTypeReaction, ReactionCodec, type Reaction } from "@xmtp/content-type-reaction";
import { ContentTypeReadReceipt, ReadReceiptCodec } from "@xmtp/content-type-read-receipt";
import {
  AttachmentCodec,
  ContentTypeRemoteAttachment,
  RemoteAttachmentCodec,
  type Attachment,
  type RemoteAttachment,
} from "@xmtp/content-type-remote-attachment";
import { ContentTypeReply, ReplyCodec, type Reply } from "@xmtp/content-type-reply";
import { ContentTypeText, TextCodec } from "@xmtp/content-type-text";
import {
  ContentTypeTransactionReference,
  TransactionReferenceCodec,
  type TransactionReference as XmtpTransactionReference,
} from "@xmtp/content-type-transaction-reference";
import { getAddress, type Address, type Hash } from "viem";

import { MessengerError } from "../errors.ts";
import { CallLogCodec, CallSignalCodec, ContentTypeCallLog } from "./callContent.ts";
import type { AttachmentRef, Message, MessageContent } from "../model.ts";
import { messageContentSchema } from "../schemas.ts";

// Structural types of @xmtp/content-type-primitives 2 (which the codecs build on); its v3 types differ.
export interface ContentTypeId {
  readonly authorityId: string;
  readonly typeId: string;
  readonly versionMajor: number;
  readonly versionMinor: number;
}
export interface EncodedContent {
  type: ContentTypeId;
  parameters: Record<string, string>;
  fallback?: string;
  compression?: number;
  content: Uint8Array;
}
export interface CodecRegistry {
  codecFor(contentType: ContentTypeId): ContentCodec | undefined;
}
export interface ContentCodec {
  readonly contentType: ContentTypeId;
  encode(content: never, registry: CodecRegistry): EncodedContent;
  decode(content: EncodedContent, registry: CodecRegistry): unknown;
  fallback(content: never): string | undefined;
}

/** The codecs we send with; the XMTP client gets the same list. */
export const xmtpCodecs = (): ContentCodec[] =>
  [
    new TextCodec(),
    new ReplyCodec(),
    new ReactionCodec(),
    new ReadReceiptCodec(),
    new RemoteAttachmentCodec(),
    new AttachmentCodec(),
    new TransactionReferenceCodec(),
    new CallSignalCodec(),
    new CallLogCodec(),
  ] as unknown as ContentCodec[];

const sameType = (a: Pick<ContentTypeId, "authorityId" | "typeId">, b: Pick<ContentTypeId, "authorityId" | "typeId">) =>
  a.authorityId === b.authorityId && a.typeId === b.typeId;

/** A codec registry over {@link xmtpCodecs} (replies encode and decode their inner content through it). */
export function codecRegistry(codecs: readonly ContentCodec[] = xmtpCodecs()): CodecRegistry {
  return {
    codecFor(contentType: ContentTypeId): ContentCodec | undefined {
      return codecs.find((codec) => sameType(codec.contentType, contentType));
    },
  };
}

const registry = codecRegistry();

function codecOf(contentType: ContentTypeId): ContentCodec {
  const codec = registry.codecFor(contentType);
  if (codec === undefined) throw new MessengerError("internal", `no codec for ${contentType.typeId}`);
  return codec;
}

/** Our content as the XMTP content type and value its codec encodes. */
export function toXmtpContent(content: MessageContent): { contentType: ContentTypeId; value: unknown } {
  switch (content.type) {
    case "text":
      return { contentType: ContentTypeText, value: content.text };
    case "reply":
      return {
        contentType: ContentTypeReply,
        value: { reference: content.reference, content: content.text, contentType: ContentTypeText } satisfies Reply,
      };
    case "reaction":
      return {
        contentType: ContentTypeReaction,
        value: {
          reference: content.reference,
          action: content.action,
          content: content.emoji,
          schema: "unicode",
        } satisfies Reaction,
      };
    case "readReceipt":
      return { contentType: ContentTypeReadReceipt, value: {} };
    case "attachment": {
      const { attachment } = content;
      if (attachment.encryption === undefined) {
        throw new MessengerError(
          "invalid_input",
          "XMTP sends only encrypted remote attachments (see encryptAttachment)",
        );
      }
      if (!attachment.url.startsWith("https://")) {
        throw new MessengerError("invalid_input", `XMTP remote attachments need an https URL, not ${attachment.url}`);
      }
      return {
        contentType: ContentTypeRemoteAttachment,
        value: {
          url: attachment.url,
          contentDigest: attachment.encryption.contentDigest,
          salt: attachment.encryption.salt,
          nonce: attachment.encryption.nonce,
          secret: attachment.encryption.secret,
          scheme: attachment.encryption.scheme,
          contentLength: attachment.size,
          filename: attachment.filename,
        } satisfies RemoteAttachment,
      };
    }
    case "transactionReference": {
      const { transaction } = content;
      const metadata = transaction.metadata;
      return {
        contentType: ContentTypeTransactionReference,
        value: {
          namespace: transaction.namespace,
          networkId: transaction.networkId,
          reference: transaction.reference,
          // XIP-21's amount is a JSON number: exact up to 2^53 base units. The tip card reads the real amount from
          // the chain when it verifies the transaction, so a rounded or forged number here never shows as verified.
          ...(metadata === undefined ? {} : { metadata: { ...metadata, amount: Number(metadata.amount) } }),
        } satisfies XmtpTransactionReference,
      };
    }
    case "call":
      return { contentType: ContentTypeCallLog, value: content.call };
  }
}

/** Encodes our content with XMTP's codec for its type (what `conversation.send(encoded)` takes). */
export function encodeContent(content: MessageContent): EncodedContent {
  const { contentType, value } = toXmtpContent(messageContentSchema.parse(content));
  return codecOf(contentType).encode(value as never, registry);
}

/** Decodes an encoded XMTP content with its codec into our content; undefined for types we do not show. */
export function decodeContent(encoded: EncodedContent): MessageContent | undefined {
  const codec = registry.codecFor(encoded.type);
  if (codec === undefined) return undefined;
  return fromXmtpContent(encoded.type, codec.decode(encoded, registry));
}

type Loose = Record<string, unknown>;
const isObject = (value: unknown): value is Loose => typeof value === "object" && value !== null;

function bytes(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (Array.isArray(value)) return Uint8Array.from(value as number[]);
  throw new MessengerError("invalid_input", "expected bytes");
}

function replyText(value: Loose): string | undefined {
  // Codec shape: { reference, content: "text", contentType }; SDK shape: { referenceId, content: { type: "text", content } }.
  if (typeof value.content === "string") return value.content;
  if (isObject(value.content) && value.content.type === "text" && typeof value.content.content === "string") {
    return value.content.content;
  }
  return undefined;
}

function reactionAction(action: unknown): "added" | "removed" | undefined {
  if (action === "added" || action === 1) return "added";
  if (action === "removed" || action === 2) return "removed";
  return undefined;
}

function networkId(value: unknown): number | undefined {
  const n = typeof value === "number" ? value : typeof value === "string" ? Number(value) : NaN; // "0x…" or decimal
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/**
 * XMTP content of `contentType` (codec- or SDK-decoded) as our content; undefined for types we do not show
 * (group updates…) and for content that does not make sense (a reply to nothing, a reaction without an emoji).
 */
export function fromXmtpContent(
  contentType: Pick<ContentTypeId, "authorityId" | "typeId">,
  value: unknown,
): MessageContent | undefined {
  const parsed = (() => {
    if (sameType(contentType, ContentTypeText))
      return typeof value === "string" ? { type: "text", text: value } : undefined;
    if (!isObject(value)) return undefined;
    if (sameType(contentType, ContentTypeReply)) {
      const reference = value.reference ?? value.referenceId;
      const text = replyText(value);
      return typeof reference === "string" && text !== undefined ? { type: "reply", reference, text } : undefined;
    }
    if (sameType(contentType, ContentTypeReaction)) {
      const action = reactionAction(value.action);
      return typeof value.reference === "string" && action !== undefined && typeof value.content === "string"
        ? { type: "reaction", reference: value.reference, action, emoji: value.content }
        : undefined;
    }
    if (sameType(contentType, ContentTypeReadReceipt)) return { type: "readReceipt" };
    if (sameType(contentType, ContentTypeCallLog)) return { type: "call", call: value };
    if (sameType(contentType, ContentTypeRemoteAttachment)) {
      const attachment: AttachmentRef = {
        url: String(value.url),
        filename: String(value.filename ?? "attachment"),
        // The type travels inside the encrypted payload; known once loaded.
        mimeType: "application/octet-stream",
        size: Number(value.contentLength ?? 0),
        encryption: {
          contentDigest: String(value.contentDigest),
          secret: bytes(value.secret),
          salt: bytes(value.salt),
          nonce: bytes(value.nonce),
          scheme: String(value.scheme),
        },
      };
      return { type: "attachment", attachment };
    }
    if (sameType(contentType, ContentTypeTransactionReference)) {
      const id = networkId(value.networkId);
      if (id === undefined || (value.namespace !== undefined && value.namespace !== "eip155")) return undefined;
      const metadata = isObject(value.metadata) ? value.metadata : undefined;
      const amount = metadata === undefined ? undefined : Number(metadata.amount);
      return {
        type: "transactionReference",
        transaction: {
          namespace: "eip155",
          networkId: id,
          reference: value.reference as Hash,
          ...(metadata === undefined || amount === undefined || !Number.isFinite(amount) || amount < 0
            ? {}
            : {
                metadata: {
                  transactionType: String(metadata.transactionType),
                  currency: String(metadata.currency),
                  amount: BigInt(Math.trunc(amount)).toString(),
                  decimals: Number(metadata.decimals),
                  fromAddress: metadata.fromAddress as Address,
                  toAddress: metadata.toAddress as Address,
                },
              }),
        },
      };
    }
    return undefined;
  })();
  if (parsed === undefined) return undefined;
  // Whatever came over the network passes the same checks as what we send.
  const checked = messageContentSchema.safeParse(parsed);
  return checked.success ? checked.data : undefined;
}

/** The fields of an XMTP message we read (a browser-sdk DecodedMessage has them all). */
export interface XmtpMessageLike {
  readonly id: string;
  readonly conversationId: string;
  readonly senderInboxId: string;
  readonly sentAtNs: bigint;
  readonly contentType: Pick<ContentTypeId, "authorityId" | "typeId">;
  readonly content: unknown;
}

/** An XMTP message as ours; `senderAddress` resolves an inbox id to its wallet (from the conversation's members). */
export function toMessage(message: XmtpMessageLike, senderAddress: (inboxId: string) => Address): Message | undefined {
  const content = fromXmtpContent(message.contentType, message.content);
  if (content === undefined) return undefined;
  return {
    id: message.id,
    conversationId: message.conversationId,
    sender: getAddress(senderAddress(message.senderInboxId)),
    sentAt: Number(message.sentAtNs / 1_000_000n),
    content,
    cursor: message.sentAtNs.toString(),
  };
}

/** Encrypts a file for a remote attachment: upload `payload` anywhere over HTTPS, then send `attachment`. */
export async function encryptAttachment(
  file: { bytes: Uint8Array; filename: string; mimeType: string },
  url: (payload: Uint8Array) => Promise<string>,
): Promise<AttachmentRef> {
  const encrypted = await RemoteAttachmentCodec.encodeEncrypted<Attachment>(
    { filename: file.filename, mimeType: file.mimeType, data: file.bytes },
    new AttachmentCodec(),
  );
  return {
    url: await url(encrypted.payload),
    filename: file.filename,
    mimeType: file.mimeType,
    size: file.bytes.length,
    encryption: {
      contentDigest: encrypted.digest,
      secret: encrypted.secret,
      salt: encrypted.salt,
      nonce: encrypted.nonce,
      scheme: "https://",
    },
  };
}

/** Downloads, checks the digest of and decrypts a remote attachment. */
export async function loadAttachment(attachment: AttachmentRef): Promise<Attachment> {
  const { value } = toXmtpContent({ type: "attachment", attachment });
  try {
    return await RemoteAttachmentCodec.load<Attachment>(value as RemoteAttachment, registry as never);
  } catch (error) {
    throw new MessengerError(
      "invalid_input",
      `attachment ${attachment.url} failed to load: ${(error as Error).message}`,
    );
  }
}
