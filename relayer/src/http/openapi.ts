// The relayer's OpenAPI 3.1 document, generated from the same zod schemas the
// routes parse their bodies with (@asteasolutions/zod-to-openapi), served at
// GET /openapi.json. Every route the server registers is listed here; the
// test (test/openapi.test.ts) checks both directions and that the quote
// body's example is accepted as documented.
import {
  extendZodWithOpenApi,
  OpenApiGeneratorV31,
  OpenAPIRegistry,
  type RouteConfig,
} from "@asteasolutions/zod-to-openapi";
import { z, type ZodTypeAny } from "zod";

import { quoteRequestSchema } from "../quotes/service.ts";
import { stablecoinTicketRequestSchema } from "../sponsorship/stablecoinTicket.ts";
import { stablecoinTipRequestSchema } from "../sponsorship/stablecoinTip.ts";
import { ticketRequestSchema } from "../sponsorship/ticketBySig.ts";
import { tipRequestSchema } from "../sponsorship/tipBySig.ts";

// The generator reads parameters through zod's `.openapi()`, which this adds (the library's documented setup).
extendZodWithOpenApi(z);

type OpenApiDocument = ReturnType<OpenApiGeneratorV31["generateDocument"]>;

/** Every refusal: a stable machine-readable code, a sentence a person can act on, and the code's own details. */
export const errorResponseSchema = z
  .object({
    error: z.string().describe("stable machine-readable code, e.g. invalid_quote_request"),
    message: z.string().describe("what went wrong, for a person"),
  })
  .passthrough();

/** A quote body that /quotes accepts for a card tip of 500 $MESI (the addresses must be open Mesi accounts). */
export const quoteRequestExample = {
  fan: "0x70997970c51812dc3a010c7d01b50e0d17dc79c8",
  creator: "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc",
  purpose: "tip",
  mesiAmount: "500000000000000000000",
  channel: 0,
} as const;

const quoteViewSchema = z.object({
  quoteId: z.string(),
  status: z.string(),
  fan: z.string(),
  creator: z.string(),
  purpose: z.enum(["tip", "ticket"]),
  mesiAmount: z.string().describe("$MESI base units (10^18 per MESI), decimal"),
  amountMinor: z.number().int().describe("the card charge in the currency's minor unit"),
  currency: z.string(),
  fiatPerMesi: z.string(),
  streamId: z.string().nullable(),
  quantity: z.number().int().nullable(),
  expiresAt: z.string().describe("ISO 8601"),
  paymentIntentId: z.string().nullable(),
  clientSecret: z.string().nullable().describe("Stripe's client secret to confirm the payment in the browser"),
  paymentRef: z.string().nullable().describe("keccak256 of the PaymentIntent id: the on-chain credit's reference"),
});

const relayAcceptedSchema = z.object({
  requestId: z.number().int(),
  status: z.literal("queued"),
  reservedGas: z.string().describe("gas reserved against the fan's monthly sponsorship"),
});

const json = (schema: ZodTypeAny, example?: unknown) => ({
  content: { "application/json": { schema, ...(example === undefined ? {} : { example }) } },
});
const ok = (description: string, schema: ZodTypeAny = z.object({}).passthrough()) => ({
  description,
  ...json(schema),
});
const refused = (description: string) => ({ description, ...json(errorResponseSchema) });
const idParams = (name: string, description: string) => z.object({ [name]: z.string().describe(description) });

