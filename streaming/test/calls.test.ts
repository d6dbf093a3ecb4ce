// One-to-one call signaling against a real chain and the embedded indexer: only the session's fan and creator
// join, offers and answers pass between them, everyone else (a stranger, a forged key, a key for another call)
// is refused, and the call ends for both when chain time passes the session's end.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { signSessionToken } from "@mesi/auth";

import { decideCall, mintCallKey } from "../src/index.ts";
import { addressOf, SECRET, startPlatform, type Platform } from "./helpers/platform.ts";
import { openSse, type SseClient } from "./helpers/sse.ts";

let platform: Platform;
const clients: SseClient[] = [];
const OFFER = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";

const callUrl = (sessionId: bigint, path: string) => `${platform.streaming.gateUrl}/calls/${sessionId}/${path}`;
const keyFor = (role: "fan3" | "creatorAlice" | "fan1", sessionId: bigint) =>
  mintCallKey({ address: addressOf(platform, role), sessionId, secret: SECRET });

async function join(sessionId: bigint, key: string): Promise<SseClient> {
  const client = await openSse(`${callUrl(sessionId, "events")}?key=${encodeURIComponent(key)}`);
  clients.push(client);
  await client.next((e) => e.event === "joined");
  return client;
}

async function refusal(sessionId: bigint, key: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${callUrl(sessionId, "events")}?key=${encodeURIComponent(key)}`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function signal(sessionId: bigint, connection: unknown, body: unknown): Promise<Response> {
  return fetch(callUrl(sessionId, "signal"), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ connection, signal: body }),
  });
}

describe("decideCall", () => {
  const call = {
    sessionId: 1n,
    creator: "0x00000000000000000000000000000000000000aa",
    fan: "0x00000000000000000000000000000000000000bb",
    startedAt: 100,
    endsAt: 400,
  } as const;
  it("admits the fan and the creator only while the session runs", () => {
    assert.deepEqual(decideCall(call, call.fan, 100), { allow: true, role: "fan", endsAt: 400 });
    assert.deepEqual(decideCall(call, "0x00000000000000000000000000000000000000AA", 399), {
      allow: true,
      role: "creator",
      endsAt: 400,
    });
    assert.equal(decideCall(call, "0x00000000000000000000000000000000000000cc", 200).allow, false);
    assert.deepEqual(decideCall(call, call.fan, 99), { allow: false, reason: "not_started" });
    assert.deepEqual(decideCall(call, call.fan, 400), { allow: false, reason: "ended" });
    assert.deepEqual(decideCall(undefined, call.fan, 200), { allow: false, reason: "unknown_call" });
  });
});

describe("one-to-one call signaling", () => {
  before(async () => {
    platform = await startPlatform();
  });
  after(async () => {
    for (const client of clients) client.close();
    await platform?.stop();
  });

  it("refuses everyone before the creator accepts", async () => {
    const sessionId = platform.demo.pendingSessionId;
    const { status, body } = await refusal(sessionId, keyFor("fan3", sessionId));
    assert.equal(status, 404);
    assert.equal(body.reason, "unknown_call");
  });

  it("joins fan and creator, relays offer and answer, refuses strangers and bad keys, ends at the limit", async () => {
    const sessionId = platform.demo.pendingSessionId;
    await platform.acceptPendingSession();
    // The index and the gate's cache follow within a block or two.
    const deadline = Date.now() + 10_000;
    while (platform.streaming.cache.call(sessionId) === undefined) {
      if (Date.now() > deadline) assert.fail("the gate never saw the accepted session");
      await new Promise((r) => setTimeout(r, 20));
    }

    const stranger = await refusal(sessionId, keyFor("fan1", sessionId));
    assert.equal(stranger.status, 403);
    assert.equal(stranger.body.reason, "not_participant");
    const forged = signSessionToken({
      address: addressOf(platform, "fan3"),
      audience: `one-to-one-call:${sessionId}`,
      ttlSeconds: 60,
      secret: "another-secret-that-is-long-enough-000",
    });
    assert.equal((await refusal(sessionId, forged)).status, 401);
    const otherCall = mintCallKey({ address: addressOf(platform, "fan3"), sessionId: sessionId + 1n, secret: SECRET });
    assert.equal((await refusal(sessionId, otherCall)).status, 401, "a key for another call");

    const fan = await join(sessionId, keyFor("fan3", sessionId));
    const fanJoined = fan.events.find((e) => e.event === "joined")!.data;
    assert.equal(fanJoined.role, "fan");
    assert.equal(fanJoined.peerPresent, false);
    assert.deepEqual(fanJoined.iceServers, []);
    assert.equal(
      (await signal(sessionId, fanJoined.connection, { type: "offer", sdp: OFFER })).status,
      409,
      "nobody to talk to yet",
    );

    const creator = await join(sessionId, keyFor("creatorAlice", sessionId));
    const creatorJoined = creator.events.find((e) => e.event === "joined")!.data;
    assert.equal(creatorJoined.role, "creator");
    assert.equal(creatorJoined.peerPresent, true);
    await fan.next((e) => e.event === "peer" && e.data.present === true);

    assert.equal((await signal(sessionId, creatorJoined.connection, { type: "offer", sdp: OFFER })).status, 200);
    const offer = await fan.next((e) => e.event === "signal");
    assert.deepEqual(offer.data, { type: "offer", sdp: OFFER, from: "creator" });
    assert.equal((await signal(sessionId, fanJoined.connection, { type: "answer", sdp: OFFER })).status, 200);
    assert.equal((await creator.next((e) => e.event === "signal")).data.type, "answer");

    assert.equal((await signal(sessionId, "not-a-connection", { type: "offer", sdp: OFFER })).status, 403);
    assert.equal((await signal(sessionId, fanJoined.connection, { type: "hello" })).status, 400);
    assert.equal((await signal(sessionId, fanJoined.connection, { type: "offer", sdp: "nope" })).status, 400);

    // Chain time passes the session's end: both sides hear `ended`, and nobody can join any more.
    const endsAt = Number(creatorJoined.endsAt);
    const block = await platform.publicClient.getBlock();
    await platform.publicClient.request({
      method: "evm_increaseTime" as never,
      params: [endsAt - Number(block.timestamp) + 1] as never,
    });
    await platform.publicClient.request({ method: "evm_mine" as never, params: [] as never });
    await Promise.all([fan.next((e) => e.event === "ended"), creator.next((e) => e.event === "ended")]);
    const late = await refusal(sessionId, keyFor("fan3", sessionId));
    assert.equal(late.status, 410);
    assert.equal(late.body.reason, "ended");
  });
});
