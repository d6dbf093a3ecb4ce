// The streaming backend as one service for `npm start`: the index cache, the
// access gate (with Livepeer's webhook) and the local Livepeer-compatible media
// server, each on its own 127.0.0.1 port.
//
//   const streaming = await startStreaming({ indexerUrl, deployment, secret, logger });
//   streaming.url      // media server: WHIP/WebRTC at `${url}/webrtc/<id>`
//   streaming.gateUrl  // gate: /access, /streams/<id>/events, /webhooks/livepeer/playback, /invites/*
//   await streaming.stop();
import type { Server } from "node:http";
import { join } from "node:path";

import { createPublicClient, http } from "viem";
import { z } from "zod";

import { CallSignaling } from "./call/callSignaling.ts";
import { AccessWatcher } from "./gate/accessWatcher.ts";
import { AccessGate } from "./gate/gate.ts";
import { GroupMembership } from "./groups/groupMembership.ts";
import { createGateServer } from "./gate/gateServer.ts";
import { close, listen } from "./http.ts";
import { IndexCache, type Logger } from "./index/indexCache.ts";
import { LivepeerStudio, type VideoService } from "./livepeer/studio.ts";
import { MediaServer } from "./media/mediaServer.ts";

const Address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "an 0x address");

const StreamingConfig = z.object({
  indexerUrl: z.string().url(),
  deployment: z.object({
    chainId: z.number().int().positive(),
    contracts: z.object({ CreatorRegistry: z.object({ address: Address }) }).passthrough(),
  }),
  secret: z.string().min(32, "the secret shared with the webapp must be at least 32 characters"),
  port: z.number().int().min(0).max(65_535).default(0),
  gatePort: z.number().int().min(0).max(65_535).default(0),
  livepeerWebhookSecret: z.string().min(1).optional(),
  corsOrigins: z.union([z.literal("loopback"), z.array(z.string().url())]).default("loopback"),
  iceServers: z
    .array(
      z.object({
        urls: z.union([z.string(), z.array(z.string())]),
        username: z.string().optional(),
        credential: z.string().optional(),
      }),
    )
    .default([]),
  pollIntervalMs: z.number().int().min(20).max(10_000).default(200),
  goneAfterMs: z.number().int().min(500).max(60_000).default(3000),
  /** HLS: ffmpeg starts on a broadcast's first playlist request, which waits up to this long for the first segment. */
  hlsFirstSegmentWaitMs: z.number().int().min(0).max(60_000).default(8000),
  /** HLS: a broadcast's ffmpeg stops after this long without a playlist or segment request. */
  hlsIdleStopMs: z.number().int().min(1000).max(3_600_000).default(30_000),
  fullReloadMs: z.number().int().min(1000).default(60_000),
  /** The message hub, for group → live streams (members of the linked group may watch); absent: no group criterion. */
  messageHubUrl: z.string().url().optional(),
  /**
   * The hub pushes group membership over a feed the gate keeps open (no polling); after this long without a
   * snapshot or heartbeat the gate refuses group members (`group_unavailable`) until the reopened feed resyncs.
   */
  groupStaleAfterMs: z.number().int().min(500).max(60_000).default(5000),
  /** Where the gate keeps state that must survive a restart (invite revocations). Absent: memory only. */
  dataDir: z.string().min(1).optional(),
  /** Set: streams are provisioned on Livepeer Studio (production); absent: on the local media server. */
  livepeer: z
    .object({ apiKey: z.string().min(1), gatePublicUrl: z.string().url(), serverURL: z.string().url().optional() })
    .optional(),
});

export type StartStreamingParameters = z.input<typeof StreamingConfig> & {
  /**
   * The chain's JSON-RPC, used only to check, once per new indexed block, that the block the cache reflects is
   * still on the chain (a reorg reloads the cache); decisions never call the chain. Without it the cache reloads
   * everything every `fullReloadMs`.
   */
  readonly rpcUrl?: string;
  /** pino or anything with info/warn/error (and optionally child). */
  readonly logger: Logger & { child?(bindings: object): Logger };
};

