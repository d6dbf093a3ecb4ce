// The relayer's HTTP API (fastify, bound to 127.0.0.1). JSON bodies are kept
// as raw bytes so the Stripe webhook's signature is checked on exactly what
// Stripe signed; other routes parse the JSON themselves.
import cors from "@fastify/cors";
import rateLimit from "@fastify/rate-limit";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import type { Hex } from "viem";

import type { Clock } from "../clock.ts";
import type { RelayerConfig } from "../config.ts";
import { BadRequestError, RelayerError, toJsonSafe } from "../errors.ts";
import type { Logger } from "../logger.ts";
import type { RelayerMetrics } from "../metrics.ts";
import type { QuoteService } from "../quotes/service.ts";
import type { GaslessService } from "../sponsorship/gasless.ts";
import type { Store } from "../store/store.ts";
import { buildEvent, deliverEvent, type SimulatedOutcome } from "../stripe/simulator.ts";
import type { StripeWebhookHandler } from "../stripe/webhook.ts";
import { buildOpenApiDocument } from "./openapi.ts";

export interface HttpDeps {
  readonly config: RelayerConfig;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly store: Store;
  readonly metrics: RelayerMetrics;
  readonly webhook: StripeWebhookHandler;
  readonly quotes: QuoteService;
  readonly gasless: GaslessService;
  readonly health: () => Promise<Record<string, unknown>>;
}

declare module "fastify" {
  interface FastifyRequest {
    rawBody?: Buffer;
  }
}

const MAX_BODY_BYTES = 256 * 1024;
/** An oversized body is read (and dropped) up to this size before its 413, so the client sees the answer. */
const MAX_DRAINED_BYTES = 64 * 1024 * 1024;

function parseJson(request: FastifyRequest): unknown {
  const raw = request.rawBody;
  if (raw === undefined || raw.length === 0) throw new BadRequestError("empty_body", "expected a JSON body");
  try {
    return JSON.parse(raw.toString("utf8"));
  } catch (error) {
    throw new BadRequestError("malformed_json", `body is not valid JSON: ${(error as Error).message}`);
  }
}

/** Reads and drops what is left of a request body, up to `limit` bytes (then the connection is dropped). */
function drainRequest(raw: NodeJS.ReadableStream & { destroy(): void }, limit: number): Promise<void> {
  return new Promise((resolve) => {
    let read = 0;
    raw.on("data", (chunk: Buffer) => {
      read += chunk.length;
      if (read > limit) raw.destroy();
    });
    raw.once("end", resolve);
    raw.once("close", resolve);
    raw.once("error", resolve);
    raw.resume();
  });
}

/** Method and OpenAPI-style path (`/quotes/{id}`) of every route a server registered, HEAD and OPTIONS aside. */
const registered = new WeakMap<FastifyInstance, Array<{ method: string; path: string }>>();

export function registeredRoutes(app: FastifyInstance): ReadonlyArray<{ method: string; path: string }> {
  return registered.get(app) ?? [];
}

