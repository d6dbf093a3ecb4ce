// The production video service: Livepeer Studio through its official SDK
// (`livepeer`). Each Mesi stream gets a Livepeer stream whose playback policy is
// the gate's webhook (`{type: "webhook", webhookId, webhookContext: {streamId}}`),
// so Livepeer asks the gate for every viewer; the same webhook registration
// signs stream.started / stream.idle for live state. This adapter is written
// against the SDK and tested against Livepeer's documented wire format with a
// local stand-in for the API; it is never run against the network here.
import { Livepeer } from "livepeer";
import { Events, Type } from "livepeer/models/components/index.js";

import type { Logger } from "../index/indexCache.ts";

/** What the webapp needs to broadcast and play one Mesi stream. */
export interface ProvisionedStream {
  readonly streamId: bigint;
  /** The provider's stream id. */
  readonly providerStreamId: string;
  readonly playbackId: string;
  /** Secret: only for the creator (WHIP path / OBS stream key). */
  readonly streamKey: string;
  /** WHIP ingest for the browser's Broadcast component. */
  readonly whipUrl: string;
  /** RTMP ingest for OBS (with the stream key). */
  readonly rtmpIngestUrl: string;
}

/** The seam between Mesi and a video provider: Livepeer Studio in production, the local media server by default. */
export interface VideoService {
  createStream(parameters: { readonly streamId: bigint; readonly title: string }): Promise<ProvisionedStream>;
  deleteStream(providerStreamId: string): Promise<void>;
}

export class LivepeerConfigError extends Error {
  override readonly name = "LivepeerConfigError";
}

export interface LivepeerStudioOptions {
  readonly apiKey: string;
  /** The gate's public base URL (Livepeer must reach it over HTTPS). */
  readonly gatePublicUrl: string;
  /** Shared secret Livepeer signs webhooks with (the gate's `livepeerWebhookSecret`). */
  readonly webhookSecret: string;
  /** Override the API base (tests point it at a local stand-in). Default: the SDK's. */
  readonly serverURL?: string;
  /** WHIP ingest base. Default https://playback.livepeer.studio/webrtc. */
  readonly whipBaseUrl?: string;
  /** RTMP ingest. Default rtmp://rtmp.livepeer.com/live. */
  readonly rtmpIngestUrl?: string;
  readonly logger: Logger;
}

/** Livepeer stream names carry the Mesi stream id, so stream.started/idle webhooks map back to it. */
export const livepeerStreamName = (streamId: bigint, title: string): string =>
  `mesi-${streamId} ${title}`.slice(0, 200);
export function mesiStreamIdOfName(name: unknown): bigint | null {
  const match = typeof name === "string" ? /^mesi-(\d{1,77})(?:\s|$)/.exec(name) : null;
  return match === null ? null : BigInt(match[1]!);
}

export class LivepeerStudio implements VideoService {
  readonly #sdk: Livepeer;
  readonly #options: LivepeerStudioOptions;
  #accessWebhookId: string | undefined;

  constructor(options: LivepeerStudioOptions) {
    if (options.apiKey === "") throw new LivepeerConfigError("a Livepeer Studio API key is required");
    if (!options.gatePublicUrl.startsWith("https://") && options.serverURL === undefined) {
      throw new LivepeerConfigError("Livepeer calls the gate over the internet: gatePublicUrl must be https://");
    }
    this.#options = options;
    this.#sdk = new Livepeer({
      apiKey: options.apiKey,
      ...(options.serverURL === undefined ? {} : { serverURL: options.serverURL }),
    });
  }

  /** Registers the gate's webhooks once: playback access control, and live state. Returns the access webhook id. */
  async registerWebhooks(): Promise<string> {
    const access = await this.#sdk.webhook.create({
      name: "mesi-gate-playback",
      url: `${this.#options.gatePublicUrl}/webhooks/livepeer/playback`,
      events: [Events.PlaybackAccessControl],
      sharedSecret: this.#options.webhookSecret,
    });
    await this.#sdk.webhook.create({
      name: "mesi-gate-live-state",
      url: `${this.#options.gatePublicUrl}/webhooks/livepeer/events`,
      events: [Events.StreamStarted, Events.StreamIdle],
      sharedSecret: this.#options.webhookSecret,
    });
    const id = access.webhook?.id;
    if (id === undefined) throw new Error("Livepeer created the webhook but returned no id");
    this.#accessWebhookId = id;
    this.#options.logger.info({ webhookId: id }, "livepeer webhooks registered");
    return id;
  }

  async createStream(parameters: { readonly streamId: bigint; readonly title: string }): Promise<ProvisionedStream> {
    const webhookId = this.#accessWebhookId ?? (await this.registerWebhooks());
    const created = await this.#sdk.stream.create({
      name: livepeerStreamName(parameters.streamId, parameters.title),
      playbackPolicy: { type: Type.Webhook, webhookId, webhookContext: { streamId: parameters.streamId.toString() } },
    });
    const stream = created.stream;
    if (stream?.id === undefined || stream.playbackId === undefined || stream.streamKey === undefined) {
      throw new Error("Livepeer created the stream but returned no id, playbackId or streamKey");
    }
    return {
      streamId: parameters.streamId,
      providerStreamId: stream.id,
      playbackId: stream.playbackId,
      streamKey: stream.streamKey,
      whipUrl: `${this.#options.whipBaseUrl ?? "https://playback.livepeer.studio/webrtc"}/${stream.streamKey}`,
      rtmpIngestUrl: this.#options.rtmpIngestUrl ?? "rtmp://rtmp.livepeer.com/live",
    };
  }

  async deleteStream(providerStreamId: string): Promise<void> {
    await this.#sdk.stream.delete(providerStreamId);
  }
}
