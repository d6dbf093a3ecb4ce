// The real Stripe adapter (official SDK) against Stripe's documented wire
// format, served by a local HTTP endpoint standing where api.stripe.com would:
// form-encoded POST /v1/payment_intents with an Idempotency-Key header, and
// the same key on a retry.
import { createServer, type IncomingMessage, type Server } from "node:http";

import { afterAll, beforeAll, expect, test } from "vitest";

import { StripeApiGateway } from "../src/stripe/adapter.ts";
import { signEvent } from "../src/stripe/simulator.ts";

interface Recorded {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: URLSearchParams;
}

let server: Server;
let port: number;
const requests: Recorded[] = [];
const failedOnce = new Set<string>();

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      const params = new URLSearchParams(body);
      requests.push({ method: request.method!, path: request.url!, headers: request.headers, body: params });
      // The first try of a request whose body asks for it fails like a dropped Stripe edge (HTTP 500).
      if (params.get("metadata[failOnce]") === "yes" && !failedOnce.has(params.get("metadata[quoteId]") ?? "")) {
        failedOnce.add(params.get("metadata[quoteId]") ?? "");
        response.statusCode = 500;
        response.setHeader("content-type", "application/json");
        response.end(JSON.stringify({ error: { type: "api_error", message: "temporary" } }));
        return;
      }
      if (request.url === "/v1/refunds") {
        response.setHeader("content-type", "application/json");
        response.end(
          JSON.stringify({
            id: "re_test_1",
            object: "refund",
            payment_intent: params.get("payment_intent"),
            status: "succeeded",
          }),
        );
        return;
      }
      const id = request.url!.split("/")[3] ?? "pi_test_123";
      response.setHeader("content-type", "application/json");
      response.setHeader("request-id", "req_test");
      response.end(
        JSON.stringify({
          id: id.startsWith("pi_") ? id : "pi_test_123",
          object: "payment_intent",
          amount: Number(params.get("amount") ?? 500),
          currency: params.get("currency") ?? "usd",
          status: request.url!.endsWith("/cancel") ? "canceled" : "requires_payment_method",
          client_secret: "pi_test_123_secret_abc",
          metadata: {},
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as { port: number }).port;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function gateway(maxNetworkRetries = 0): StripeApiGateway {
  return new StripeApiGateway("sk_test_local", "whsec_test", 300, {
    host: "127.0.0.1",
    port,
    protocol: "http",
    maxNetworkRetries,
  });
}

test("createPaymentIntent: amount, currency, metadata and the idempotency key on the wire", async () => {
  const intent = await gateway().createPaymentIntent(
    { amountMinor: 1234, currency: "usd", metadata: { quoteId: "q-1", purpose: "tip" } },
    "mesi-quote-q-1",
  );
  expect(intent).toMatchObject({
    id: "pi_test_123",
    clientSecret: "pi_test_123_secret_abc",
    amount: 1234,
    currency: "usd",
  });
  const request = requests.at(-1)!;
  expect(request.method).toBe("POST");
  expect(request.path).toBe("/v1/payment_intents");
  expect(request.headers["idempotency-key"]).toBe("mesi-quote-q-1");
  expect(request.headers.authorization).toBe("Bearer sk_test_local");
  expect(request.body.get("amount")).toBe("1234");
  expect(request.body.get("currency")).toBe("usd");
  expect(request.body.get("metadata[quoteId]")).toBe("q-1");
  expect(request.body.get("automatic_payment_methods[enabled]")).toBe("true");
});

test("metadata update and cancel carry their own idempotency keys", async () => {
  await gateway().updatePaymentIntentMetadata("pi_test_123", { paymentRef: "0xabc" }, "mesi-quote-ref-q-1");
  const update = requests.at(-1)!;
  expect(update.path).toBe("/v1/payment_intents/pi_test_123");
  expect(update.body.get("metadata[paymentRef]")).toBe("0xabc");
  expect(update.headers["idempotency-key"]).toBe("mesi-quote-ref-q-1");
  await gateway().cancelPaymentIntent("pi_test_123", "mesi-expire-q-1");
  const cancel = requests.at(-1)!;
  expect(cancel.path).toBe("/v1/payment_intents/pi_test_123/cancel");
  expect(cancel.headers["idempotency-key"]).toBe("mesi-expire-q-1");
});

test("constructEvent verifies with the webhook secret and rejects another", () => {
  const event = { id: "evt_1", object: "event", type: "payment_intent.succeeded", data: { object: { id: "pi_1" } } };
  const good = signEvent(event, "whsec_test");
  expect(gateway().constructEvent(Buffer.from(good.body), good.signature).id).toBe("evt_1");
  const bad = signEvent(event, "whsec_other");
  expect(() => gateway().constructEvent(Buffer.from(bad.body), bad.signature)).toThrow(/signature verification failed/);
});

test("a failed create is retried by the SDK with the same idempotency key, so Stripe makes one PaymentIntent", async () => {
  const before = requests.length;
  const intent = await gateway(2).createPaymentIntent(
    { amountMinor: 777, currency: "usd", metadata: { quoteId: "q-retry", failOnce: "yes" } },
    "mesi-quote-q-retry",
  );
  expect(intent.id).toBe("pi_test_123");
  const tries = requests.slice(before).filter((request) => request.path === "/v1/payment_intents");
  expect(tries).toHaveLength(2);
  expect(tries[0]!.headers["idempotency-key"]).toBe("mesi-quote-q-retry");
  expect(tries[1]!.headers["idempotency-key"]).toBe("mesi-quote-q-retry");
  expect(tries[1]!.body.toString()).toBe(tries[0]!.body.toString());
});

test("refundPaymentIntent: POST /v1/refunds for the PaymentIntent with the payment's idempotency key", async () => {
  const refund = await gateway().refundPaymentIntent("pi_test_9", "mesi-refund-0xabc");
  expect(refund).toEqual({ id: "re_test_1", alreadyRefunded: false });
  const request = requests.at(-1)!;
  expect(request.path).toBe("/v1/refunds");
  expect(request.body.get("payment_intent")).toBe("pi_test_9");
  expect(request.headers["idempotency-key"]).toBe("mesi-refund-0xabc");
});
