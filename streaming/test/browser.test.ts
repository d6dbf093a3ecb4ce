// Real headless Chromium (Debian's /usr/bin/chromium through playwright-core) with a fake camera and microphone:
// the creator's page publishes over WHIP to the local media server, a ticket holder's page plays over WebRTC and
// decodes frames, a non-holder is refused with Livepeer's text, ticket-only switched on removes a watching
// non-holder (the page hears it over SSE and the server drops the connection), and a vanished broadcaster is
// noticed. Pages are plain RTCPeerConnection served from 127.0.0.1 (the webapp wires @livepeer/react later).
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { after, before, describe, it } from "node:test";

import { chromium, type Browser, type Page } from "playwright-core";

import { close, listen } from "../src/http.ts";
import { mintAccessKey, NOT_ALLOWED_TEXT, OFFLINE_TEXT } from "../src/index.ts";
import { CHROMIUM_ARGS, CLIENT, ensureChromium } from "./helpers/chromium.ts";
import { addressOf, SECRET, startPlatform, type Platform } from "./helpers/platform.ts";
import { openSse, type SseClient } from "./helpers/sse.ts";
import { waitFor } from "./helpers/waitFor.ts";

let platform: Platform;
let browser: Browser;
let pageServer: Server;
let pageUrl: string;
const measured: Record<string, unknown> = {};

async function newPage(): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(pageUrl);
  return page;
}

const key = (role: "fan1" | "fan2" | "creatorAlice", streamId: bigint) =>
  mintAccessKey({ address: addressOf(platform, role), streamId, secret: SECRET });

const stats = async () =>
  (
    (await (await fetch(`${platform.streaming.url}/stats`)).json()) as {
      streams: { streamId: string; viewers: number; videoCodec: string }[];
    }
  ).streams;

