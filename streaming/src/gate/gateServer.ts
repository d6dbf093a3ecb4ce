// The gate over HTTP, bound to 127.0.0.1:
//   POST /webhooks/livepeer/playback   Livepeer's playback.accessControl webhook (signed); 200 admits, 403 refuses
//   POST /access                       {streamId, accessKey?} → the decision (the page's own check)
//   POST /invites/redeem               {invite, accessKey} → keeps the invite for the key's wallet; the decision
//   POST /invites/revoke               {streamId, id, signature} (EIP-712 RevokeInvite by the invite signer or creator)
//   GET  /streams/<id>/events?accessKey=…   server-sent events: `access` now and on every change, `removed` when
//                                      an admitted viewer stops qualifying
//   POST /webhooks/livepeer/events     Livepeer's signed stream.started / stream.idle (production live state)
//   GET  /directory                   live streams (on-chain flag): mode, rules, one-to-one end, viewers
//   GET  /live                         live state from those webhooks: {streams: {<streamId>: {live, at}}}
//   GET  /health                       the index cache's freshness
//   GET  /calls/<id>/events, POST /calls/<id>/signal   one-to-one call signaling (../call/callSignaling.ts)
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

import { isHex, type Address } from "viem";

import { type IndexCache, type Logger } from "../index/indexCache.ts";
import {
  verifyLivepeerWebhook,
  WebhookSignatureError,
  LIVEPEER_SIGNATURE_HEADER,
} from "../livepeer/webhookSignature.ts";
import { mesiStreamIdOfName } from "../livepeer/studio.ts";
import { BodyTooLargeError, jsonReplacer, readBody, sendJson } from "../http.ts";
import { AccessKeyError, verifyAccessKey } from "./accessKey.ts";
import type { CallSignaling } from "../call/callSignaling.ts";
import type { AccessWatcher } from "./accessWatcher.ts";
import { AccessGate, GateInputError, type GateAnswer } from "./gate.ts";

export interface GateServerOptions {
  readonly gate: AccessGate;
  readonly watcher: AccessWatcher;
  readonly secret: string;
  /** The shared secret of the Livepeer webhook (Livepeer Studio shows it); absent: the webhook route answers 503. */
  readonly livepeerWebhookSecret?: string;
  /** Origins allowed to call from a browser; "loopback" allows http://127.0.0.1:* and http://localhost:*. */
  readonly corsOrigins: readonly string[] | "loopback";
  readonly logger: Logger;
  /** Viewers now watching a stream (the local media server's count); absent: directory entries carry null. */
  readonly viewerCount?: (streamId: bigint) => number | null;
  /** One-to-one call signaling; absent: /calls/… answers 404. */
  readonly calls?: CallSignaling;
  /** SSE keep-alive comment interval. Default 15 s. */
  readonly keepAliveMs?: number;
}

/** Human sentences the page may show for a refusal (the webapp keeps its own localized copy). */
export const REMOVAL_MESSAGES: Record<string, string> = {
  ticket_only: "you were removed because the stream went ticket-only",
  blocked: "the creator blocked you",
  in_one_to_one: "the creator started a one-to-one call",
  kyf_required: "this stream needs a KYF verification",
  kyf_expired: "your KYF verification expired",
  kyf_level_too_low: "this stream needs a higher KYF level",
  private: "you no longer meet this private stream's rules",
  group_unavailable: "the group's members cannot be checked right now",
};

