// Livepeer's webhook signature, as Livepeer Studio documents it: a
// `Livepeer-Signature: t=<timestamp ms>,v1=<hex HMAC-SHA256>[,v1=…]` header,
// where each v1 is the HMAC-SHA256 of the raw request body with the webhook's
// shared secret, and the JSON body repeats the same `timestamp` (so an old
// signed body cannot be replayed with a new `t`).
import { createHmac, timingSafeEqual } from "node:crypto";

export const LIVEPEER_SIGNATURE_HEADER = "livepeer-signature";
/** How far a webhook's timestamp may be from now. */
export const DEFAULT_TOLERANCE_MS = 5 * 60 * 1000;

export type WebhookSignatureFailure = "missing" | "malformed" | "bad_signature" | "stale" | "timestamp_mismatch";

export class WebhookSignatureError extends Error {
  override readonly name = "WebhookSignatureError";
  constructor(
    readonly reason: WebhookSignatureFailure,
    message: string,
  ) {
    super(message);
  }
}

const hmac = (secret: string, rawBody: string | Buffer): Buffer =>
  createHmac("sha256", secret).update(rawBody).digest();

/** The header Livepeer would send for `rawBody` at `timestampMs` (for tests and the local stand-in). */
export function signLivepeerWebhook(secret: string, rawBody: string, timestampMs: number): string {
  return `t=${timestampMs},v1=${hmac(secret, rawBody).toString("hex")}`;
}

/**
 * Checks a Livepeer webhook: the header's signature over the raw body, its age, and that the body's `timestamp`
 * is the header's `t`. Returns the parsed body; throws {@link WebhookSignatureError}.
 */
export function verifyLivepeerWebhook(parameters: {
  readonly header: string | undefined;
  readonly rawBody: Buffer | string;
  readonly secret: string;
  readonly nowMs: number;
  readonly toleranceMs?: number;
}): Record<string, unknown> {
  const { header, rawBody, secret, nowMs } = parameters;
  if (header === undefined || header === "") throw new WebhookSignatureError("missing", "no Livepeer-Signature header");
  let timestamp: number | undefined;
  const signatures: Buffer[] = [];
  for (const element of header.split(",")) {
    const at = element.indexOf("=");
    if (at < 0) continue;
    const prefix = element.slice(0, at).trim();
    const value = element.slice(at + 1).trim();
    if (prefix === "t" && /^\d{1,16}$/.test(value)) timestamp = Number(value);
    else if (prefix === "v1" && /^[0-9a-f]{64}$/i.test(value)) signatures.push(Buffer.from(value, "hex"));
  }
  if (timestamp === undefined || signatures.length === 0) {
    throw new WebhookSignatureError("malformed", "Livepeer-Signature lacks t= or a v1= signature");
  }
  const expected = hmac(secret, rawBody);
  if (!signatures.some((given) => timingSafeEqual(given, expected))) {
    throw new WebhookSignatureError("bad_signature", "Livepeer-Signature does not match the body");
  }
  if (Math.abs(nowMs - timestamp) > (parameters.toleranceMs ?? DEFAULT_TOLERANCE_MS)) {
    throw new WebhookSignatureError("stale", `webhook timestamp ${timestamp} is too far from now`);
  }
  let body: unknown;
  try {
    body = JSON.parse(rawBody.toString());
  } catch {
    throw new WebhookSignatureError("malformed", "webhook body is not JSON");
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new WebhookSignatureError("malformed", "webhook body is not a JSON object");
  }
  const bodyTimestamp = (body as { timestamp?: unknown }).timestamp;
  if (bodyTimestamp !== undefined && Number(bodyTimestamp) !== timestamp) {
    throw new WebhookSignatureError("timestamp_mismatch", "body timestamp differs from the signed header's");
  }
  return body as Record<string, unknown>;
}