describe("a real browser publishes over WHIP and plays over WebRTC through the gate", { timeout: 150_000 }, () => {
  before(async () => {
    const executablePath = ensureChromium();
    platform = await startPlatform();
    pageServer = createServer((_request, response) => {
      response.writeHead(200, { "content-type": "text/html" });
      response.end(`<!doctype html><html><body><script>${CLIENT}</script></body></html>`);
    });
    pageUrl = await listen(pageServer, 0);
    browser = await chromium.launch({
      executablePath,
      args: CHROMIUM_ARGS,
    });
  });
  after(async () => {
    await browser?.close();
    if (pageServer !== undefined) await close(pageServer);
    await platform?.stop();
    console.log(`# browser measurements: ${JSON.stringify(measured)}`);
  });

  const stream = () => platform.demo.ticketedStreamId;
  let creatorPage: Page;

  it("gives the stream key to its creator only, then the creator publishes over WHIP", async () => {
    const ingest = (role: "fan1" | "creatorAlice") =>
      fetch(`${platform.streaming.url}/ingest/${stream()}`, {
        method: "POST",
        body: JSON.stringify({ accessKey: key(role, stream()) }),
      });
    assert.equal((await ingest("fan1")).status, 403);
    const { whipUrl, streamKey } = (await (await ingest("creatorAlice")).json()) as {
      whipUrl: string;
      streamKey: string;
    };
    assert.match(whipUrl, new RegExp(`/webrtc/${stream()}-[0-9a-f]{32}$`));
    // The same through the VideoService seam the webapp's server uses (Livepeer Studio when configured).
    const provisioned = await platform.streaming.video.createStream({ streamId: stream(), title: "demo" });
    assert.deepEqual([provisioned.whipUrl, provisioned.playbackId], [whipUrl, stream().toString()]);

    const wrongKey = await fetch(whipUrl.replace(streamKey, `${stream()}-${"0".repeat(32)}`), {
      method: "POST",
      headers: { "content-type": "application/sdp" },
      body: "v=0\r\n",
    });
    assert.equal(wrongKey.status, 401);
    const preflight = await fetch(whipUrl, {
      method: "OPTIONS",
      headers: {
        origin: pageUrl,
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type,livepeer-access-key",
      },
    });
    assert.match(preflight.headers.get("access-control-allow-methods") ?? "", /POST.*HEAD|HEAD.*POST/);
    assert.match(preflight.headers.get("access-control-allow-headers") ?? "", /livepeer-access-key/);

    creatorPage = await newPage();
    const published = await creatorPage.evaluate(
      (url) => (window as never as { publish(u: string): Promise<{ status: number }> }).publish(url),
      whipUrl,
    );
    assert.equal(published.status, 201, JSON.stringify(published));
    const live = await waitFor(
      "broadcast",
      stats,
      (s) => s.some((x) => x.streamId === stream().toString() && x.videoCodec !== null),
      10_000,
    );
    measured.videoCodec = live[0]!.videoCodec;
  });

  let holderPage: Page;
  let nonHolderPage: Page;
  let viewerCounts: SseClient;
  const countIs = (n: number) => (e: { event: string; data: Record<string, unknown> }) =>
    e.event === "viewers" && e.data.viewers === n;

  it("a ticket holder and a fan play over WebRTC and decode frames", async () => {
    const playUrl = `${platform.streaming.url}/webrtc/${stream()}`;
    // The page's "N watching" follows the media server's count as it changes, not on a timer.
    viewerCounts = await openSse(`${platform.streaming.url}/streams/${stream()}/viewers`);
    await viewerCounts.next(countIs(0), 2000);
    const events = (role: "fan1" | "fan2") =>
      `${platform.streaming.gateUrl}/streams/${stream()}/events?accessKey=${encodeURIComponent(key(role, stream()))}`;
    holderPage = await newPage();
    nonHolderPage = await newPage();
    for (const [page, role] of [
      [holderPage, "fan1"],
      [nonHolderPage, "fan2"],
    ] as const) {
      const result = await page.evaluate(
        ([url, accessKey, eventsUrl]) =>
          (window as never as { play(...a: string[]): Promise<{ status: number }> }).play(url!, accessKey!, eventsUrl!),
        [playUrl, key(role, stream()), events(role)],
      );
      assert.equal(result.status, 201, JSON.stringify(result));
      const first = await page.evaluate(() =>
        (window as never as { firstFrame(): Promise<{ ms: number; width: number }> }).firstFrame(),
      );
      assert.ok(first.width > 0);
      measured[`firstFrameMs_${role}`] = Math.round(first.ms);
      await waitFor(
        `${role} frames`,
        () => page.evaluate(() => (window as never as { framesDecoded(): Promise<number> }).framesDecoded()),
        (n) => n > 10,
        10_000,
      );
    }
    assert.equal((await stats())[0]!.viewers, 2);
    await viewerCounts.next(countIs(1), 2000);
    await viewerCounts.next(countIs(2), 2000);

    // Time to first frame over more joins (fresh page, HEAD + POST + ICE + DTLS + keyframe), then leave.
    const joins: number[] = [];
    for (let i = 0; i < 4; i++) {
      const page = await newPage();
      await page.evaluate(
        ([url, accessKey]) =>
          (window as never as { play(...a: string[]): Promise<unknown> }).play(url!, accessKey!, ""),
        [playUrl, key("fan1", stream())],
      );
      const first = await page.evaluate(() =>
        (window as never as { firstFrame(): Promise<{ ms: number }> }).firstFrame(),
      );
      joins.push(Math.round(first.ms));
      await page.context().close();
    }
    joins.sort((a, b) => a - b);
    measured.firstFrameJoinsMs = joins;
    assert.ok(joins[joins.length - 1]! < 5000, `first frames ${joins}`);
    await waitFor("left viewers dropped", stats, (s) => s[0]!.viewers === 2, 20_000);
  });

  it("refuses a viewer the gate refuses, with Livepeer's text", async () => {
    await platform.send("creatorAlice", "MesiVault", "blockFan", [addressOf(platform, "creatorBob")]);
    const blockedKey = mintAccessKey({
      address: addressOf(platform, "creatorBob"),
      streamId: stream(),
      secret: SECRET,
    });
    await waitFor(
      "block indexed",
      async () => platform.streaming.gate.decideForKey(stream(), blockedKey).reason,
      (r) => r === "blocked",
      5000,
    );
    const page = await newPage();
    const refused = await page.evaluate(
      ([url, accessKey]) =>
        (window as never as { play(...a: string[]): Promise<{ status: number; text: string }> }).play(
          url!,
          accessKey!,
          "",
        ),
      [`${platform.streaming.url}/webrtc/${stream()}`, blockedKey],
    );
    assert.deepEqual(refused, { status: 403, text: NOT_ALLOWED_TEXT });
    const offline = await page.evaluate(
      ([url]) =>
        (window as never as { play(...a: string[]): Promise<{ status: number; text: string }> }).play(url!, "", ""),
      [`${platform.streaming.url}/webrtc/12345`],
    );
    assert.equal(offline.text, OFFLINE_TEXT);
  });

  it("ticket-only removes the watching non-holder within 5 s (page told, connection dropped); the holder keeps playing", async () => {
    await platform.send("creatorAlice", "MesiTickets", "setTicketOnly", [stream(), true]);
    const start = Date.now();
    const removed = await waitFor(
      "removal event on the page",
      () =>
        nonHolderPage.evaluate(
          () => (window as never as { viewer: { removed: { reason: string } | null } }).viewer.removed,
        ),
      (r) => r !== null,
      5000,
    );
    measured.removalPageMs = Date.now() - start;
    assert.equal(removed!.reason, "ticket_only");
    await waitFor("server dropped the viewer", stats, (s) => s[0]!.viewers === 1, 5000);
    measured.removalServerMs = Date.now() - start;
    const counted = viewerCounts.events.filter((e) => e.event === "viewers").map((e) => e.data.viewers);
    assert.equal(counted.at(-1), 1, `viewer counts pushed: ${counted}`);
    assert.ok((measured.removalServerMs as number) <= 5000);
    const before = await holderPage.evaluate(() =>
      (window as never as { framesDecoded(): Promise<number> }).framesDecoded(),
    );
    await waitFor(
      "holder frames",
      () => holderPage.evaluate(() => (window as never as { framesDecoded(): Promise<number> }).framesDecoded()),
      (n) => n > before + 10,
      5000,
    );
  });

  it("notices a vanished broadcaster within a few seconds and reports the stream offline", async () => {
    await creatorPage.context().close();
    const start = Date.now();
    await waitFor("broadcast ended", stats, (s) => s.length === 0, 8000);
    measured.broadcasterGoneMs = Date.now() - start;
    assert.deepEqual(viewerCounts.events.at(-1)?.data, { viewers: 0, since: null });
    viewerCounts.close();
    const response = await fetch(`${platform.streaming.url}/webrtc/${stream()}`, {
      method: "POST",
      headers: { "content-type": "application/sdp", "livepeer-access-key": key("fan1", stream()) },
      body: "v=0\r\n",
    });
    assert.deepEqual([response.status, await response.text()], [404, OFFLINE_TEXT]);
  });
});