export interface RunningStreaming {
  /** The local media server's base URL (WHIP publish and WebRTC playback under /webrtc/). */
  readonly url: string;
  /** The gate's base URL. */
  readonly gateUrl: string;
  readonly gate: AccessGate;
  /** Re-decides every watching viewer when the index, a revocation or a group changes. */
  readonly watcher: AccessWatcher;
  readonly media: MediaServer;
  readonly cache: IndexCache;
  readonly calls: CallSignaling;
  /** Provisions a Mesi stream for broadcasting: Livepeer Studio when configured, else the local media server. */
  readonly video: VideoService;
  stop(): Promise<void>;
}

export async function startStreaming(parameters: StartStreamingParameters): Promise<RunningStreaming> {
  const { logger, rpcUrl, ...rest } = parameters;
  const config = StreamingConfig.parse(rest);
  const child = (component: string): Logger => logger.child?.({ component }) ?? logger;
  const chain = rpcUrl === undefined ? undefined : createPublicClient({ transport: http(rpcUrl, { retryCount: 0 }) });
  const cache = new IndexCache({
    blockHashAt:
      chain === undefined
        ? undefined
        : async (n) => (await chain.getBlock({ blockNumber: BigInt(n) }).catch(() => null))?.hash ?? null,
    fullReloadMs: config.fullReloadMs,
    url: config.indexerUrl,
    logger: child("index-cache"),
    pollIntervalMs: config.pollIntervalMs,
  });
  await cache.start();
  const groups =
    config.messageHubUrl === undefined
      ? undefined
      : new GroupMembership({
          hubUrl: config.messageHubUrl,
          secret: config.secret,
          logger: child("group-membership"),
          staleAfterMs: config.groupStaleAfterMs,
        });
  await groups?.start();
  const gate = new AccessGate({
    groups,
    cache,
    secret: config.secret,
    inviteDomain: {
      chainId: config.deployment.chainId,
      registry: config.deployment.contracts.CreatorRegistry.address as `0x${string}`,
    },
    logger: child("gate"),
    revocationsFile: config.dataDir === undefined ? undefined : join(config.dataDir, "invite-revocations.jsonl"),
  });
  const watcher = new AccessWatcher(gate);
  const media = new MediaServer({
    gate,
    watcher,
    secret: config.secret,
    logger: child("media"),
    iceServers: config.iceServers,
    goneAfterMs: config.goneAfterMs,
    hls: { firstSegmentWaitMs: config.hlsFirstSegmentWaitMs, idleStopMs: config.hlsIdleStopMs },
  });
  const calls = new CallSignaling({
    cache,
    secret: config.secret,
    logger: child("calls"),
    iceServers: config.iceServers,
  });
  const gateServer = createGateServer({
    calls,
    gate,
    watcher,
    secret: config.secret,
    livepeerWebhookSecret: config.livepeerWebhookSecret,
    corsOrigins: config.corsOrigins,
    logger: child("gate-http"),
    viewerCount: (streamId) => media.viewerCount(streamId),
  });
  const mediaServer: Server = media.createServer();
  const servers: Server[] = [];
  try {
    const gateUrl = await listen(gateServer, config.gatePort);
    servers.push(gateServer);
    const url = await listen(mediaServer, config.port);
    servers.push(mediaServer);
    media.baseUrl = url;
    logger.info({ url, gateUrl }, "streaming listening");
    let video: VideoService = media;
    if (config.livepeer !== undefined) {
      if (config.livepeerWebhookSecret === undefined) throw new Error("livepeer needs livepeerWebhookSecret");
      video = new LivepeerStudio({
        ...config.livepeer,
        webhookSecret: config.livepeerWebhookSecret,
        logger: child("livepeer"),
      });
    }
    let stopped: Promise<void> | undefined;
    return {
      url,
      gateUrl,
      gate,
      watcher,
      media,
      cache,
      calls,
      video,
      stop: () =>
        (stopped ??= (async () => {
          await media.close();
          calls.close();
          watcher.close();
          groups?.stop();
          await Promise.all(servers.map(close));
          await cache.stop();
        })()),
    };
  } catch (error) {
    await media.close();
    calls.close();
    watcher.close();
    groups?.stop();
    await Promise.all(servers.map(close));
    await cache.stop();
    throw error;
  }
}