export function buildServer(deps: HttpDeps): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: MAX_BODY_BYTES, return503OnClosing: true });
  const routes: Array<{ method: string; path: string }> = [];
  registered.set(app, routes);
  app.addHook("onRoute", (route) => {
    for (const method of [route.method].flat()) {
      if (method === "HEAD" || method === "OPTIONS") continue;
      routes.push({ method: method.toLowerCase(), path: route.url.replace(/:([A-Za-z0-9_]+)/g, "{$1}") });
    }
  });
  const openApiDocument = buildOpenApiDocument({ simulator: deps.config.dev.simulator });
  const log = deps.logger.child({ component: "http" });
  // The webapp calls quotes and gasless routes from the browser; only its configured origins may.
  void app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429,
      code: "rate_limited",
      message: `too many requests from this address: at most ${context.max} per minute; retry in ${Math.ceil(context.ttl / 1000)}s`,
    }),
  });
  const quoteLimit = { max: deps.config.http.quotesPerClientPerMinute, timeWindow: 60_000 };
  void app.register(cors, {
    origin: [...deps.config.http.corsOrigins],
    methods: ["GET", "POST"],
    allowedHeaders: ["content-type"],
    maxAge: 600,
  });

  // Keep every body as bytes: the webhook verifies the signature on them.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer" }, (request, body, done) => {
    request.rawBody = body as Buffer;
    done(null, undefined);
  });

  app.setErrorHandler((error: unknown, request, reply) => {
    if (error instanceof RelayerError) {
      void reply
        .status(error.status)
        .send(toJsonSafe({ error: error.code, message: error.message, ...(error.details ?? {}) }));
      return;
    }
    const status = (error as { statusCode?: number }).statusCode;
    if (status === 413) {
      // Fastify refuses by the declared length before reading; answering then and closing would cut the client off
      // mid-upload (a broken pipe instead of the 413). Read the rest, then answer and close.
      const body = { error: "body_too_large", message: `request body above ${MAX_BODY_BYTES} bytes` };
      void drainRequest(request.raw, MAX_DRAINED_BYTES).then(() =>
        reply.status(413).header("connection", "close").send(body),
      );
      return;
    }
    if (status !== undefined && status >= 400 && status < 500) {
      void reply
        .status(status)
        .send({ error: (error as { code?: string }).code ?? "bad_request", message: (error as Error).message });
      return;
    }
    log.error({ err: error, url: request.url }, "request failed");
    void reply.status(500).send({ error: "internal", message: "internal error; retry later" });
  });

  app.get("/healthz", async (_request, reply) => {
    const health = await deps.health();
    return reply.status(health.ok === true ? 200 : 503).send(health);
  });

  app.get("/openapi.json", async () => openApiDocument);

  app.get("/metrics", async (_request, reply) => {
    const text = await deps.metrics.registry.metrics();
    return reply.type(deps.metrics.registry.contentType).send(text);
  });

  app.post("/webhooks/stripe", async (request, reply) => {
    const started = performance.now();
    const signature = request.headers["stripe-signature"];
    const result = await deps.webhook.handle(
      request.rawBody ?? Buffer.alloc(0),
      Array.isArray(signature) ? signature[0] : signature,
    );
    deps.metrics.webhookAck.observe(
      { outcome: String(result.body.outcome ?? result.body.error ?? "ok") },
      (performance.now() - started) / 1000,
    );
    return reply.status(result.status).send(toJsonSafe(result.body));
  });

  // Registered as a plugin so it loads after the rate limiter, whose route hook must see it.
  void app.register(async (scoped) => {
    scoped.post("/quotes", { config: { rateLimit: quoteLimit } }, async (request, reply) => {
      const quote = await deps.quotes.create(parseJson(request));
      return reply.status(201).send(quote);
    });
  });

  app.post<{ Params: { id: string } }>(
    "/quotes/:id/check",
    async (request) => await deps.quotes.check(request.params.id),
  );

  app.get<{ Params: { id: string } }>("/quotes/:id", async (request, reply) => {
    const quote = await deps.quotes.get(request.params.id);
    if (quote === undefined)
      return reply.status(404).send({ error: "not_found", message: `no quote ${request.params.id}` });
    return quote;
  });

  app.get<{ Params: { ref: string } }>("/payments/:ref", async (request, reply) => {
    const ref = request.params.ref.toLowerCase();
    const payment = await deps.store.db
      .selectFrom("payments")
      .selectAll()
      .where("payment_ref", "=", ref)
      .executeTakeFirst();
    if (payment === undefined) return reply.status(404).send({ error: "not_found", message: `no payment ${ref}` });
    const outbox = await deps.store.db
      .selectFrom("outbox")
      .select(["kind", "state", "tx_hash", "last_error"])
      .where("payment_ref", "=", ref)
      .execute();
    const { refund_id: refundId, ...rest } = payment;
    return { ...rest, refundId, operations: outbox };
  });

  app.post("/relay/tip", async (request, reply) =>
    reply.status(202).send(await deps.gasless.submitTip(parseJson(request))),
  );

  app.post("/relay/stablecoin-tip", async (request, reply) =>
    reply.status(202).send(await deps.gasless.submitStablecoinTip(parseJson(request))),
  );

  app.post("/relay/ticket", async (request, reply) =>
    reply.status(202).send(await deps.gasless.submitTicket(parseJson(request))),
  );

  app.post("/relay/stablecoin-ticket", async (request, reply) =>
    reply.status(202).send(await deps.gasless.submitStablecoinTicket(parseJson(request))),
  );

  app.get<{ Params: { id: string } }>("/relay/requests/:id", async (request, reply) => {
    const id = Number(request.params.id);
    const status = Number.isSafeInteger(id) ? await deps.gasless.status(id) : undefined;
    if (status === undefined)
      return reply.status(404).send({ error: "not_found", message: `no relay request ${request.params.id}` });
    return status;
  });

  if (deps.config.dev.simulator) registerSimulator(app, deps);
  return app;
}

/**
 * LOCAL DEVELOPMENT ONLY: "pays" a quote by sending a Stripe-format event,
 * signed with the local webhook secret, to this relayer's real webhook route.
 */
function registerSimulator(app: FastifyInstance, deps: HttpDeps): void {
  app.post("/dev/simulate-payment", async (request: FastifyRequest, reply: FastifyReply) => {
    const body = parseJson(request) as { quoteId?: unknown; outcome?: unknown };
    if (typeof body.quoteId !== "string") throw new BadRequestError("quote_required", "body needs quoteId");
    const outcome = (body.outcome ?? "succeeded") as SimulatedOutcome;
    if (!["succeeded", "failed", "refunded", "disputed"].includes(outcome)) {
      throw new BadRequestError("invalid_outcome", "outcome is one of succeeded, failed, refunded, disputed");
    }
    const quote = await deps.quotes.get(body.quoteId);
    if (quote === undefined) throw new BadRequestError("unknown_quote", `no quote ${body.quoteId}`, undefined, 404);
    if (quote.paymentIntentId === null)
      throw new BadRequestError("no_payment_intent", `quote ${quote.quoteId} has no PaymentIntent`, undefined, 409);
    if (outcome === "succeeded" && Date.parse(quote.expiresAt) <= deps.clock.now()) {
      throw new BadRequestError(
        "quote_expired",
        `quote ${quote.quoteId} expired at ${quote.expiresAt}; ask for a new quote`,
        undefined,
        409,
      );
    }
    const event = buildEvent(
      {
        paymentIntentId: quote.paymentIntentId,
        quoteId: quote.quoteId,
        amountMinor: quote.amountMinor,
        currency: quote.currency,
        metadata: { paymentRef: quote.paymentRef as Hex },
      },
      outcome,
    );
    const address = app.server.address();
    if (address === null || typeof address === "string") throw new Error("server address unknown");
    const delivered = await deliverEvent(
      `http://127.0.0.1:${address.port}/webhooks/stripe`,
      event,
      deps.config.stripe.webhookSecret,
    );
    return reply.status(200).send({
      simulated: true,
      localDevelopmentOnly: true,
      event: { id: event.id, type: event.type },
      webhook: delivered,
    });
  });
}
