// Signaling for one-to-one calls, served by the gate (the browsers connect to each other directly with WebRTC;
// only offers and answers pass here):
//   GET  /calls/<sessionId>/events?key=…   server-sent events for one participant, the key minted by the webapp
//        from the SIWE session: `joined` {role, endsAt, connection, peerPresent, iceServers}, `peer` {present},
//        `signal` {type, sdp} from the other side, `ended` when the session's time is up (then the stream closes)
//   POST /calls/<sessionId>/signal {connection, signal: {type: "offer" | "answer" | "bye", sdp?}}
//        relays to the other participant; `connection` is the secret id sent in `joined`
// Only the session's fan and creator get in, only while it runs (decideCall, chain time from the index); a second
// connection by the same participant replaces the first.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

import type { Address } from "viem";

import { readBody, sendJson } from "../http.ts";
import type { IndexCache, Logger } from "../index/indexCache.ts";
import { CallKeyError, verifyCallKey } from "./callKey.ts";
import { CALL_REFUSALS, decideCall, type CallRole } from "./decideCall.ts";

export interface IceServer {
  readonly urls: string | readonly string[];
  readonly username?: string;
  readonly credential?: string;
}

export interface CallSignalingOptions {
  readonly cache: IndexCache;
  readonly secret: string;
  readonly logger: Logger;
  /** Handed to both browsers (STUN/TURN from configuration; none on loopback). */
  readonly iceServers: readonly IceServer[];
  /** How often running calls are checked against their end. Default 500 ms. */
  readonly tickMs?: number;
  readonly keepAliveMs?: number;
}

interface Participant {
  readonly connection: string;
  readonly wallet: Address;
  readonly role: CallRole;
  readonly response: ServerResponse;
  readonly keepAlive: NodeJS.Timeout;
}

interface Room {
  readonly sessionId: bigint;
  endsAt: number;
  readonly participants: Map<CallRole, Participant>;
}

const SIGNAL_TYPES = new Set(["offer", "answer", "bye"]);

export class CallSignaling {
  readonly #options: CallSignalingOptions;
  readonly #rooms = new Map<string, Room>();
  readonly #timer: NodeJS.Timeout;

  constructor(options: CallSignalingOptions) {
    this.#options = options;
    this.#timer = setInterval(() => this.#tick(), options.tickMs ?? 500);
    this.#timer.unref();
  }

