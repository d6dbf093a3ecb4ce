// The Livepeer Studio adapter driven through the real `livepeer` SDK against a local stand-in that speaks Livepeer's
// documented API (POST /api/webhook, POST /api/stream, bearer API key), and the gate's signed stream.started /
// stream.idle webhook. Nothing here talks to Livepeer's network.
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { after, before, describe, it } from "node:test";

import pino from "pino";

import { AccessGate } from "../src/gate/gate.ts";
import { AccessWatcher } from "../src/gate/accessWatcher.ts";
import { createGateServer } from "../src/gate/gateServer.ts";
import { close, listen, readBody } from "../src/http.ts";
import { IndexCache } from "../src/index/indexCache.ts";
import { LivepeerStudio, mesiStreamIdOfName } from "../src/livepeer/studio.ts";
import { signLivepeerWebhook, verifyLivepeerWebhook, WebhookSignatureError } from "../src/livepeer/webhookSignature.ts";

const logger = pino({ level: "silent" });
const SECRET = "whsec-local-test";

interface Recorded {
  readonly method: string;
  readonly path: string;
  readonly authorization: string | undefined;
  readonly body: Record<string, unknown>;
}

describe("Livepeer Studio adapter (SDK against the documented wire format)", () => {
  let api: Server;
  let apiUrl: string;
  const recorded: Recorded[] = [];

  before(async () => {
    let webhooks = 0;
    api = createServer(async (request: IncomingMessage, response) => {
      const raw = (await readBody(request)).toString("utf8");
      const body = raw === "" ? {} : JSON.parse(raw);
      recorded.push({
        method: request.method!,
        path: request.url!,
        authorization: request.headers.authorization,
        body,
      });
      response.setHeader("content-type", "application/json");
      if (request.method === "POST" && request.url === "/api/webhook") {
        webhooks++;
        response.writeHead(200);
        return response.end(
          JSON.stringify({ id: `wh-${webhooks}`, name: body.name, url: body.url, events: body.events, createdAt: 1 }),
        );
      }
      if (request.method === "POST" && request.url === "/api/stream") {
        response.writeHead(201);
        return response.end(
          JSON.stringify({
            id: "7c3b1f4a-0000-4000-8000-000000000001",
            name: body.name,
            playbackId: "7c3bxyz0abcd",
            streamKey: "7c3b-abcd-efgh-ijkl",
            playbackPolicy: body.playbackPolicy,
            isActive: false,
            createdAt: 1,
          }),
        );
      }
      if (request.method === "DELETE" && request.url?.startsWith("/api/stream/")) {
        response.writeHead(204);
        return response.end();
      }
      response.writeHead(404);
      response.end(JSON.stringify({ errors: ["not found"] }));
    });
    apiUrl = `${await listen(api, 0)}/api`;
  });
  after(() => close(api));

  it("registers the gate's webhooks and creates a stream whose playback policy is the gate", async () => {
    const studio = new LivepeerStudio({
      apiKey: "test-api-key",
      gatePublicUrl: "https://gate.mesi.example",
      webhookSecret: SECRET,
      serverURL: apiUrl,
      logger,
    });
    const stream = await studio.createStream({ streamId: 42n, title: "Friday set" });
    assert.deepEqual(
      recorded.map((r) => [r.method, r.path, r.authorization]),
      [
        ["POST", "/api/webhook", "Bearer test-api-key"],
        ["POST", "/api/webhook", "Bearer test-api-key"],
        ["POST", "/api/stream", "Bearer test-api-key"],
      ],
    );
    assert.deepEqual(recorded[0]!.body, {
      name: "mesi-gate-playback",
      url: "https://gate.mesi.example/webhooks/livepeer/playback",
      events: ["playback.accessControl"],
      sharedSecret: SECRET,
    });
    assert.deepEqual(recorded[1]!.body.events, ["stream.started", "stream.idle"]);
    assert.deepEqual(recorded[2]!.body, {
      name: "mesi-42 Friday set",
      playbackPolicy: { type: "webhook", webhookId: "wh-1", webhookContext: { streamId: "42" } },
    });
    assert.deepEqual(stream, {
      streamId: 42n,
      providerStreamId: "7c3b1f4a-0000-4000-8000-000000000001",
      playbackId: "7c3bxyz0abcd",
      streamKey: "7c3b-abcd-efgh-ijkl",
      whipUrl: "https://playback.livepeer.studio/webrtc/7c3b-abcd-efgh-ijkl",
      rtmpIngestUrl: "rtmp://rtmp.livepeer.com/live",
    });
    await studio.deleteStream(stream.providerStreamId);
    assert.deepEqual(recorded.at(-1)!.path, "/api/stream/7c3b1f4a-0000-4000-8000-000000000001");
    assert.equal(mesiStreamIdOfName("mesi-42 Friday set"), 42n);
    assert.equal(mesiStreamIdOfName("someone else's stream"), null);
  });

  it("refuses a plain-http gate URL (Livepeer reaches the gate over the internet)", () => {
    assert.throws(
      () => new LivepeerStudio({ apiKey: "k", gatePublicUrl: "http://gate", webhookSecret: SECRET, logger }),
      /https/,
    );
  });
});

