// Short-lived keys from the webapp's server (bound to the SIWE session): an access key for a stream (the media
// server hands the creator their stream key for it) and a key to a one-to-one call's signaling. Without a session
// the wallet signs in first (one signature), then the key is fetched again.
import type { PublicConfig } from "$lib/config/types";
import { RelayerRequestError } from "$lib/errors";
import { loadWallet } from "$lib/wallet";

async function post(path: string, body: unknown): Promise<Response> {
  return fetch(path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    credentials: "same-origin",
    body: JSON.stringify(body),
  });
}

async function withSession<T>(config: PublicConfig, path: string, body: unknown): Promise<T> {
  let response = await post(path, body);
  if (response.status === 401) {
    const runtime = await loadWallet(config);
    const { signIn } = await import("$lib/siwe/signIn");
    await signIn(runtime.config, config.chainId);
    response = await post(path, body);
  }
  if (!response.ok) {
    const text = ((await response.json().catch(() => ({}))) as { message?: string }).message;
    throw new RelayerRequestError(response.status, "key_refused", text ?? `the server answered ${response.status}`);
  }
  return (await response.json()) as T;
}

export async function streamAccessKey(config: PublicConfig, streamId: string): Promise<string> {
  return (await withSession<{ accessKey: string }>(config, "/studio/live/access-key", { streamId })).accessKey;
}

export async function callKey(config: PublicConfig, sessionId: string): Promise<string> {
  return (await withSession<{ key: string }>(config, `/call/${sessionId}/key`, {})).key;
}

export interface Ingest {
  readonly streamKey: string;
  readonly whipUrl: string;
  readonly playbackUrl: string;
}

/** The creator's ingest for a stream from the media server (only the stream's creator gets it). */
export async function fetchIngest(config: PublicConfig, streamId: string): Promise<Ingest> {
  if (config.mediaUrl === null) throw new Error("no media server is configured");
  const accessKey = await streamAccessKey(config, streamId);
  const response = await fetch(`${config.mediaUrl}/ingest/${streamId}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ accessKey }),
  });
  const body = (await response.json().catch(() => ({}))) as Partial<Ingest> & { error?: string };
  if (!response.ok || body.whipUrl === undefined || body.streamKey === undefined) {
    throw new RelayerRequestError(response.status, "ingest_refused", body.error ?? "the media server refused");
  }
  return body as Ingest;
}
