// The local, Livepeer-compatible media server (the embedded default; Livepeer
// Studio in production). Pure TypeScript WebRTC (werift) relaying a
// broadcaster's RTP to viewers, speaking what @livepeer/react's Broadcast and
// Player speak (see ../../README.md and shared/REFERENCE.md):
//   HEAD /webrtc/<id>                 always 200 with CORS (the components HEAD first, then POST)
//   POST /webrtc/<streamKey>          WHIP publish: application/sdp offer → 201 + answer
//   POST /webrtc/<playbackId>         WebRTC playback: Livepeer-Access-Key header or ?accessKey=, asked of the gate;
//                                     refusals in Livepeer's body texts ("stream is offline", "shutting down since
//                                     this session is not allowed to view this stream")
//   GET  /hls/<playbackId>/index.m3u8 HLS playback (larger audiences; the Player's fallback when WebRTC fails): the
//                                     same gate with the same key (Livepeer-Access-Key header or ?accessKey=); the
//                                     playlist's segment URIs carry the key, and every segment request is asked again.
//                                     The first playlist request of a broadcast starts its ffmpeg and waits (bounded)
//                                     for the first segment, else 503 + Retry-After; no HLS request for `idleStopMs`
//                                     stops it again (a broadcast nobody watches over HLS runs no ffmpeg)
//   GET  /hls/<playbackId>/seg-<n>.ts?accessKey=…
//   DELETE /webrtc/sessions/<id>      leave (optional: Livepeer's clients never send it)
//   POST /ingest/<streamId>           {accessKey} of the creator → {streamKey, whipUrl}
//   GET  /stats                       streams broadcasting, since when, viewer counts
//   GET  /streams/<id>/viewers        server-sent events: `viewers` {viewers, since} now and whenever a viewer joins
//                                     or leaves or the broadcast starts or ends (the page's "N watching")
// The playback id of Mesi stream N is "N"; its stream key is "N-<hmac>" (derived from the secret). A broadcaster
// silent for `goneAfterMs` is dropped with its viewers; a viewer the gate stops admitting is dropped at once.
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

import type { Address } from "viem";
import {
  MediaStreamTrack,
  RTCPeerConnection,
  useH264,
  useOPUS,
  useVP8,
  type RTCIceServer,
  type RTCRtpCodecParameters,
  type RtpPacket,
} from "werift";

import { AccessKeyError, verifyAccessKey } from "../gate/accessKey.ts";
import type { AccessWatcher } from "../gate/accessWatcher.ts";
import { AccessGate, GateInputError } from "../gate/gate.ts";
import { BodyTooLargeError, readBody, sendJson, sendText } from "../http.ts";
import type { Logger } from "../index/indexCache.ts";
import type { ProvisionedStream, VideoService } from "../livepeer/studio.ts";
import { HlsTranscoder, type HlsTranscoderOptions } from "./hlsTranscoder.ts";

/** Livepeer's body texts, which the player reads. */
export const OFFLINE_TEXT = "stream is offline";
export const NOT_ALLOWED_TEXT = "shutting down since this session is not allowed to view this stream";

export interface MediaServerOptions {
  readonly gate: AccessGate;
  readonly watcher: AccessWatcher;
  /** Derives stream keys; also verifies access keys. */
  readonly secret: string;
  readonly logger: Logger;
  /** ICE servers for the server's own peer connections. Default none (loopback). */
  readonly iceServers?: readonly RTCIceServer[];
  /** A broadcaster without RTP for this long is gone. Default 3000 ms. */
  readonly goneAfterMs?: number;
  /** HLS output (ffmpeg from npm), started on a broadcast's first HLS request; `false` turns it off. Default on. */
  readonly hls?: false | MediaHlsOptions;
}

export interface MediaHlsOptions extends Pick<HlsTranscoderOptions, "ffmpegPath" | "segmentSeconds" | "rootDir"> {
  /**
   * How long a playlist request waits for a starting transcoder's first segment before 503 + Retry-After. Default
   * 8000 ms: under the 10 s manifest timeout that Livepeer's player gives hls.js.
   */
  readonly firstSegmentWaitMs?: number;
  /** A transcoder that no playlist or segment request has touched for this long is stopped. Default 30 000 ms. */
  readonly idleStopMs?: number;
}