describe("Livepeer-Signature", () => {
  const body = JSON.stringify({ context: { streamId: "1" }, accessKey: "", timestamp: 1_800_000_000_000 });
  const nowMs = 1_800_000_000_000;
  const reason = (fn: () => unknown) => {
    try {
      fn();
    } catch (error) {
      assert.ok(error instanceof WebhookSignatureError);
      return error.reason;
    }
    return "accepted";
  };

  it("accepts the documented header, extra elements and any matching v1 among several", () => {
    const header = signLivepeerWebhook(SECRET, body, nowMs);
    assert.match(header, /^t=\d+,v1=[0-9a-f]{64}$/);
    const v1 = header.split("v1=")[1]!;
    assert.equal(
      reason(() => verifyLivepeerWebhook({ header, rawBody: body, secret: SECRET, nowMs })),
      "accepted",
    );
    const rotated = `t=${nowMs}, v1=${"0".repeat(64)}, v0=ignored, v1=${v1}`;
    assert.equal(
      reason(() => verifyLivepeerWebhook({ header: rotated, rawBody: body, secret: SECRET, nowMs })),
      "accepted",
    );
  });

  it("names each refusal", () => {
    const header = signLivepeerWebhook(SECRET, body, nowMs);
    const check = (h: string | undefined, raw = body, now = nowMs) =>
      reason(() => verifyLivepeerWebhook({ header: h, rawBody: raw, secret: SECRET, nowMs: now }));
    assert.equal(check(undefined), "missing");
    assert.equal(check("t=1"), "malformed");
    assert.equal(check(`v1=${"a".repeat(64)}`), "malformed");
    assert.equal(check(header, body.replace('"1"', '"2"')), "bad_signature");
    assert.equal(check(signLivepeerWebhook("other", body, nowMs)), "bad_signature");
    assert.equal(check(header, body, nowMs + 6 * 60_000), "stale");
    const moved = signLivepeerWebhook(SECRET, body, nowMs + 1000);
    assert.equal(check(moved, body, nowMs + 1000), "timestamp_mismatch");
    const notJson = "not json";
    assert.equal(check(signLivepeerWebhook(SECRET, notJson, nowMs), notJson), "malformed");
  });
});

describe("the gate's stream.started / stream.idle webhook", () => {
  let server: Server;
  let url: string;
  let watcher: AccessWatcher;

  before(async () => {
    const cache = new IndexCache({ url: "http://127.0.0.1:9/unused", logger });
    const gate = new AccessGate({
      cache,
      secret: "s".repeat(40),
      inviteDomain: { chainId: 31337, registry: `0x${"1".repeat(40)}` },
      logger,
    });
    watcher = new AccessWatcher(gate);
    server = createGateServer({
      gate,
      watcher,
      secret: "s".repeat(40),
      livepeerWebhookSecret: SECRET,
      corsOrigins: [],
      logger,
    });
    url = await listen(server, 0);
  });
  after(async () => {
    watcher.close();
    await close(server);
  });

  const post = (body: string, header: string) =>
    fetch(`${url}/webhooks/livepeer/events`, {
      method: "POST",
      headers: { "livepeer-signature": header, "content-type": "application/json" },
      body,
    });

  it("records live state from signed events and refuses forged ones", async () => {
    const t = Date.now();
    const started = JSON.stringify({
      id: "e1",
      webhookId: "wh-2",
      createdAt: t,
      timestamp: t,
      event: "stream.started",
      stream: { id: "ls", name: "mesi-42 Friday set" },
    });
    assert.equal((await post(started, signLivepeerWebhook(SECRET, started, t))).status, 200);
    assert.deepEqual(await (await fetch(`${url}/live`)).json(), { streams: { "42": { live: true, at: t } } });
    const idle = started.replace("stream.started", "stream.idle");
    assert.equal((await post(idle, signLivepeerWebhook("forged", idle, t))).status, 401);
    assert.equal(
      ((await (await fetch(`${url}/live`)).json()) as { streams: Record<string, { live: boolean }> }).streams["42"]!
        .live,
      true,
    );
    assert.equal((await post(idle, signLivepeerWebhook(SECRET, idle, t))).status, 200);
    assert.equal(
      ((await (await fetch(`${url}/live`)).json()) as { streams: Record<string, { live: boolean }> }).streams["42"]!
        .live,
      false,
    );
    const foreign = started.replace("mesi-42 Friday set", "not ours");
    assert.equal((await post(foreign, signLivepeerWebhook(SECRET, foreign, t))).status, 400);
  });

  it("never allows playback before the index is loaded", async () => {
    const response = await fetch(`${url}/access`, { method: "POST", body: JSON.stringify({ streamId: "1" }) });
    assert.deepEqual(((await response.json()) as { allow: boolean; reason: string }).reason, "index_unavailable");
    assert.equal(
      (await fetch(`${url}/access`, { method: "POST", body: JSON.stringify({ streamId: "-1" }) })).status,
      400,
    );
    assert.equal((await fetch(`${url}/access`, { method: "POST", body: "[]" })).status, 400);
  });
});
