// Mesi's own XMTP content types for calls (XMTP has none): a call signal (offer, answer, ICE candidate, ring,
// hangup…) that carries WebRTC signaling over the conversation, and a call log (the "missed call" line a chat
// keeps). Both are JSON in UTF-8 under the authority `mesi.app`; whatever arrives is checked by the same schemas as
// what we send, so a malformed or foreign payload decodes to an error, never to a half-filled object.
// Browser-safe.
import { z } from "zod";

import { MessengerError } from "../errors.ts";
import type { CallLog, CallSignal } from "../model.ts";
import { callLogSchema, callSignalSchema } from "../schemas.ts";
import type { ContentTypeId, EncodedContent } from "./content.ts";

export const ContentTypeCallSignal: ContentTypeId = {
  authorityId: "mesi.app",
  typeId: "callSignal",
  versionMajor: 1,
  versionMinor: 0,
};

export const ContentTypeCallLog: ContentTypeId = {
  authorityId: "mesi.app",
  typeId: "callLog",
  versionMajor: 1,
  versionMinor: 0,
};

/** A call signal as XMTP sends it: for one member (`to`, lower-case address) or every other member. */
export interface CallSignalEnvelope {
  readonly signal: CallSignal;
  readonly to?: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

function json(encoded: EncodedContent, expected: ContentTypeId): unknown {
  if (encoded.type.authorityId !== expected.authorityId || encoded.type.typeId !== expected.typeId) {
    throw new MessengerError("invalid_input", `expected ${expected.typeId}, got ${encoded.type.typeId}`);
  }
  if (encoded.type.versionMajor !== expected.versionMajor) {
    throw new MessengerError("invalid_input", `${expected.typeId} version ${encoded.type.versionMajor} is not known`);
  }
  try {
    return JSON.parse(decoder.decode(encoded.content));
  } catch {
    throw new MessengerError("invalid_input", `${expected.typeId} content is not UTF-8 JSON`);
  }
}

function check<T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new MessengerError(
      "invalid_input",
      `not a valid ${what}: ${issue?.path.join(".") || "value"}: ${issue?.message}`,
    );
  }
  return parsed.data;
}

const envelopeSchema = z
  .object({
    signal: callSignalSchema,
    to: z
      .string()
      .regex(/^0x[0-9a-f]{40}$/, "a lower-case address")
      .optional(),
  })
  .strict() as z.ZodType<CallSignalEnvelope, z.ZodTypeDef, unknown>;

/** WebRTC signaling. Never pushed as a notification, and without a fallback: other XMTP apps show nothing. */
export class CallSignalCodec {
  readonly contentType = ContentTypeCallSignal;

  encode(envelope: CallSignalEnvelope): EncodedContent {
    const checked = check(envelopeSchema, envelope, "call signal");
    return { type: ContentTypeCallSignal, parameters: {}, content: encoder.encode(JSON.stringify(checked)) };
  }

  decode(encoded: EncodedContent): CallSignalEnvelope {
    return check(envelopeSchema, json(encoded, ContentTypeCallSignal), "call signal");
  }

  fallback(): string | undefined {
    return undefined;
  }

  shouldPush(envelope: CallSignalEnvelope): boolean {
    // A ring is what wakes the callee's phone; offers, answers and candidates are machine talk.
    return envelope.signal.kind === "ring";
  }
}

/** The "missed call" line; other XMTP apps show the fallback text. */
export class CallLogCodec {
  readonly contentType = ContentTypeCallLog;

  encode(call: CallLog): EncodedContent {
    const checked = check(callLogSchema, call, "call log");
    return {
      type: ContentTypeCallLog,
      parameters: {},
      fallback: this.fallback(checked),
      content: encoder.encode(JSON.stringify(checked)),
    };
  }

  decode(encoded: EncodedContent): CallLog {
    return check(callLogSchema, json(encoded, ContentTypeCallLog), "call log");
  }

  fallback(call: CallLog): string {
    const kind = call.media === "video" ? "video call" : "voice call";
    if (call.outcome === "missed") return `Missed ${kind}`;
    if (call.outcome === "declined") return `Declined ${kind}`;
    return `${kind[0]!.toUpperCase()}${kind.slice(1)} (${call.seconds ?? 0} s)`;
  }

  shouldPush(call: CallLog): boolean {
    return call.outcome !== "ended";
  }
}