function routes(options: { simulator: boolean }): RouteConfig[] {
  const list: RouteConfig[] = [
    {
      method: "get",
      path: "/healthz",
      summary: "Liveness: store, chain and shutdown state",
      responses: { 200: ok("healthy"), 503: ok("a dependency is down or the relayer is stopping") },
    },
    {
      method: "get",
      path: "/metrics",
      summary: "Prometheus metrics",
      responses: { 200: { description: "text exposition format", content: { "text/plain": { schema: z.string() } } } },
    },
    {
      method: "get",
      path: "/openapi.json",
      summary: "This document",
      responses: { 200: ok("the OpenAPI 3.1 document") },
    },
    {
      method: "post",
      path: "/webhooks/stripe",
      summary: "Stripe's signed webhook (payment_intent.*, charge.refunded, charge.dispute.*)",
      request: {
        headers: z.object({ "stripe-signature": z.string().describe("t=…,v1=… (HMAC-SHA256 of the raw body)") }),
        body: json(z.object({ id: z.string(), type: z.string(), data: z.object({}).passthrough() }).passthrough()),
      },
      responses: {
        200: ok("acknowledged (also a duplicate event)", z.object({ received: z.literal(true) }).passthrough()),
        400: refused("bad signature or malformed event: not acknowledged"),
        503: refused("a concurrent event kept conflicting: deliver again"),
      },
    },
    {
      method: "post",
      path: "/quotes",
      summary: "Quote a card payment (tip or ticket) and open its Stripe PaymentIntent",
      request: { body: json(quoteRequestSchema, quoteRequestExample) },
      responses: {
        201: ok("the quote and its PaymentIntent", quoteViewSchema),
        400: refused("the body does not parse (invalid_quote_request) or names an impossible payment"),
        404: refused("no such ticket sale"),
        409: refused("sold out, or too many open quotes"),
        422: refused("the credit would fail on-chain, or the amount is outside the card limits"),
        429: refused("rate limited"),
      },
    },
    {
      method: "get",
      path: "/quotes/{id}",
      summary: "A quote",
      request: { params: idParams("id", "quote id") },
      responses: { 200: ok("the quote", quoteViewSchema), 404: refused("no such quote") },
    },
    {
      method: "post",
      path: "/quotes/{id}/check",
      summary: "Checks again, just before the card is charged, that the quote can still be credited",
      request: { params: idParams("id", "quote id") },
      responses: {
        200: ok("creditable", z.object({ quoteId: z.string(), creditable: z.literal(true) })),
        404: refused("no such quote"),
        409: refused("the quote is no longer open, or expired"),
        422: refused("the credit would fail on-chain"),
      },
    },
    {
      method: "get",
      path: "/payments/{ref}",
      summary: "A card payment by its on-chain reference, with its outbox operations",
      request: { params: idParams("ref", "the payment reference (0x…, 32 bytes)") },
      responses: { 200: ok("the payment"), 404: refused("no such payment") },
    },
    ...(
      [
        ["/relay/tip", tipRequestSchema, "A gasless $MESI tip signed by the fan (MesiVault.tipBySig)"],
        ["/relay/stablecoin-tip", stablecoinTipRequestSchema, "A gasless stablecoin tip (EIP-3009 authorization)"],
        ["/relay/ticket", ticketRequestSchema, "A gasless ticket purchase signed by the fan (MesiTickets.buyBySig)"],
        [
          "/relay/stablecoin-ticket",
          stablecoinTicketRequestSchema,
          "A gasless ticket purchase paid in a stablecoin, signed by the fan (MesiTickets.buyWithStablecoinBySig)",
        ],
      ] as const
    ).map(([path, schema, summary]): RouteConfig => ({
      method: "post",
      path,
      summary,
      request: { body: json(schema) },
      responses: {
        202: ok("queued", relayAcceptedSchema),
        400: refused("the body does not parse or the signature is not the fan's"),
        402: refused("the fan's monthly gas sponsorship is spent"),
        409: refused("this signed request was already submitted"),
        422: refused("the transaction would fail on-chain"),
      },
    })),
    {
      method: "get",
      path: "/relay/requests/{id}",
      summary: "A gasless request's state",
      request: { params: idParams("id", "requestId from the 202 answer") },
      responses: {
        200: ok(
          "its state",
          z.object({
            requestId: z.number().int(),
            kind: z.string(),
            status: z.string(),
            txHash: z.string().nullable(),
            error: z.string().nullable(),
          }),
        ),
        404: refused("no such request"),
      },
    },
  ];
  if (options.simulator) {
    list.push({
      method: "post",
      path: "/dev/simulate-payment",
      summary: "LOCAL DEVELOPMENT ONLY: pays a quote with a signed Stripe-format event",
      request: {
        body: json(
          z.object({
            quoteId: z.string(),
            outcome: z.enum(["succeeded", "failed", "refunded", "disputed"]).default("succeeded"),
          }),
        ),
      },
      responses: {
        200: ok("the event and the webhook's answer"),
        400: refused("bad body"),
        404: refused("no such quote"),
        409: refused("the quote has no PaymentIntent or expired"),
      },
    });
  }
  return list;
}

/** The document for a relayer with this configuration (the simulator route only where it is enabled). */
export function buildOpenApiDocument(options: { simulator: boolean }): OpenApiDocument {
  const registry = new OpenAPIRegistry();
  for (const route of routes(options)) registry.registerPath(route);
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: "3.1.0",
    info: {
      title: "Mesi relayer",
      version: "1",
      description:
        "Turns Stripe payments and signed gasless requests into exactly-once $MESI credits on-chain. " +
        "Every refusal is JSON {error, message, …details}. Amounts are decimal strings of base units.",
    },
  });
}
