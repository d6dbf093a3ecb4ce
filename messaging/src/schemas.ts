// The checks of what comes over the wire (zod): content a client sends, call signals, incoming rules, addresses.
// Used by the hub, the XMTP adapter and tests; kept out of ./model.ts so the webapp's messenger pages load without
// zod (the package is side-effect free: a bundle that uses none of these drops this module).
import type { Hash } from "viem";
import { z } from "zod";

import { checksumAddress, isAddressLike, isTransactionHash } from "./address.ts";
import type { CallSignal, IncomingRule, MessageContent } from "./model.ts";
import { MAX_CALL_PARTICIPANTS, MAX_TEXT_LENGTH } from "./model.ts";

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

const callIdSchema = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[\w-]+$/, "a call id is letters, digits, - and _");

export const callLogSchema = z
  .object({
    callId: callIdSchema,
    media: z.enum(["audio", "video"]),
    outcome: z.enum(["missed", "declined", "ended"]),
    seconds: z
      .number()
      .int()
      .min(0)
      .max(7 * 86_400)
      .optional(),
  })
  .strict();

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
  z.object({ type: z.literal("call"), call: callLogSchema }),
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

export const callSignalSchema = z.object({
  kind: z.enum(["ring", "offer", "answer", "ice", "hangup", "decline", "busy", "camera", "join", "leave"]),
  callId: callIdSchema,
  media: z.enum(["audio", "video"]).optional(),
  sdp: z.string().max(32_000).optional(),
  cameraOff: z.boolean().optional(),
  participants: z.array(addressSchema).max(MAX_CALL_PARTICIPANTS).optional(),
  candidate: z
    .object({
      candidate: z.string().max(1_000),
      sdpMid: z.string().max(100).nullable().optional(),
      sdpMLineIndex: z.number().int().min(0).max(100).nullable().optional(),
    })
    .optional(),
}) as z.ZodType<CallSignal, z.ZodTypeDef, unknown>;
