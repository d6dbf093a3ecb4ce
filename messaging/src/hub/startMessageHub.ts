// The local message hub: the embedded default behind the Messenger interface for `npm start`. HTTP + WebSocket on
// 127.0.0.1, SQLite under dataDir, session tokens from @mesi/auth (audience "message-hub").
// It is the DEVELOPMENT transport: messages and files are stored in plain text on this machine, not end-to-end
// encrypted; /health and every conversation listing say so. Production uses XMTP.
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import type { ServerResponse } from "node:http";
import { join } from "node:path";

import cors from "@fastify/cors";
import websocket from "@fastify/websocket";
import { isServiceToken, SessionTokenError, verifySessionToken } from "@mesi/auth";
import Fastify, { type FastifyReply, type FastifyRequest } from "fastify";
import type { Logger } from "pino";
import type { Address } from "viem";
import { z, ZodError } from "zod";

import { HTTP_STATUS, MessengerError, type MessengerErrorCode, type ReportHint } from "../errors.ts";
import { incomingRuleToJson, MAX_GROUP_NAME_LENGTH } from "../model.ts";
import { addressSchema, callSignalSchema, incomingRuleSchema, messageContentSchema } from "../schemas.ts";
import {
  CLOSE_AUTH_FAILED,
  CLOSE_AUTH_TIMEOUT,
  HUB_AUDIENCE,
  type ClientFrame,
  type HubHealth,
  type ServerEvent,
} from "../protocol.ts";
import { FanStandingReader } from "./fanStanding.ts";
import { HubService } from "./hubService.ts";
import { matchesClaim } from "./sniff.ts";
import { HubStore } from "./store.ts";

export const DEV_TRANSPORT_NOTICE =
  "Development transport: messages and files are stored unencrypted on this machine (not end-to-end encrypted). Production uses XMTP.";

const HubConfig = z.object({
  dataDir: z.string().min(1),
  secret: z.string().min(32, "the session secret must be at least 32 characters"),
  /** The indexer's GraphQL URL (`<indexer>/subgraphs/name/mesi`); without it rule-restricted DMs land as requests. */
  indexerUrl: z.string().url().optional(),
  port: z.number().int().min(0).max(65_535).default(0),
  /** Largest attachment, bytes. */
  maxAttachmentBytes: z
    .number()
    .int()
    .positive()
    .default(20 * 1024 * 1024),
  /** How long a fan's standing read from the indexer is reused, ms. */
  standingCacheMs: z.number().int().min(0).default(10_000),
  /** Browser origins allowed to call the hub (the webapp's); never `*`. */
  corsOrigins: z.array(z.string().url()).default([]),
});
export type HubConfigInput = z.input<typeof HubConfig>;

export interface StartMessageHubParameters extends HubConfigInput {
  readonly logger: Logger;
}

export interface RunningMessageHub {
  /** `http://127.0.0.1:<port>`; the WebSocket is `ws://127.0.0.1:<port>/v1/ws`. */
  readonly url: string;
  stop(): Promise<void>;
}

const MAX_PAGE = 200;
/** The service-token purpose of the stream gate's membership feed (see @mesi/auth serviceToken). */
export const GROUP_STREAMS_PURPOSE = "group-streams";
const MAX_REPLAY = 5_000;

const pageQuery = z.object({
  before: z.string().regex(/^\d+$/).transform(Number).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(50),
});
const groupBody = z.object({
  name: z.string().trim().min(1).max(MAX_GROUP_NAME_LENGTH),
  members: z.array(addressSchema).max(300),
});
const signalFrame = z.object({
  conversationId: z.string().min(1).max(200),
  signal: callSignalSchema,
  to: addressSchema.optional(),
});
const sendBody = z.object({ content: messageContentSchema, clientId: z.string().min(1).max(100).optional() });