interface ViewerSession {
  readonly id: string;
  readonly streamId: bigint;
  readonly viewer: Address | null;
  readonly pc: RTCPeerConnection;
  readonly tracks: Partial<Record<"audio" | "video", MediaStreamTrack>>;
  stopWatching: () => void;
  /** Last RTCP from the viewer's browser (receiver reports come every second or so while it plays). */
  lastSeenAt: number;
}

interface Broadcast {
  readonly id: string;
  readonly streamId: bigint;
  readonly pc: RTCPeerConnection;
  readonly startedAt: number;
  videoCodec: "video/H264" | "video/VP8" | undefined;
  lastRtpAt: number;
  readonly remote: Partial<
    Record<
      "audio" | "video",
      { readonly ssrc: () => number | undefined; readonly pli: (ssrc: number) => Promise<void> }
    >
  >;
  readonly viewers: Set<ViewerSession>;
  /** The HLS transcoder starting or running (resolves null when ffmpeg failed to start); undefined: none. */
  hls: Promise<HlsTranscoder | null> | undefined;
  hlsOut: HlsTranscoder | null;
  /** Last HLS playlist or segment request (the transcoder stops after `idleStopMs` without one). */
  hlsRequestedAt: number;
  ended: boolean;
  keyframeTimer: NodeJS.Timeout | undefined;
  /** HLS viewers by identity (wallet, or address + user agent when anonymous) → last playlist or segment request. */
  readonly hlsViewers: Map<string, number>;
}

const CORS_HEADERS = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "POST, HEAD, GET, DELETE, OPTIONS",
  "access-control-allow-headers": "content-type, livepeer-access-key, livepeer-jwt",
  "access-control-expose-headers": "location, content-type",
  "access-control-max-age": "600",
};

export class MediaServer implements VideoService {
  readonly #options: MediaServerOptions;
  readonly #broadcasts = new Map<string, Broadcast>();
  readonly #sessions = new Map<string, ViewerSession>();
  /** Listeners of a stream's viewer count, by stream id. */
  readonly #countListeners = new Map<string, Set<() => void>>();
  readonly #sweeper: NodeJS.Timeout;
  baseUrl = "";

  constructor(options: MediaServerOptions) {
    this.#options = options;
    this.#sweeper = setInterval(() => this.#sweep(), 500);
    this.#sweeper.unref();
  }

  /** The stream key the creator publishes with (`<streamId>-<32 hex>`). */
  streamKeyFor(streamId: bigint): string {
    return `${streamId}-${this.#mac(streamId)}`;
  }

  /** The local stand-in's provisioning: the stream's key and URLs (nothing to create; ids are Mesi's). */
  async createStream(parameters: { readonly streamId: bigint; readonly title: string }): Promise<ProvisionedStream> {
    const streamKey = this.streamKeyFor(parameters.streamId);
    return {
      streamId: parameters.streamId,
      providerStreamId: parameters.streamId.toString(),
      playbackId: parameters.streamId.toString(),
      streamKey,
      whipUrl: `${this.baseUrl}/webrtc/${streamKey}`,
      rtmpIngestUrl: "",
    };
  }

  async deleteStream(): Promise<void> {}

  /** Viewers now watching `streamId` over WebRTC or HLS (0 when nobody broadcasts). */
  viewerCount(streamId: bigint): number {
    const broadcast = this.#broadcasts.get(streamId.toString());
    return broadcast === undefined ? 0 : broadcast.viewers.size + broadcast.hlsViewers.size;
  }

