// Production adapter: Persona's webhooks (docs.withpersona.com, "Webhooks" and "Inquiry approved").
// Wire format: POST, JSON:API body `{ data: { type: "event", id: "evt_…", attributes: { name: "inquiry.approved",
// payload: { data: <the inquiry> } } } }`; header `Persona-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
// "<t>.<raw body>" keyed with the webhook secret>`; while a secret rotates, several `t=…,v1=…` groups separated
// by spaces, any of which may match. The inquiry is started with `reference-id` = the fan's wallet, so an approved
// inquiry names whom to attest. Name, birth date and country come from the inquiry's `fields` (API versions from
// 2022) or its top-level attributes (older versions).
import { createHmac, timingSafeEqual } from "node:crypto";

import { getAddress, isAddress, type Address } from "viem";
import { z } from "zod";

import { registrationSchema, type RegistrationData } from "../registration.ts";

export const PERSONA_SIGNATURE_HEADER = "persona-signature";

export type WebhookRefusal = "missing_signature" | "malformed_signature" | "bad_signature" | "expired_signature";

/** The delivery is not provably from Persona: answer 401 and change nothing. */
export class WebhookSignatureError extends Error {
  override readonly name = "WebhookSignatureError";
  constructor(
    readonly reason: WebhookRefusal,
    message: string,
  ) {
    super(message);
  }
}

/** Signed, but not an event this adapter can act on (bad shape, no wallet, data that fails our rules). */
export class WebhookPayloadError extends Error {
  override readonly name = "WebhookPayloadError";
}

export type ProviderVerdict =
  | {
      readonly kind: "approved";
      readonly eventId: string;
      readonly inquiryId: string;
      readonly wallet: Address;
      readonly data: RegistrationData;
    }
  | { readonly kind: "ignored"; readonly eventId: string; readonly eventName: string };

export interface PersonaAdapterParameters {
  /** The webhook's secret (`wbhsec_…`). */
  readonly webhookSecret: string;
  /** Oldest signature timestamp accepted, seconds before now (and as far ahead, for clock skew). */
  readonly toleranceSeconds: number;
}

function hmacHex(secret: string, timestamp: string, rawBody: string): Buffer {
  return createHmac("sha256", secret).update(`${timestamp}.${rawBody}`).digest();
}

/** Signs a body as Persona does (for tests and the local simulator): `t=<now>,v1=<hex>`. */
export function signPersonaPayload(rawBody: string, secret: string, timestamp: number): string {
  return `t=${timestamp},v1=${hmacHex(secret, String(timestamp), rawBody).toString("hex")}`;
}

/** Checks the Persona-Signature header against the raw body; throws {@link WebhookSignatureError}. */
export function verifyPersonaSignature(
  rawBody: string,
  header: string | undefined,
  parameters: PersonaAdapterParameters,
  nowSeconds: number,
): void {
  if (header === undefined || header.trim() === "") {
    throw new WebhookSignatureError("missing_signature", "the Persona-Signature header is missing");
  }
  const groups = header.trim().split(/\s+/);
  let sawFresh = false;
  for (const group of groups) {
    const fields = new Map<string, string>();
    for (const part of group.split(",")) {
      const at = part.indexOf("=");
      if (at > 0) fields.set(part.slice(0, at), part.slice(at + 1));
    }
    const timestamp = fields.get("t");
    const signature = fields.get("v1");
    if (
      timestamp === undefined ||
      !/^\d+$/.test(timestamp) ||
      signature === undefined ||
      !/^[0-9a-f]{64}$/i.test(signature)
    ) {
      throw new WebhookSignatureError(
        "malformed_signature",
        "the Persona-Signature header is not t=<seconds>,v1=<hex>",
      );
    }
    if (Math.abs(nowSeconds - Number(timestamp)) > parameters.toleranceSeconds) continue;
    sawFresh = true;
    const expected = hmacHex(parameters.webhookSecret, timestamp, rawBody);
    if (timingSafeEqual(expected, Buffer.from(signature, "hex"))) return;
  }
  if (!sawFresh) {
    throw new WebhookSignatureError(
      "expired_signature",
      `the signature's timestamp is more than ${parameters.toleranceSeconds} s from now`,
    );
  }
  throw new WebhookSignatureError("bad_signature", "the Persona-Signature does not match the body");
}

const field = z.object({ value: z.unknown() }).partial();
const inquirySchema = z.object({
  type: z.literal("inquiry"),
  id: z.string().min(1),
  attributes: z
    .object({
      status: z.string(),
      "reference-id": z.string().nullable().optional(),
      "name-first": z.string().nullable().optional(),
      "name-middle": z.string().nullable().optional(),
      "name-last": z.string().nullable().optional(),
      birthdate: z.string().nullable().optional(),
      "address-country-code": z.string().nullable().optional(),
      fields: z.record(field).optional(),
    })
    .passthrough(),
});
const eventSchema = z.object({
  data: z.object({
    type: z.literal("event"),
    id: z.string().min(1),
    attributes: z.object({ name: z.string().min(1), payload: z.object({ data: z.unknown() }) }).passthrough(),
  }),
});

function text(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

/** Verifies a delivery and reads it; `now` is unix seconds. */
export function parsePersonaWebhook(
  rawBody: string,
  signatureHeader: string | undefined,
  parameters: PersonaAdapterParameters,
  nowSeconds: number,
): ProviderVerdict {
  verifyPersonaSignature(rawBody, signatureHeader, parameters, nowSeconds);
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch {
    throw new WebhookPayloadError("the body is not JSON");
  }
  const event = eventSchema.safeParse(json);
  if (!event.success) throw new WebhookPayloadError("the body is not a Persona event");
  const { id: eventId, attributes } = event.data.data;
  if (attributes.name !== "inquiry.approved") return { kind: "ignored", eventId, eventName: attributes.name };

  const inquiry = inquirySchema.safeParse(attributes.payload.data);
  if (!inquiry.success) throw new WebhookPayloadError("inquiry.approved carries no inquiry");
  const a = inquiry.data.attributes;
  if (a.status !== "approved") throw new WebhookPayloadError(`inquiry ${inquiry.data.id} is ${a.status}, not approved`);
  const reference = a["reference-id"];
  if (typeof reference !== "string" || !isAddress(reference)) {
    throw new WebhookPayloadError(`inquiry ${inquiry.data.id} has no wallet address as its reference-id`);
  }
  const fields = a.fields ?? {};
  const pick = (name: string): string | undefined => text(fields[name]?.value) ?? text(a[name as keyof typeof a]);
  const legalName = [pick("name-first"), pick("name-middle"), pick("name-last")].filter(Boolean).join(" ");
  const data = registrationSchema(new Date(nowSeconds * 1000)).safeParse({
    legalName,
    dateOfBirth: pick("birthdate") ?? "",
    country: pick("address-country-code") ?? "",
  });
  if (!data.success) {
    const why = data.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ");
    throw new WebhookPayloadError(`inquiry ${inquiry.data.id} fails the registration rules: ${why}`);
  }
  return { kind: "approved", eventId, inquiryId: inquiry.data.id, wallet: getAddress(reference), data: data.data };
}