function toHttpError(error: unknown): { status: number; body: Record<string, unknown> } | undefined {
  if (error instanceof MessengerError) {
    return {
      status: HTTP_STATUS[error.code],
      body: { error: error.code, message: error.message, ...(error.report ? { report: error.report } : {}) },
    };
  }
  if (error instanceof ZodError) {
    const message = error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ");
    return { status: 400, body: { error: "invalid_input", message } };
  }
  return undefined;
}

export async function startMessageHub(parameters: StartMessageHubParameters): Promise<RunningMessageHub> {
  const { logger: parentLogger, ...input } = parameters;
  const config = HubConfig.parse(input);
  const logger = parentLogger.child({ component: "message-hub" });
  mkdirSync(join(config.dataDir, "attachments"), { recursive: true });
  const store = new HubStore(join(config.dataDir, "hub.sqlite"));
  let baseUrl = "";
  const service = new HubService({
    store,
    logger,
    ...(config.indexerUrl === undefined
      ? {}
      : { standing: new FanStandingReader({ indexerUrl: config.indexerUrl, cacheMs: config.standingCacheMs }) }),
    attachmentUrlPrefix: () => `${baseUrl}/v1/attachments/`,
  });

  const app = Fastify({ loggerInstance: logger });
  /** Open group-streams feeds, ended on stop (a server does not close while a response streams). */
  const groupStreamFeeds = new Set<ServerResponse>();
  await app.register(cors, { origin: config.corsOrigins, methods: ["GET", "POST", "PUT", "PATCH", "DELETE"] });
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });

  app.setErrorHandler((error: Error & { code?: string; statusCode?: number }, _request, reply) => {
    const mapped = toHttpError(error);
    if (mapped !== undefined) return reply.status(mapped.status).send(mapped.body);
    if (error.code === "FST_ERR_CTP_BODY_TOO_LARGE") {
      return reply
        .status(413)
        .send({ error: "attachment_too_large", message: `the body is larger than ${config.maxAttachmentBytes} bytes` });
    }
    if (error.statusCode !== undefined && error.statusCode < 500) {
      return reply.status(error.statusCode).send({ error: "invalid_input", message: error.message });
    }
    logger.error({ err: error }, "request failed");
    return reply.status(500).send({ error: "internal", message: "internal error" });
  });

  function authenticate(token: string | undefined): Address {
    if (token === undefined || token === "") throw new MessengerError("unauthenticated", "a session token is required");
    try {
      return verifySessionToken({ token, audience: HUB_AUDIENCE, secret: config.secret }).address;
    } catch (error) {
      if (error instanceof SessionTokenError) {
        throw new MessengerError("unauthenticated", `session token refused (${error.reason}): ${error.message}`);
      }
      throw error;
    }
  }
  const who = (request: FastifyRequest): Address => {
    const header = request.headers.authorization;
    return authenticate(header?.startsWith("Bearer ") ? header.slice(7) : undefined);
  };
  const idParam = (request: FastifyRequest): string => z.object({ id: z.string().uuid() }).parse(request.params).id;

  app.get("/health", async (): Promise<HubHealth> => ({
    ok: true,
    transport: "local-hub",
    endToEndEncrypted: false,
    notice: DEV_TRANSPORT_NOTICE,
    connections: service.connectionCount(),
  }));

  app.get("/v1/conversations", async (request) => {
    const me = who(request);
    const { requests } = z.object({ requests: z.enum(["true", "false"]).default("false") }).parse(request.query);
    return { notice: DEV_TRANSPORT_NOTICE, conversations: service.conversations(me, requests === "true") };
  });
  app.post("/v1/conversations/direct", async (request) => {
    const me = who(request);
    const { peer } = z.object({ peer: addressSchema }).parse(request.body);
    return service.openDirect(me, peer);
  });
  app.post("/v1/conversations/group", async (request) => {
    const me = who(request);
    const { name, members } = groupBody.parse(request.body);
    return service.createGroup(me, name, members);
  });
  app.get("/v1/conversations/:id", async (request) => service.conversation(idParam(request), who(request)));
  app.patch("/v1/conversations/:id", async (request) => {
    const me = who(request);
    const { name } = groupBody.pick({ name: true }).parse(request.body);
    return service.rename(me, idParam(request), name);
  });
  app.post("/v1/conversations/:id/members", async (request) => {
    const me = who(request);
    const body = z.object({ add: z.array(addressSchema).default([]), remove: z.array(addressSchema).default([]) });
    const { add, remove } = body.parse(request.body);
    const id = idParam(request);
    if (add.length > 0) service.addMembers(me, id, add);
    if (remove.length > 0) service.removeMembers(me, id, remove);
    return service.conversation(id, me);
  });
  app.post("/v1/conversations/:id/admins", async (request) => {
    const me = who(request);
    const { member, admin } = z.object({ member: addressSchema, admin: z.boolean() }).parse(request.body);
    return service.setAdmin(me, idParam(request), member, admin);
  });
  app.get("/v1/conversations/:id/messages", async (request) => {
    const me = who(request);
    const { before, limit } = pageQuery.parse(request.query);
    return service.history(idParam(request), me, before, limit);
  });
  app.post("/v1/conversations/:id/messages", async (request) => {
    const me = who(request);
    const { content, clientId } = sendBody.parse(request.body);
    return service.send(me, idParam(request), content, clientId);
  });
  app.post("/v1/conversations/:id/read", async (request, reply) => {
    const me = who(request);
    await service.markRead(me, idParam(request));
    return reply.status(204).send();
  });
  app.post("/v1/conversations/:id/typing", async (request, reply) => {
    const me = who(request);
    const { typing } = z.object({ typing: z.boolean() }).parse(request.body);
    service.typing(me, idParam(request), typing);
    return reply.status(204).send();
  });
  app.post("/v1/conversations/:id/signal", async (request, reply) => {
    const me = who(request);
    const { signal, to } = signalFrame.omit({ conversationId: true }).parse(request.body);
    await service.signal(me, idParam(request), signal, to);
    return reply.status(204).send();
  });
  app.post("/v1/conversations/:id/request", async (request, reply) => {
    const me = who(request);
    const { action } = z.object({ action: z.enum(["accept", "ignore"]) }).parse(request.body);
    if (action === "accept") return service.acceptRequest(me, idParam(request));
    service.ignoreRequest(me, idParam(request));
    return reply.status(204).send();
  });
  app.post("/v1/conversations/:id/live", async (request) => {
    const me = who(request);
    const { streamId } = z.object({ streamId: z.string() }).parse(request.body);
    return service.linkLiveStream(me, idParam(request), streamId);
  });
  // Internal: who may watch group-linked streams, for the stream gate, with a token derived from the shared secret.
  const isGateService = (request: FastifyRequest): boolean => {
    const header = request.headers.authorization;
    const token = header?.startsWith("Bearer ") ? header.slice(7) : undefined;
    return isServiceToken(token, config.secret, GROUP_STREAMS_PURPOSE);
  };
  const refuseService = (reply: FastifyReply) =>
    reply.status(401).send({ error: "unauthenticated", message: "a service token for group-streams is required" });
  app.get("/internal/v1/group-streams", async (request, reply) => {
    if (!isGateService(request)) return refuseService(reply);
    return { links: service.groupStreams() };
  });
  // The push feed the gate keeps open (server-sent events): a `snapshot` of every link with its members at once and
  // after every change of a linked group's members or of the links, and a heartbeat comment every `heartbeatMs`.
  app.get("/internal/v1/group-streams/events", async (request, reply) => {
    if (!isGateService(request)) return refuseService(reply);
    const { heartbeatMs } = z
      .object({ heartbeatMs: z.coerce.number().int().min(100).max(60_000).default(15_000) })
      .parse(request.query);
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store", connection: "keep-alive" });
    groupStreamFeeds.add(raw);
    const unsubscribe = service.watchGroupStreams((links) =>
      raw.write(`event: snapshot\ndata: ${JSON.stringify({ links })}\n\n`),
    );
    const heartbeat = setInterval(() => raw.write(": heartbeat\n\n"), heartbeatMs);
    raw.on("close", () => {
      clearInterval(heartbeat);
      unsubscribe();
      groupStreamFeeds.delete(raw);
    });
    logger.info({ heartbeatMs }, "stream gate's group-streams feed opened");
  });
  app.get("/v1/unread", async (request) => service.unreadCounts(who(request)));
  app.get("/v1/consent/:peer", async (request) => {
    const me = who(request);
    const { peer } = z.object({ peer: addressSchema }).parse(request.params);
    return { peer, state: service.consent(me, peer) };
  });
  app.put("/v1/consent/:peer", async (request) => {
    const me = who(request);
    const { peer } = z.object({ peer: addressSchema }).parse(request.params);
    const { state } = z.object({ state: z.enum(["allowed", "denied", "unknown"]) }).parse(request.body);
    service.setConsent(me, peer, state);
    return { peer, state };
  });
  app.get("/v1/incoming-rule", async (request) => {
    const rule = service.incomingRule(who(request));
    return { rule: rule === null ? null : incomingRuleToJson(rule) };
  });
  app.put("/v1/incoming-rule", async (request) => {
    const me = who(request);
    const { rule } = z.object({ rule: incomingRuleSchema.nullable() }).parse(request.body);
    service.setIncomingRule(me, rule);
    return { rule: rule === null ? null : incomingRuleToJson(rule) };
  });

  // Uploads are raw bytes of any claimed type (text/plain and JSON included), parsed in their own scope.
  await app.register(async (uploads) => {
    uploads.removeAllContentTypeParsers();
    uploads.addContentTypeParser(
      "*",
      { parseAs: "buffer", bodyLimit: config.maxAttachmentBytes },
      (_request, body, done) => done(null, body),
    );
    uploads.post("/v1/attachments", upload);
  });
  async function upload(request: FastifyRequest, reply: FastifyReply) {
    const me = who(request);
    const { filename } = z.object({ filename: z.string().trim().min(1).max(255) }).parse(request.query);
    const claimed = request.headers["content-type"] ?? "";
    const bytes = request.body;
    if (!Buffer.isBuffer(bytes) || bytes.length === 0) throw new MessengerError("invalid_input", "the file is empty");
    if (bytes.length > config.maxAttachmentBytes) {
      throw new MessengerError("attachment_too_large", `the file is larger than ${config.maxAttachmentBytes} bytes`);
    }
    if (!matchesClaim(bytes, claimed)) {
      throw new MessengerError("attachment_type", `the file's content is not an accepted ${claimed || "type"}`);
    }
    const id = randomBytes(16).toString("hex");
    const mimeType = claimed.split(";")[0]!.trim().toLowerCase();
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    writeFileSync(join(config.dataDir, "attachments", id), bytes);
    store.insertAttachment({ id, uploader: me, mimeType, filename, size: bytes.length, sha256 });
    return reply
      .status(201)
      .send({ url: `${baseUrl}/v1/attachments/${id}`, filename, mimeType, size: bytes.length, sha256 });
  }
  app.get("/v1/attachments/:id", async (request, reply) => {
    const me = who(request);
    const { id } = z.object({ id: z.string().regex(/^[0-9a-f]{32}$/) }).parse(request.params);
    const record = store.attachment(id);
    if (record === undefined || !store.canReadAttachment(id, me)) {
      throw new MessengerError("not_found", `no attachment ${id} for ${me}`);
    }
    return reply
      .header("content-type", record.mimeType)
      .header("content-disposition", `attachment; filename="${encodeURIComponent(record.filename)}"`)
      .header("x-content-type-options", "nosniff")
      .send(readFileSync(join(config.dataDir, "attachments", id)));
  });

  app.get("/v1/ws", { websocket: true }, (socket) => {
    const sendEvent = (event: ServerEvent, serialized?: string) => {
      if (socket.readyState === socket.OPEN) socket.send(serialized ?? JSON.stringify(event));
    };
    let disconnect: (() => void) | undefined;
    let expiry: NodeJS.Timeout | undefined;
    let address: Address | undefined;
    const authTimer = setTimeout(() => socket.close(CLOSE_AUTH_TIMEOUT, "no auth frame within 5 s"), 5_000);
    socket.on("close", () => {
      clearTimeout(authTimer);
      clearTimeout(expiry);
      disconnect?.();
    });
    socket.on("message", (raw: unknown) => {
      let frame: ClientFrame;
      try {
        frame = JSON.parse(String(raw)) as ClientFrame;
      } catch {
        sendEvent({ type: "error", error: "invalid_input", message: "frames are JSON" });
        return;
      }
      try {
        if (frame.type === "auth") {
          if (address !== undefined) throw new MessengerError("invalid_input", "already authenticated");
          let claims;
          try {
            claims = verifySessionToken({ token: String(frame.token), audience: HUB_AUDIENCE, secret: config.secret });
          } catch (error) {
            const reason = error instanceof SessionTokenError ? error.reason : "malformed";
            socket.close(CLOSE_AUTH_FAILED, `session token refused (${reason})`);
            return;
          }
          clearTimeout(authTimer);
          address = claims.address;
          const me = address;
          expiry = setTimeout(
            () => socket.close(CLOSE_AUTH_FAILED, "session token expired"),
            Math.max(0, claims.expiresAt * 1000 - Date.now()),
          );
          // Register before replaying so nothing sent in between is missed; the client drops repeated ids.
          disconnect = service.connect({ address: me, send: sendEvent });
          sendEvent({ type: "ready", address: me, cursor: String(store.lastSeq()) });
          if (frame.since !== undefined && /^\d+$/.test(frame.since)) {
            for (const message of service.messagesSince(me, Number(frame.since), MAX_REPLAY)) {
              sendEvent({ type: "message", message });
            }
          }
          return;
        }
        if (address === undefined) {
          socket.close(CLOSE_AUTH_FAILED, "the first frame must be auth");
          return;
        }
        if (frame.type === "typing") {
          service.typing(address, String(frame.conversationId), frame.typing === true);
        } else if (frame.type === "signal") {
          const ref = String(frame.ref).slice(0, 100);
          // Relayed live to the other members only; never stored. Refusals (not a member, blocked) go back by `ref`.
          void (async () => {
            const { conversationId, signal, to } = signalFrame.parse(frame);
            await service.signal(address, conversationId, signal, to);
          })().then(
            () => sendEvent({ type: "signalResult", ref }),
            (error: unknown) => {
              const mapped = toHttpError(error);
              if (mapped === undefined) logger.error({ err: error }, "call signal failed");
              const body = mapped?.body ?? { error: "internal", message: "internal error" };
              sendEvent({
                type: "signalResult",
                ref,
                error: body.error as MessengerErrorCode,
                message: String(body.message),
                ...(body.report === undefined ? {} : { report: body.report as ReportHint }),
              });
            },
          );
        } else if (frame.type === "ping") {
          sendEvent({ type: "pong" });
        } else {
          throw new MessengerError("invalid_input", "unknown frame type");
        }
      } catch (error) {
        const mapped = toHttpError(error);
        if (mapped === undefined) logger.error({ err: error }, "websocket frame failed");
        sendEvent({
          type: "error",
          error: String(mapped?.body.error ?? "internal"),
          message: String(mapped?.body.message ?? "internal error"),
        });
      }
    });
  });

  const address = await app.listen({ host: "127.0.0.1", port: config.port });
  baseUrl = address;
  logger.info({ url: baseUrl, endToEndEncrypted: false }, "message hub listening (development transport)");
  let stopping: Promise<void> | undefined;
  return {
    url: baseUrl,
    stop: () =>
      (stopping ??= (async () => {
        service.endCalls();
        for (const client of app.websocketServer.clients) client.terminate();
        for (const feed of groupStreamFeeds) feed.destroy();
        await app.close();
        store.close();
      })()),
  };
}
