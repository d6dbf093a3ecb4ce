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

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      const params = new URLSearchParams(body);
      requests.push({ method: request.method!, path: request.url!, headers: request.headers, body: params });
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

function gateway(): StripeApiGateway {
  return new StripeApiGateway("sk_test_local", "whsec_test", 300, {
    host: "127.0.0.1",
    port,
    protocol: "http",
    maxNetworkRetries: 0,
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