  /** Participants connected now, per call (for tests and /health). */
  get connected(): number {
    let n = 0;
    for (const room of this.#rooms.values()) n += room.participants.size;
    return n;
  }

  /** Serves /calls/… routes; false when the path is not one of them. */
  async handle(request: IncomingMessage, response: ServerResponse, url: URL): Promise<boolean> {
    const match = /^\/calls\/([^/]+)\/(events|signal)$/.exec(url.pathname);
    if (match === null) return false;
    if (!/^\d{1,78}$/.test(match[1]!)) {
      sendJson(response, 400, { error: "the session id must be a decimal integer" });
      return true;
    }
    const sessionId = BigInt(match[1]!);
    if (match[2] === "events" && request.method === "GET") this.#join(request, response, sessionId, url);
    else if (match[2] === "signal" && request.method === "POST") await this.#signal(request, response, sessionId);
    else sendJson(response, 405, { error: `${request.method} is not allowed on ${url.pathname}` });
    return true;
  }

  close(): void {
    clearInterval(this.#timer);
    for (const room of this.#rooms.values()) for (const p of room.participants.values()) this.#leave(room, p, false);
    this.#rooms.clear();
  }

  #join(request: IncomingMessage, response: ServerResponse, sessionId: bigint, url: URL): void {
    const key = url.searchParams.get("key") ?? "";
    let wallet: Address;
    try {
      wallet = verifyCallKey(key, sessionId, this.#options.secret).address;
    } catch (error) {
      if (!(error instanceof CallKeyError)) throw error;
      return sendJson(response, 401, { error: `call key refused: ${error.reason}`, reason: "bad_key" });
    }
    const { cache } = this.#options;
    if (!cache.loaded) return sendJson(response, 503, { error: "the index is not loaded yet", reason: "index" });
    const decision = decideCall(cache.call(sessionId), wallet, cache.now());
    if (!decision.allow) {
      const status = decision.reason === "not_participant" ? 403 : decision.reason === "ended" ? 410 : 404;
      this.#options.logger.info({ sessionId: sessionId.toString(), wallet, reason: decision.reason }, "call refused");
      return sendJson(response, status, { error: CALL_REFUSALS[decision.reason], reason: decision.reason });
    }
    const roomKey = sessionId.toString();
    let room = this.#rooms.get(roomKey);
    if (room === undefined) {
      room = { sessionId, endsAt: decision.endsAt, participants: new Map() };
      this.#rooms.set(roomKey, room);
    }
    const previous = room.participants.get(decision.role);
    if (previous !== undefined) this.#leave(room, previous, true, "replaced by a newer connection");

    response.writeHead(200, {
      "content-type": "text/event-stream",
      "cache-control": "no-store",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    const participant: Participant = {
      connection: randomUUID(),
      wallet,
      role: decision.role,
      response,
      keepAlive: setInterval(() => response.write(": keep-alive\n\n"), this.#options.keepAliveMs ?? 15_000),
    };
    room.participants.set(decision.role, participant);
    const other = room.participants.get(decision.role === "creator" ? "fan" : "creator");
    send(response, "joined", {
      role: decision.role,
      endsAt: room.endsAt,
      now: cache.now(),
      connection: participant.connection,
      peerPresent: other !== undefined,
      iceServers: this.#options.iceServers,
    });
    if (other !== undefined) send(other.response, "peer", { present: true });
    this.#options.logger.info({ sessionId: roomKey, role: decision.role }, "call participant joined");
    const currentRoom = room;
    request.on("close", () => {
      if (currentRoom.participants.get(participant.role) === participant) this.#leave(currentRoom, participant, false);
    });
  }

  async #signal(request: IncomingMessage, response: ServerResponse, sessionId: bigint): Promise<void> {
    let body: { connection?: unknown; signal?: { type?: unknown; sdp?: unknown } };
    try {
      body = JSON.parse((await readBody(request, 128 * 1024)).toString("utf8"));
    } catch {
      return sendJson(response, 400, { error: "body must be JSON {connection, signal}" });
    }
    const room = this.#rooms.get(sessionId.toString());
    const from = [...(room?.participants.values() ?? [])].find((p) => p.connection === body?.connection);
    if (room === undefined || from === undefined) {
      return sendJson(response, 403, { error: "not connected to this call (open its events first)" });
    }
    const type = body.signal?.type;
    const sdp = body.signal?.sdp;
    if (typeof type !== "string" || !SIGNAL_TYPES.has(type)) {
      return sendJson(response, 400, { error: "signal.type must be offer, answer or bye" });
    }
    if (type !== "bye" && (typeof sdp !== "string" || !sdp.startsWith("v=0"))) {
      return sendJson(response, 400, { error: "signal.sdp must be an SDP description" });
    }
    const to = room.participants.get(from.role === "creator" ? "fan" : "creator");
    if (to === undefined) return sendJson(response, 409, { error: "the other side is not in the call" });
    send(to.response, "signal", { type, sdp: type === "bye" ? undefined : sdp, from: from.role });
    sendJson(response, 200, { delivered: true });
  }

  #leave(room: Room, participant: Participant, tellSelf: boolean, why?: string): void {
    clearInterval(participant.keepAlive);
    room.participants.delete(participant.role);
    if (tellSelf) send(participant.response, "ended", { reason: why });
    participant.response.end();
    const other = room.participants.get(participant.role === "creator" ? "fan" : "creator");
    if (other !== undefined) send(other.response, "peer", { present: false });
    if (room.participants.size === 0) this.#rooms.delete(room.sessionId.toString());
  }

  /** Ends rooms whose session time is up (or whose session is no longer accepted), at chain time. */
  #tick(): void {
    const { cache } = this.#options;
    if (!cache.loaded) return;
    const now = cache.now();
    for (const room of [...this.#rooms.values()]) {
      const call = cache.call(room.sessionId);
      if (call !== undefined) room.endsAt = call.endsAt;
      if (call !== undefined && now < call.endsAt) continue;
      this.#options.logger.info({ sessionId: room.sessionId.toString() }, "call ended");
      for (const participant of [...room.participants.values()]) {
        clearInterval(participant.keepAlive);
        send(participant.response, "ended", { reason: "time is up", endsAt: room.endsAt });
        participant.response.end();
      }
      this.#rooms.delete(room.sessionId.toString());
    }
  }
}

function send(response: ServerResponse, event: string, data: unknown): void {
  if (!response.writableEnded) response.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}
