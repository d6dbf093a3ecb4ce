// The Persona adapter against Persona's documented wire format: a JSON:API event body, signed in
// `Persona-Signature: t=<seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, several groups while a secret rotates.
// The sample bodies below follow the "Inquiry approved" webhook page's payload shape.
import { createHmac } from "node:crypto";

import { describe, expect, it } from "vitest";

import {
  parsePersonaWebhook,
  signPersonaPayload,
  WebhookPayloadError,
  WebhookSignatureError,
} from "../src/providers/persona.ts";

const secret = "wbhsec_6f0b4c1e-test-secret-0123";
const now = 1_796_000_000; // 2026-11-30
const params = { webhookSecret: secret, toleranceSeconds: 300 };
const wallet = "0x976ea74026e726554db657fa54763abd0c3a0aa9";

function inquiryEvent(name: string, attributes: Record<string, unknown>, eventId = "evt_XGuYWp7WuDzNxie5z16s7sGJ") {
  return JSON.stringify({
    data: {
      type: "event",
      id: eventId,
      attributes: {
        name,
        "created-at": "2026-11-30T10:00:00.000Z",
        payload: {
          data: {
            type: "inquiry",
            id: "inq_2CVZ4HyVg7qaboXz2PUHknAn",
            attributes: {
              status: "approved",
              "reference-id": wallet,
              "created-at": "2026-11-30T09:50:00.000Z",
              "completed-at": "2026-11-30T09:58:00.000Z",
              ...attributes,
            },
            relationships: { template: { data: { id: "itmpl_abc", type: "inquiry-template" } } },
          },
        },
      },
    },
  });
}

const approvedWithFields = inquiryEvent("inquiry.approved", {
  fields: {
    "name-first": { type: "string", value: "Ada" },
    "name-middle": { type: "string", value: null },
    "name-last": { type: "string", value: "Lovelace" },
    birthdate: { type: "date", value: "1990-01-31" },
    "address-country-code": { type: "string", value: "GB" },
  },
});

describe("Persona webhook signature", () => {
  it("accepts a delivery signed as the docs describe and reads the approved inquiry", () => {
    const verdict = parsePersonaWebhook(
      approvedWithFields,
      signPersonaPayload(approvedWithFields, secret, now - 5),
      params,
      now,
    );
    expect(verdict).toEqual({
      kind: "approved",
      eventId: "evt_XGuYWp7WuDzNxie5z16s7sGJ",
      inquiryId: "inq_2CVZ4HyVg7qaboXz2PUHknAn",
      wallet: "0x976EA74026E726554dB657fA54763abd0C3a0aa9",
      data: { legalName: "Ada Lovelace", dateOfBirth: "1990-01-31", country: "GB" },
    });
  });

  it("our signer matches an independent HMAC of `${t}.${body}` (hex)", () => {
    const expected = createHmac("sha256", secret).update(`${now}.${approvedWithFields}`).digest("hex");
    expect(signPersonaPayload(approvedWithFields, secret, now)).toBe(`t=${now},v1=${expected}`);
  });

  it("refuses a forged signature (other secret), a changed body and a missing or malformed header", () => {
    const refusal = (body: string, header: string | undefined) => {
      try {
        parsePersonaWebhook(body, header, params, now);
      } catch (error) {
        if (error instanceof WebhookSignatureError) return error.reason;
        throw error;
      }
      return "accepted";
    };
    expect(
      refusal(approvedWithFields, signPersonaPayload(approvedWithFields, "wbhsec_attacker-guess-000000", now)),
    ).toBe("bad_signature");
    const signedOriginal = signPersonaPayload(approvedWithFields, secret, now);
    expect(refusal(approvedWithFields.replace("1990-01-31", "1980-01-31"), signedOriginal)).toBe("bad_signature");
    expect(refusal(approvedWithFields, undefined)).toBe("missing_signature");
    expect(refusal(approvedWithFields, "sha256=deadbeef")).toBe("malformed_signature");
  });

  it("refuses a signature older (or further ahead) than the tolerance, even if the HMAC is right", () => {
    const old = signPersonaPayload(approvedWithFields, secret, now - 301);
    expect(() => parsePersonaWebhook(approvedWithFields, old, params, now)).toThrow(
      expect.objectContaining({ reason: "expired_signature" }),
    );
    const ahead = signPersonaPayload(approvedWithFields, secret, now + 301);
    expect(() => parsePersonaWebhook(approvedWithFields, ahead, params, now)).toThrow(WebhookSignatureError);
    const edge = signPersonaPayload(approvedWithFields, secret, now - 300);
    expect(parsePersonaWebhook(approvedWithFields, edge, params, now).kind).toBe("approved");
  });

  it("during a secret rotation accepts the delivery when any space-separated group matches", () => {
    const header = `${signPersonaPayload(approvedWithFields, "wbhsec_the-old-secret-0000000", now)} ${signPersonaPayload(approvedWithFields, secret, now)}`;
    expect(parsePersonaWebhook(approvedWithFields, header, params, now).kind).toBe("approved");
  });
});

describe("Persona event shapes", () => {
  const signed = (body: string) => parsePersonaWebhook(body, signPersonaPayload(body, secret, now), params, now);

  it("reads the older API versions' top-level inquiry attributes too", () => {
    const body = inquiryEvent("inquiry.approved", {
      "name-first": "Grace",
      "name-last": "Hopper",
      birthdate: "1976-12-09",
      "address-country-code": "us",
    });
    expect(signed(body)).toMatchObject({ kind: "approved", data: { legalName: "Grace Hopper", country: "US" } });
  });

  it("ignores other events (completed, declined) without acting", () => {
    expect(signed(inquiryEvent("inquiry.declined", { status: "declined" }))).toEqual({
      kind: "ignored",
      eventId: "evt_XGuYWp7WuDzNxie5z16s7sGJ",
      eventName: "inquiry.declined",
    });
  });

  it("refuses an approved inquiry without a wallet reference, with a minor, or a body that is not an event", () => {
    expect(() => signed(inquiryEvent("inquiry.approved", { "reference-id": null }))).toThrow(/reference-id/);
    const minor = inquiryEvent("inquiry.approved", {
      "name-first": "Kid",
      "name-last": "Young",
      birthdate: "2015-01-01",
      "address-country-code": "FR",
    });
    expect(() => signed(minor)).toThrow(/at least 18/);
    expect(() => signed(JSON.stringify({ hello: "world" }))).toThrow(WebhookPayloadError);
    expect(() => signed("not json")).toThrow(/not JSON/);
  });
});