  stats(): {
    streamId: string;
    broadcasting: boolean;
    since: number;
    viewers: number;
    videoCodec: string | null;
    /** The HLS ffmpeg's process id while one runs for the broadcast. */
    hlsPid: number | null;
  }[] {
    return [...this.#broadcasts.values()].map((b) => ({
      streamId: b.streamId.toString(),
      broadcasting: true,
      since: b.startedAt,
      viewers: b.viewers.size + b.hlsViewers.size,
      videoCodec: b.videoCodec ?? null,
      hlsPid: b.hlsOut?.pid ?? null,
    }));
  }

  /** The HLS transcoders running now, by stream (what `/stats` reports as `hlsPid`). */
  hlsTranscoders(): { streamId: bigint; pid: number | undefined }[] {
    return [...this.#broadcasts.values()]
      .filter((b) => b.hlsOut !== null)
      .map((b) => ({ streamId: b.streamId, pid: b.hlsOut!.pid }));
  }

  createServer(): Server {
    return createServer((request, response) => {
      for (const [name, value] of Object.entries(CORS_HEADERS)) response.setHeader(name, value);
      void this.#route(request, response).catch((error: unknown) => {
        if (response.headersSent) return void response.end();
        if (error instanceof GateInputError) return sendText(response, 400, error.message);
        if (error instanceof BodyTooLargeError) return sendText(response, 413, error.message);
        this.#options.logger.error({ error: (error as Error).message, url: request.url }, "media request failed");
        sendText(response, 500, "internal error");
      });
    });
  }

  async close(): Promise<void> {
    clearInterval(this.#sweeper);
    for (const broadcast of [...this.#broadcasts.values()]) await this.#endBroadcast(broadcast, "server stopping");
    for (const session of [...this.#sessions.values()]) await this.#dropViewer(session, "server stopping");
  }

  #mac(streamId: bigint): string {
    return createHmac("sha256", this.#options.secret).update(`mesi-stream-key:${streamId}`).digest("hex").slice(0, 32);
  }

  async #route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    if (request.method === "OPTIONS") return void response.writeHead(204).end();
    if (request.method === "GET" && url.pathname === "/stats")
      return sendJson(response, 200, { streams: this.stats() });
    const counts = /^\/streams\/([1-9]\d{0,76})\/viewers$/.exec(url.pathname);
    if (counts !== null && request.method === "GET") return this.#streamViewerCount(response, counts[1]!);
    const ingest = /^\/ingest\/([^/]+)$/.exec(url.pathname);
    if (ingest !== null && request.method === "POST")
      return this.#ingest(request, response, AccessGate.streamIdOf(ingest[1]));
    const leave = /^\/webrtc\/sessions\/([0-9a-f-]{36})$/.exec(url.pathname);
    if (leave !== null && request.method === "DELETE") {
      const session = this.#sessions.get(leave[1]!);
      const broadcast = [...this.#broadcasts.values()].find((b) => b.id === leave[1]);
      if (session !== undefined) await this.#dropViewer(session, "left");
      else if (broadcast !== undefined) await this.#endBroadcast(broadcast, "left");
      else return sendText(response, 404, "no such session");
      return void response.writeHead(200).end();
    }
    const hls = /^\/hls\/([1-9]\d{0,76})\/(index\.m3u8|seg-\d{1,9}\.ts)$/.exec(url.pathname);
    if (hls !== null && (request.method === "GET" || request.method === "HEAD")) {
      const accessKey =
        (request.headers["livepeer-access-key"] as string | undefined) ?? url.searchParams.get("accessKey");
      const viewerTag = `${request.socket.remoteAddress}|${request.headers["user-agent"] ?? ""}`;
      return this.#serveHls(response, BigInt(hls[1]!), hls[2]!, accessKey, viewerTag);
    }
    const webrtc = /^\/webrtc\/([^/]+)$/.exec(url.pathname);
    if (webrtc === null) return sendText(response, 404, "not found");
    if (request.method === "HEAD") return void response.writeHead(200, { "content-type": "application/sdp" }).end();
    if (request.method !== "POST")
      return sendText(response, 405, "method not allowed", { allow: "HEAD, POST, OPTIONS" });
    const contentType = (request.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
    if (contentType !== "application/sdp") return sendText(response, 415, "content-type must be application/sdp");
    const offer = (await readBody(request, 256 * 1024)).toString("utf8");
    if (!offer.startsWith("v=0")) return sendText(response, 400, "body is not an SDP offer");
    const id = decodeURIComponent(webrtc[1]!);
    const key = /^(\d{1,77})-([0-9a-f]{32})$/.exec(id);
    if (key !== null) return this.#publish(response, BigInt(key[1]!), key[2]!, offer);
    if (/^[1-9]\d{0,76}$/.test(id)) {
      const accessKey =
        (request.headers["livepeer-access-key"] as string | undefined) ?? url.searchParams.get("accessKey");
      return this.#play(response, BigInt(id), accessKey, offer);
    }
    return sendText(response, 404, OFFLINE_TEXT);
  }

  async #ingest(request: IncomingMessage, response: ServerResponse, streamId: bigint): Promise<void> {
    let body: { accessKey?: unknown };
    try {
      body = JSON.parse((await readBody(request)).toString("utf8"));
    } catch {
      return sendJson(response, 400, { error: "body must be JSON {accessKey}" });
    }
    let wallet: Address;
    try {
      wallet = verifyAccessKey(String(body.accessKey ?? ""), streamId, this.#options.secret).address;
    } catch (error) {
      if (error instanceof AccessKeyError)
        return sendJson(response, 401, { error: `access key refused: ${error.reason}` });
      throw error;
    }
    const stream = this.#options.gate.cache.stream(streamId);
    if (stream === undefined) return sendJson(response, 404, { error: `unknown stream ${streamId}` });
    if (stream.creator.toLowerCase() !== wallet.toLowerCase()) {
      return sendJson(response, 403, { error: "only the stream's creator gets its stream key" });
    }
    const streamKey = this.streamKeyFor(streamId);
    sendJson(response, 200, {
      streamKey,
      whipUrl: `${this.baseUrl}/webrtc/${streamKey}`,
      playbackUrl: `${this.baseUrl}/webrtc/${streamId}`,
    });
  }

  #peer(codecs: { video: RTCRtpCodecParameters[]; audio: RTCRtpCodecParameters[] }): RTCPeerConnection {
    return new RTCPeerConnection({
      codecs,
      iceServers: [...(this.#options.iceServers ?? [])],
      iceUseIpv6: false,
      iceAdditionalHostAddresses: ["127.0.0.1"],
      // Media sockets bind loopback only, like every Mesi server.
      iceInterfaceAddresses: { udp4: "127.0.0.1" },
    });
  }

  async #answer(pc: RTCPeerConnection): Promise<string> {
    const answer = await pc.createAnswer();
    await pc.setLocalDescription(answer);
    if (pc.iceGatheringState !== "complete") {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 3000);
        pc.iceGatheringStateChange.subscribe((state) => {
          if (state === "complete") (clearTimeout(timer), resolve());
        });
      });
    }
    // Every socket is bound to 127.0.0.1 (iceInterfaceAddresses); werift still lists the machine's other addresses,
    // which nothing listens on: leave them out of the answer.
    return pc
      .localDescription!.sdp.split("\r\n")
      .filter((line) => !line.startsWith("a=candidate:") || line.includes(" 127.0.0.1 "))
      .join("\r\n");
  }

  async #publish(response: ServerResponse, streamId: bigint, mac: string, offer: string): Promise<void> {
    const expected = Buffer.from(this.#mac(streamId));
    if (!timingSafeEqual(Buffer.from(mac), expected)) return sendText(response, 401, "invalid stream key");
    if (this.#options.gate.cache.stream(streamId) === undefined)
      return sendText(response, 404, `unknown stream ${streamId}`);
    const previous = this.#broadcasts.get(streamId.toString());
    if (previous !== undefined) await this.#endBroadcast(previous, "replaced by a new broadcast");

    const pc = this.#peer({ video: [useH264(), useVP8()], audio: [useOPUS()] });
    const broadcast: Broadcast = {
      id: randomUUID(),
      streamId,
      pc,
      startedAt: Date.now(),
      videoCodec: undefined,
      lastRtpAt: Date.now(),
      remote: {},
      viewers: new Set(),
      hls: undefined,
      hlsOut: null,
      hlsRequestedAt: 0,
      ended: false,
      keyframeTimer: undefined,
      hlsViewers: new Map(),
    };
    pc.ontrack = ({ track, transceiver }) => {
      const kind = track.kind as "audio" | "video";
      if (kind === "video") {
        const mime = transceiver.codecs[0]?.mimeType.toLowerCase();
        broadcast.videoCodec = mime === "video/vp8" ? "video/VP8" : "video/H264";
      }
      broadcast.remote[kind] = {
        ssrc: () => track.ssrc,
        pli: (ssrc) => transceiver.receiver.sendRtcpPLI(ssrc),
      };
      track.onReceiveRtp.subscribe((rtp: RtpPacket) => {
        broadcast.lastRtpAt = Date.now();
        for (const viewer of broadcast.viewers) viewer.tracks[kind]?.writeRtp(rtp);
        broadcast.hlsOut?.writeRtp(kind, rtp);
      });
    };
    await pc.setRemoteDescription({ type: "offer", sdp: offer });
    const sdp = await this.#answer(pc);
    this.#broadcasts.set(streamId.toString(), broadcast);
    this.#countChanged(streamId);
    pc.connectionStateChange.subscribe((state) => {
      if (state === "failed" || state === "closed") void this.#endBroadcast(broadcast, `connection ${state}`);
    });
    this.#options.logger.info({ streamId: streamId.toString(), session: broadcast.id }, "broadcast started");
    response.writeHead(201, { "content-type": "application/sdp", location: `/webrtc/sessions/${broadcast.id}` });
    response.end(sdp);
  }

  async #play(response: ServerResponse, streamId: bigint, accessKey: string | null, offer: string): Promise<void> {
    const answer = this.#options.gate.decideForKey(streamId, accessKey);
    if (answer.reason === "unknown_stream") return sendText(response, 404, OFFLINE_TEXT);
    if (!answer.allow) {
      this.#options.logger.info({ streamId: streamId.toString(), reason: answer.reason }, "viewer refused");
      return sendText(response, 403, NOT_ALLOWED_TEXT);
    }
    const broadcast = this.#broadcasts.get(streamId.toString());
    if (broadcast === undefined || broadcast.videoCodec === undefined) return sendText(response, 404, OFFLINE_TEXT);

    const pc = this.#peer({ video: [broadcast.videoCodec === "video/VP8" ? useVP8() : useH264()], audio: [useOPUS()] });
    const session: ViewerSession = {
      id: randomUUID(),
      streamId,
      viewer: answer.viewer,
      pc,
      tracks: {},
      stopWatching: () => {},
      // Grace for ICE and DTLS before the first report (then 2 × goneAfterMs without RTCP drops the viewer).
      lastSeenAt: Date.now() + 4_000,
    };
    await pc.setRemoteDescription({ type: "offer", sdp: offer });
    for (const transceiver of pc.getTransceivers()) {
      const kind = transceiver.kind as "audio" | "video";
      if (session.tracks[kind] !== undefined) continue;
      const track = new MediaStreamTrack({ kind });
      session.tracks[kind] = track;
      await transceiver.sender.replaceTrack(track);
      transceiver.setDirection("sendonly");
    }
    const sdp = await this.#answer(pc);
    // Any RTCP from the browser (receiver reports, feedback) proves the viewer is still there.
    for (const transport of new Set(pc.getTransceivers().map((t) => t.dtlsTransport))) {
      transport?.onRtcp.subscribe(() => {
        session.lastSeenAt = Date.now();
      });
    }
    // Removal: the moment the gate stops admitting this viewer, the connection goes.
    session.stopWatching = this.#options.watcher.watch(streamId, answer.viewer, (next) => {
      if (!next.allow) void this.#dropViewer(session, `no longer admitted: ${next.reason}`);
    }).stop;
    this.#sessions.set(session.id, session);
    broadcast.viewers.add(session);
    this.#countChanged(streamId);
    pc.connectionStateChange.subscribe((state) => {
      if (state === "connected") void this.#requestKeyframe(broadcast);
      if (state === "failed" || state === "closed" || state === "disconnected") {
        void this.#dropViewer(session, `connection ${state}`);
      }
    });
    this.#options.logger.info(
      { streamId: streamId.toString(), viewer: answer.viewer, reason: answer.reason },
      "viewer admitted",
    );
    response.writeHead(201, { "content-type": "application/sdp", location: `/webrtc/sessions/${session.id}` });
    response.end(sdp);
  }

  /** The broadcast's transcoder, started now if none runs (a stream's first HLS request); null if ffmpeg failed. */
  #hlsFor(broadcast: Broadcast, options: MediaHlsOptions): Promise<HlsTranscoder | null> {
    if (broadcast.hls !== undefined) return broadcast.hls;
    const logger = this.#options.logger;
    const streamId = broadcast.streamId.toString();
    const starting: Promise<HlsTranscoder | null> = HlsTranscoder.start({
      ffmpegPath: options.ffmpegPath,
      segmentSeconds: options.segmentSeconds,
      rootDir: options.rootDir,
      videoCodec: broadcast.videoCodec!,
      logger,
    }).then(
      async (transcoder) => {
        // Ended or stopped for idleness while ffmpeg was starting.
        if (broadcast.ended || broadcast.hls !== starting) {
          await transcoder.stop();
          return null;
        }
        broadcast.hlsOut = transcoder;
        // Chromium sends a keyframe only when asked: one per segment lets ffmpeg cut every segment on one.
        broadcast.keyframeTimer = setInterval(
          () => void this.#requestKeyframe(broadcast, [0]),
          transcoder.segmentSeconds * 1000,
        );
        void this.#requestKeyframe(broadcast, [0]);
        logger.info({ streamId, pid: transcoder.pid }, "HLS started on the first request");
        return transcoder;
      },
      (error: unknown) => {
        logger.error({ streamId, error: (error as Error).message }, "HLS unavailable");
        // The next request tries again.
        if (broadcast.hls === starting) broadcast.hls = undefined;
        return null;
      },
    );
    broadcast.hls = starting;
    return starting;
  }

  /** Stops the broadcast's transcoder (a starting one stops itself once started). */
  async #stopHls(broadcast: Broadcast, why: string): Promise<void> {
    if (broadcast.hls === undefined) return;
    const running = broadcast.hlsOut;
    broadcast.hls = undefined;
    broadcast.hlsOut = null;
    clearInterval(broadcast.keyframeTimer);
    broadcast.keyframeTimer = undefined;
    if (broadcast.hlsViewers.size > 0) {
      broadcast.hlsViewers.clear();
      this.#countChanged(broadcast.streamId);
    }
    this.#options.logger.info({ streamId: broadcast.streamId.toString(), pid: running?.pid, why }, "HLS stopped");
    await running?.stop();
  }

  async #serveHls(
    response: ServerResponse,
    streamId: bigint,
    file: string,
    accessKey: string | null,
    viewerTag: string,
  ): Promise<void> {
    const answer = this.#options.gate.decideForKey(streamId, accessKey);
    if (answer.reason === "unknown_stream") return sendText(response, 404, OFFLINE_TEXT);
    if (!answer.allow) return sendText(response, 403, NOT_ALLOWED_TEXT);
    const options = this.#options.hls ?? {};
    const broadcast = this.#broadcasts.get(streamId.toString());
    if (options === false || broadcast === undefined || broadcast.videoCodec === undefined)
      return sendText(response, 404, OFFLINE_TEXT);
    const requestedAt = Date.now();
    if (file !== "index.m3u8") {
      // Segments come from a running transcoder only; the playlist is what starts one.
      const transcoder = broadcast.hlsOut;
      if (transcoder === null) return sendText(response, 404, "no such segment");
      broadcast.hlsRequestedAt = requestedAt;
      this.#countHlsViewer(broadcast, answer.viewer?.toLowerCase() ?? viewerTag);
      const segment = await transcoder.segment(file);
      if (segment === null) return sendText(response, 404, "no such segment");
      response.writeHead(200, { "content-type": "video/mp2t", "cache-control": "no-store" });
      return void response.end(segment);
    }
    broadcast.hlsRequestedAt = requestedAt;
    const segmentSeconds = options.segmentSeconds ?? 2;
    const starting = () =>
      sendText(response, 503, `HLS is starting: retry in ${segmentSeconds} s`, {
        "retry-after": String(segmentSeconds),
      });
    const transcoder = await this.#hlsFor(broadcast, options);
    if (transcoder === null) return starting();
    this.#countHlsViewer(broadcast, answer.viewer?.toLowerCase() ?? viewerTag);
    const waitMs = options.firstSegmentWaitMs ?? 8000;
    let playlist = await transcoder.playlist();
    while (playlist === null && Date.now() - requestedAt < waitMs) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      broadcast.hlsRequestedAt = Date.now(); // a request waiting for the first segment keeps the transcoder
      if (this.#broadcasts.get(streamId.toString()) !== broadcast) return sendText(response, 404, OFFLINE_TEXT);
      if (broadcast.hlsOut !== transcoder) return starting();
      playlist = await transcoder.playlist();
    }
    if (playlist === null) return starting();
    // Segments carry the viewer's key, so each one is asked of the gate too (hls.js sends the header only for
    // the playlist); the playlist is reloaded every segment, so the key in it is never older than the page's.
    const query = accessKey === null || accessKey === "" ? "" : `?accessKey=${encodeURIComponent(accessKey)}`;
    const body = playlist
      .split("\n")
      .map((line) => (/^seg-\d+\.ts$/.test(line.trim()) ? `${line.trim()}${query}` : line))
      .join("\n");
    response.writeHead(200, { "content-type": "application/vnd.apple.mpegurl", "cache-control": "no-store" });
    response.end(body);
  }

  /** HLS viewers are counted by identity (wallet, or address + user agent when anonymous) while they request. */
  #countHlsViewer(broadcast: Broadcast, who: string): void {
    const joined = !broadcast.hlsViewers.has(who);
    broadcast.hlsViewers.set(who, Date.now());
    if (joined) this.#countChanged(broadcast.streamId);
  }

  #streamViewerCount(response: ServerResponse, streamId: string): void {
    response.writeHead(200, {
      "content-type": "text/event-stream",
      "cache-control": "no-store",
      connection: "keep-alive",
    });
    let last = "";
    const send = () => {
      const broadcast = this.#broadcasts.get(streamId);
      const data = JSON.stringify({
        viewers: this.viewerCount(BigInt(streamId)),
        since: broadcast?.startedAt ?? null,
      });
      if (data !== last) response.write(`event: viewers\ndata: ${(last = data)}\n\n`);
    };
    const listeners = this.#countListeners.get(streamId) ?? new Set();
    this.#countListeners.set(streamId, listeners);
    listeners.add(send);
    send();
    const keepAlive = setInterval(() => response.write(": keep-alive\n\n"), 15_000);
    response.on("close", () => {
      clearInterval(keepAlive);
      listeners.delete(send);
      if (listeners.size === 0) this.#countListeners.delete(streamId);
    });
  }

  #countChanged(streamId: bigint): void {
    for (const send of this.#countListeners.get(streamId.toString()) ?? []) send();
  }

  /** Asks the broadcaster for a keyframe so a new viewer's picture starts at once (a few times: RTCP is lossy). */
  async #requestKeyframe(broadcast: Broadcast, delays: readonly number[] = [0, 300, 1000]): Promise<void> {
    for (const delay of delays) {
      await new Promise((resolve) => setTimeout(resolve, delay));
      const video = broadcast.remote.video;
      const ssrc = video?.ssrc();
      if (video !== undefined && ssrc !== undefined) await video.pli(ssrc).catch(() => {});
    }
  }

  async #dropViewer(session: ViewerSession, why: string): Promise<void> {
    if (!this.#sessions.delete(session.id)) return;
    session.stopWatching();
    this.#broadcasts.get(session.streamId.toString())?.viewers.delete(session);
    this.#countChanged(session.streamId);
    this.#options.logger.info({ streamId: session.streamId.toString(), viewer: session.viewer, why }, "viewer dropped");
    await session.pc.close().catch(() => {});
  }

  async #endBroadcast(broadcast: Broadcast, why: string): Promise<void> {
    if (this.#broadcasts.get(broadcast.streamId.toString()) !== broadcast) return;
    this.#broadcasts.delete(broadcast.streamId.toString());
    this.#countChanged(broadcast.streamId);
    broadcast.ended = true;
    this.#options.logger.info({ streamId: broadcast.streamId.toString(), why }, "broadcast ended");
    await this.#stopHls(broadcast, "broadcast ended");
    for (const viewer of [...broadcast.viewers]) await this.#dropViewer(viewer, "broadcast ended");
    await broadcast.pc.close().catch(() => {});
  }

  #sweep(): void {
    const limit = this.#options.goneAfterMs ?? 3000;
    const now = Date.now();
    for (const broadcast of this.#broadcasts.values()) {
      if (now - broadcast.lastRtpAt > limit) void this.#endBroadcast(broadcast, `no media for ${limit} ms`);
    }
    // An HLS viewer is gone once it stops reloading the playlist (every segment) and fetching segments; the
    // transcoder once no one has asked for the playlist or a segment for `idleStopMs`.
    const hls = this.#options.hls;
    const idleStopMs = (hls === false ? undefined : hls?.idleStopMs) ?? 30_000;
    for (const broadcast of this.#broadcasts.values()) {
      const segmentMs = (broadcast.hlsOut?.segmentSeconds ?? 2) * 1000;
      for (const [who, at] of broadcast.hlsViewers) {
        if (now - at <= 3 * segmentMs) continue;
        broadcast.hlsViewers.delete(who);
        this.#countChanged(broadcast.streamId);
      }
      if (broadcast.hls !== undefined && now - broadcast.hlsRequestedAt > idleStopMs)
        void this.#stopHls(broadcast, `no HLS request for ${idleStopMs} ms`);
    }
    // Players never say goodbye (no DELETE): a viewer whose browser stopped reporting is gone.
    for (const session of this.#sessions.values()) {
      if (now - session.lastSeenAt > 2 * limit) void this.#dropViewer(session, `no RTCP for ${2 * limit} ms`);
    }
  }
}