export function createGateServer(options: GateServerOptions): Server {
  const { gate, watcher, logger } = options;
  const cors = (request: IncomingMessage, response: ServerResponse): void => {
    const origin = request.headers.origin;
    if (origin === undefined) return;
    const allowed =
      options.corsOrigins === "loopback"
        ? /^http:\/\/(127\.0\.0\.1|localhost)(:\d{1,5})?$/.test(origin)
        : options.corsOrigins.includes(origin);
    if (!allowed) return;
    response.setHeader("access-control-allow-origin", origin);
    response.setHeader("vary", "origin");
    response.setHeader("access-control-allow-methods", "GET, POST, OPTIONS");
    response.setHeader("access-control-allow-headers", "content-type, livepeer-access-key");
  };

  const walletOf = (accessKey: unknown, streamId: bigint): Address => {
    if (typeof accessKey !== "string" || accessKey === "") throw new GateInputError("accessKey is required");
    try {
      return verifyAccessKey(accessKey, streamId, options.secret).address;
    } catch (error) {
      if (error instanceof AccessKeyError) throw new GateInputError(`access key refused: ${error.reason}`);
      throw error;
    }
  };

  const jsonBody = async (request: IncomingMessage): Promise<Record<string, unknown>> => {
    const raw = await readBody(request);
    try {
      const body = JSON.parse(raw.toString("utf8"));
      if (typeof body === "object" && body !== null && !Array.isArray(body)) return body;
    } catch {
      // fall through
    }
    throw new GateInputError("body must be a JSON object");
  };

  const livepeerWebhook = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const started = performance.now();
    if (options.livepeerWebhookSecret === undefined) {
      return sendJson(response, 503, { error: "the Livepeer webhook secret is not configured" });
    }
    const raw = await readBody(request);
    let body: Record<string, unknown>;
    try {
      body = verifyLivepeerWebhook({
        header: request.headers[LIVEPEER_SIGNATURE_HEADER] as string | undefined,
        rawBody: raw,
        secret: options.livepeerWebhookSecret,
        nowMs: Date.now(),
      });
    } catch (error) {
      if (error instanceof WebhookSignatureError) {
        logger.warn({ reason: error.reason }, "livepeer webhook refused");
        return sendJson(response, 401, { error: error.message, reason: error.reason });
      }
      throw error;
    }
    const context = typeof body.context === "string" ? safeJson(body.context) : body.context;
    const streamId = AccessGate.streamIdOf((context as { streamId?: unknown } | null)?.streamId);
    const answer = gate.decideForKey(streamId, typeof body.accessKey === "string" ? body.accessKey : null);
    logger.info(
      {
        streamId: answer.streamId,
        viewer: answer.viewer,
        allow: answer.allow,
        reason: answer.reason,
        ms: +(performance.now() - started).toFixed(2),
      },
      "livepeer access decision",
    );
    sendJson(response, answer.allow ? 200 : 403, answer);
  };

  const liveState = new Map<string, { live: boolean; at: number }>();
  const livepeerEvents = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    if (options.livepeerWebhookSecret === undefined) {
      return sendJson(response, 503, { error: "the Livepeer webhook secret is not configured" });
    }
    let body: Record<string, unknown>;
    try {
      body = verifyLivepeerWebhook({
        header: request.headers[LIVEPEER_SIGNATURE_HEADER] as string | undefined,
        rawBody: await readBody(request),
        secret: options.livepeerWebhookSecret,
        nowMs: Date.now(),
      });
    } catch (error) {
      if (error instanceof WebhookSignatureError)
        return sendJson(response, 401, { error: error.message, reason: error.reason });
      throw error;
    }
    const streamId = mesiStreamIdOfName((body.stream as { name?: unknown } | undefined)?.name);
    if (streamId === null)
      throw new GateInputError("webhook names no Mesi stream (stream.name must start with mesi-<id>)");
    if (body.event !== "stream.started" && body.event !== "stream.idle") {
      return sendJson(response, 200, { ignored: body.event });
    }
    liveState.set(streamId.toString(), { live: body.event === "stream.started", at: Number(body.timestamp) });
    logger.info({ streamId: streamId.toString(), event: body.event }, "livepeer live state");
    sendJson(response, 200, { streamId: streamId.toString(), live: body.event === "stream.started" });
  };

  /** Every stream marked live on-chain, newest first, with its mode and a running one-to-one's end. */
  const directory = () => {
    const now = gate.cache.now();
    return gate.cache
      .streams()
      .filter((stream) => stream.live)
      .sort((a, b) => b.createdAt - a.createdAt)
      .map((stream) => {
        const call = stream.oneToOne;
        const inCall = call !== null && call.startedAt <= now && now < call.endsAt;
        return {
          streamId: stream.streamId.toString(),
          creator: stream.creator,
          metadataURI: stream.metadataURI,
          mode: inCall
            ? "one_to_one"
            : stream.ticketOnly
              ? "ticket_only"
              : stream.rules.isPrivate
                ? "private"
                : "public",
          rules: stream.rules,
          ticketOnly: stream.ticketOnly,
          oneToOneEndsAt: inCall ? call.endsAt : null,
          viewers: options.viewerCount?.(stream.streamId) ?? null,
        };
      });
  };

  const events = (request: IncomingMessage, response: ServerResponse, streamId: bigint, url: URL): void => {
    const key = url.searchParams.get("accessKey");
    let viewer: Address | null = null;
    if (key !== null && key !== "") viewer = walletOf(key, streamId);
    response.writeHead(200, {
      "content-type": "text/event-stream",
      "cache-control": "no-store",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    const send = (event: string, data: unknown) =>
      response.write(`event: ${event}\ndata: ${JSON.stringify(data, jsonReplacer)}\n\n`);
    let admitted = false;
    const { answer, stop } = watcher.watch(streamId, viewer, (next: GateAnswer) => {
      send("access", next);
      if (admitted && !next.allow)
        send("removed", { ...next, message: REMOVAL_MESSAGES[next.reason] ?? "you can no longer watch this stream" });
      admitted = next.allow;
    });
    admitted = answer.allow;
    send("access", answer);
    const keepAlive = setInterval(() => response.write(": keep-alive\n\n"), options.keepAliveMs ?? 15_000);
    request.on("close", () => {
      clearInterval(keepAlive);
      stop();
    });
  };

  return createServer((request, response) => {
    cors(request, response);
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    void (async () => {
      try {
        if (request.method === "OPTIONS") {
          response.writeHead(204);
          return response.end();
        }
        if (options.calls !== undefined && url.pathname.startsWith("/calls/")) {
          if (await options.calls.handle(request, response, url)) return;
        }
        const eventsMatch = /^\/streams\/([^/]+)\/events$/.exec(url.pathname);
        if (request.method === "GET" && eventsMatch !== null) {
          return events(request, response, AccessGate.streamIdOf(eventsMatch[1]), url);
        }
        if (request.method === "GET" && url.pathname === "/directory") {
          return sendJson(response, 200, { streams: directory(), index: gate.cache.freshness() });
        }
        if (request.method === "GET" && url.pathname === "/live") {
          return sendJson(response, 200, { streams: Object.fromEntries(liveState) });
        }
        if (request.method === "GET" && url.pathname === "/health") {
          return sendJson(response, gate.cache.loaded ? 200 : 503, {
            index: gate.cache.freshness(),
            watchers: watcher.size,
          });
        }
        if (request.method !== "POST")
          return sendJson(response, 404, { error: `no route ${request.method} ${url.pathname}` });
        switch (url.pathname) {
          case "/webhooks/livepeer/playback":
            return await livepeerWebhook(request, response);
          case "/webhooks/livepeer/events":
            return await livepeerEvents(request, response);
          case "/access": {
            const body = await jsonBody(request);
            const streamId = AccessGate.streamIdOf(body.streamId);
            const accessKey = body.accessKey === undefined || body.accessKey === null ? null : String(body.accessKey);
            return sendJson(response, 200, gate.decideForKey(streamId, accessKey));
          }
          case "/invites/redeem": {
            const body = await jsonBody(request);
            if (typeof body.invite !== "string") throw new GateInputError("invite (the link's token) is required");
            const answer = await gate.redeemInvite(body.invite, (streamId) => walletOf(body.accessKey, streamId));
            return sendJson(response, 200, answer);
          }
          case "/invites/revoke": {
            const body = await jsonBody(request);
            const streamId = AccessGate.streamIdOf(body.streamId);
            if (!isHex(body.id) || body.id.length !== 66)
              throw new GateInputError("id must be the invite's 32-byte id");
            if (!isHex(body.signature)) throw new GateInputError("signature must be hex");
            await gate.revokeInvite(streamId, body.id, body.signature);
            return sendJson(response, 200, { revoked: body.id });
          }
          default:
            return sendJson(response, 404, { error: `no route POST ${url.pathname}` });
        }
      } catch (error) {
        if (response.headersSent) return void response.end();
        if (error instanceof GateInputError) return sendJson(response, 400, { error: error.message });
        if (error instanceof BodyTooLargeError) return sendJson(response, 413, { error: error.message });
        logger.error({ error: (error as Error).message, path: url.pathname }, "gate request failed");
        sendJson(response, 500, { error: "internal error" });
      }
    })();
  });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
