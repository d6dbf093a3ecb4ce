// The KYF verifier service: HTTP on 127.0.0.1, its own SQLite under dataDir, session tokens from @mesi/auth
// (audience "kyf-verifier", minted by the webapp from the fan's or creator's SIWE session).
import { mkdirSync } from "node:fs";
import { join } from "node:path";

import cors from "@fastify/cors";
import { SessionTokenError, verifySessionToken } from "@mesi/auth";
import Fastify, { type FastifyRequest } from "fastify";
import type { Logger } from "pino";
import { getAddress, isAddress, type Address } from "viem";
import { z, ZodError } from "zod";

import { viemKyfChain, type KyfChain } from "./chain.ts";
import { parseKyfConfig, type KyfConfigInput } from "./config.ts";
import { HTTP_STATUS, KyfError } from "./errors.ts";
import {
  parsePersonaWebhook,
  PERSONA_SIGNATURE_HEADER,
  WebhookPayloadError,
  WebhookSignatureError,
} from "./providers/persona.ts";
import { SealedBox } from "./sealedBox.ts";
import { KyfStore } from "./store.ts";
import { KyfVerifier } from "./verifier.ts";

export const KYF_AUDIENCE = "kyf-verifier";

export interface StartKyfParameters extends KyfConfigInput {
  readonly logger: Logger;
  /** Unix ms; defaults to the system clock. */
  readonly now?: () => number;
  /** Replaces the viem chain client (tests of the HTTP layer alone); defaults to the configured chain. */
  readonly chain?: KyfChain;
}

export interface RunningKyf {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly provider: "embedded" | "persona";
  stop(): Promise<void>;
}

const walletParam = z.object({
  fan: z
    .string()
    .refine(isAddress, "must be an address")
    .transform((value) => getAddress(value)),
});

export async function startKyf(parameters: StartKyfParameters): Promise<RunningKyf> {
  const { logger: parentLogger, now = Date.now, chain: chainOverride, ...input } = parameters;
  const config = parseKyfConfig(input);
  const logger = parentLogger.child({ component: "kyf-verifier" });
  mkdirSync(config.dataDir, { recursive: true });
  const chain =
    chainOverride ??
    viemKyfChain({
      rpcUrl: config.rpcUrl,
      chainId: config.chainId,
      registry: config.registry,
      verifierPrivateKey: config.verifierPrivateKey,
    });
  if (!(await chain.hasVerifierRole())) {
    throw new Error(`the verifier key ${chain.verifier} lacks VERIFIER_ROLE on KyfRegistry ${config.registry}`);
  }
  const store = new KyfStore(join(config.dataDir, "kyf.sqlite"));
  const verifier = new KyfVerifier({
    store,
    box: new SealedBox(config.encryptionKey),
    chain,
    logger,
    now,
    attestationSeconds: config.attestationDays * 86_400,
  });
  const provider = config.provider;

  const app = Fastify({ loggerInstance: logger });
  await app.register(cors, { origin: config.corsOrigins, methods: ["GET", "POST"] });

  app.setErrorHandler((error: Error & { statusCode?: number }, _request, reply) => {
    if (error instanceof KyfError)
      return reply.status(HTTP_STATUS[error.code]).send({ error: error.code, message: error.message });
    if (error instanceof ZodError) {
      const message = error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ");
      return reply.status(400).send({ error: "invalid_input", message });
    }
    if (error instanceof WebhookSignatureError)
      return reply.status(401).send({ error: error.reason, message: error.message });
    if (error instanceof WebhookPayloadError)
      return reply.status(422).send({ error: "invalid_event", message: error.message });
    if (error.statusCode !== undefined && error.statusCode < 500) {
      return reply.status(error.statusCode).send({ error: "invalid_input", message: error.message });
    }
    logger.error({ err: error }, "request failed");
    return reply.status(500).send({ error: "internal", message: "internal error" });
  });

  const who = (request: FastifyRequest): Address => {
    const header = request.headers.authorization;
    const token = header?.startsWith("Bearer ") ? header.slice(7) : "";
    if (token === "")
      throw new KyfError("unauthenticated", "Sign in with your wallet first (a session token is required).");
    try {
      return verifySessionToken({ token, audience: KYF_AUDIENCE, secret: config.secret }).address;
    } catch (error) {
      if (error instanceof SessionTokenError) {
        throw new KyfError("unauthenticated", `session token refused (${error.reason}): ${error.message}`);
      }
      throw error;
    }
  };

  app.get("/health", async () => ({ ok: true, provider: provider.kind, verifier: chain.verifier }));

  app.get("/v1/registration", async (request) => verifier.status(who(request)));

  app.post("/v1/registration", async (request, reply) => {
    const fan = who(request);
    if (provider.kind !== "embedded") {
      throw new KyfError("provider_only", "Registration goes through the identity provider's own verification flow.");
    }
    const status = await verifier.register(fan, request.body, { source: "embedded", level: provider.level });
    return reply.status(201).send(status);
  });

  app.get("/v1/disclosures/:fan", async (request, reply) => {
    const creator = who(request);
    const { fan } = walletParam.parse(request.params);
    const disclosure = await verifier.disclose(creator, fan);
    return reply
      .header("cache-control", "no-store")
      .send({ ...disclosure, blockNumber: String(disclosure.blockNumber) });
  });

  app.get("/v1/disclosure-log", async (request) => {
    const fan = who(request);
    return {
      entries: verifier.disclosureLog(fan).map((entry) => ({ ...entry, blockNumber: String(entry.blockNumber) })),
    };
  });

  if (provider.kind === "persona") {
    // The signature covers the exact bytes: keep the body as text in this scope.
    await app.register(async (hooks) => {
      hooks.removeAllContentTypeParsers();
      hooks.addContentTypeParser("*", { parseAs: "string", bodyLimit: 256 * 1024 }, (_request, body, done) =>
        done(null, body),
      );
      hooks.post("/webhooks/persona", async (request, reply) => {
        const rawBody = typeof request.body === "string" ? request.body : "";
        const header = request.headers[PERSONA_SIGNATURE_HEADER];
        const verdict = parsePersonaWebhook(
          rawBody,
          Array.isArray(header) ? header.join(" ") : header,
          { webhookSecret: provider.webhookSecret, toleranceSeconds: provider.toleranceSeconds },
          Math.floor(now() / 1000),
        );
        if (!store.firstDelivery(verdict.eventId, now())) return reply.status(200).send({ duplicate: true });
        if (verdict.kind === "ignored") return reply.status(200).send({ ignored: verdict.eventName });
        try {
          const status = await verifier.register(verdict.wallet, verdict.data, {
            source: "persona",
            level: provider.level,
            providerReference: verdict.inquiryId,
          });
          return reply.status(200).send({ attested: verdict.wallet, level: status.level, expiresAt: status.expiresAt });
        } catch (error) {
          // Persona retries non-2xx deliveries: let the retry be handled.
          store.forgetDelivery(verdict.eventId);
          throw error;
        }
      });
    });
  }

  const url = await app.listen({ host: "127.0.0.1", port: config.port });
  logger.info({ url, provider: provider.kind, verifier: chain.verifier }, "KYF verifier listening");
  let stopping: Promise<void> | undefined;
  return {
    url,
    provider: provider.kind,
    stop: () =>
      (stopping ??= (async () => {
        await app.close();
        store.close();
      })()),
  };
}
