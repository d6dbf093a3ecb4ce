// HLS from the local media server with the real ffmpeg shipped in @ffmpeg-installer: a headless Chromium with a fake
// camera publishes over WHIP; no ffmpeg runs until the first playlist request (checked in the OS process list), which
// starts one and waits for its first segment; the live playlist's segments decode (checked by the same ffmpeg) and
// hls.js plays them in a second page (frames decoded); without HLS requests the ffmpeg stops, and the next request
// starts a new one. Every playlist and segment request is asked of the gate with the viewer's key, so a forged key, a
// non-holder after ticket-only and a segment without a key are refused with Livepeer's text. A browser publishing VP8
// gets H.264 segments (transcoded).
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";

import pino from "pino";
import { chromium, type Browser, type Page } from "playwright-core";

import { close, listen } from "../src/http.ts";
import { mintAccessKey, NOT_ALLOWED_TEXT, OFFLINE_TEXT } from "../src/index.ts";
import { bundledFfmpegPath } from "../src/media/hlsTranscoder.ts";
import { MediaServer } from "../src/media/mediaServer.ts";
import { CHROMIUM_ARGS, CLIENT, ensureChromium } from "./helpers/chromium.ts";
import { addressOf, SECRET, startPlatform, type Platform } from "./helpers/platform.ts";
import { waitFor } from "./helpers/waitFor.ts";

const HLS_JS = readFileSync(createRequire(import.meta.url).resolve("hls.js/dist/hls.min.js"), "utf8");

// hls.js as @livepeer/core-web drives it: the access key as the Livepeer-Access-Key header on the playlist.
const HLS_CLIENT = `
window.playHls = (url, accessKey) => {
  const video = document.createElement("video");
  video.muted = true; video.autoplay = true; video.playsInline = true;
  document.body.append(video);
  const hls = new Hls({ xhrSetup: (xhr, u) => { if (/index\\.m3u8/.test(u)) xhr.setRequestHeader("Livepeer-Access-Key", accessKey); } });
  window.hlsErrors = [];
  hls.on(Hls.Events.ERROR, (_e, data) => window.hlsErrors.push(data.details + " " + (data.response?.code ?? "")));
  hls.loadSource(url);
  hls.attachMedia(video);
  window.hlsVideo = video;
};
window.hlsFrames = () => window.hlsVideo.getVideoPlaybackQuality().totalVideoFrames;
`;

const run = promisify(execFile);
/** Without HLS requests for this long the server stops the stream's ffmpeg (short, for the test). */
const IDLE_STOP_MS = 5000;

/** The HLS ffmpeg processes running under this test process, from the OS process list (they read an input.sdp). */
function transcoderProcesses(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid !== process.pid) continue;
      const argv = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
      if (argv[0] === bundledFfmpegPath && argv.some((arg) => arg.endsWith("input.sdp"))) pids.push(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  return pids;
}

/** Decodes every video frame of a segment with the bundled ffmpeg: the frame count and ffmpeg's stream summary. */
async function decodeSegment(url: URL): Promise<{ frames: number; summary: string }> {
  const segment = await fetch(url);
  assert.equal(segment.status, 200);
  assert.equal(segment.headers.get("content-type"), "video/mp2t");
  const dir = await mkdtemp(join(tmpdir(), "mesi-hls-test-"));
  try {
    const file = join(dir, "segment.ts");
    await writeFile(file, Buffer.from(await segment.arrayBuffer()));
    const { stdout, stderr } = await run(bundledFfmpegPath, [
      ...["-hide_banner", "-i", file, "-map", "0:v:0", "-f", "framecrc", "-"],
    ]);
    return { frames: stdout.split("\n").filter((line) => /^\d+,/.test(line)).length, summary: stderr };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

let platform: Platform;
let browser: Browser;
let pageServer: Server;
let pageUrl: string;

describe("HLS from the local media server (real ffmpeg from npm)", { timeout: 240_000 }, () => {
  const stream = () => platform.demo.ticketedStreamId;
  const key = (role: "fan1" | "fan2", streamId = stream()) =>
    mintAccessKey({ address: addressOf(platform, role), streamId, secret: SECRET });
  const playlistUrl = (base = platform.streaming.url) => `${base}/hls/${stream()}/index.m3u8`;
  const getPlaylist = (accessKey: string | null, base?: string) =>
    fetch(playlistUrl(base), { headers: accessKey === null ? {} : { "livepeer-access-key": accessKey } });
  const broadcast = () => platform.streaming.media.stats().find((s) => s.streamId === stream().toString());
  const publish = async (page: Page, whipUrl: string, videoCodec?: string) => {
    const published = await page.evaluate(
      ([url, codec]) =>
        (
          window as never as { publish(u: string, w?: number, h?: number, c?: string): Promise<{ status: number }> }
        ).publish(url!, 640, 360, codec),
      [whipUrl, videoCodec] as const,
    );
    assert.equal(published.status, 201);
  };
  const whipUrl = async () =>
    (
      (await (
        await fetch(`${platform.streaming.url}/ingest/${stream()}`, {
          method: "POST",
          body: JSON.stringify({
            accessKey: mintAccessKey({
              address: addressOf(platform, "creatorAlice"),
              streamId: stream(),
              secret: SECRET,
            }),
          }),
        })
      ).json()) as { whipUrl: string }
    ).whipUrl;
  let publisher: Page;

  before(async () => {
    const executablePath = ensureChromium();
    platform = await startPlatform({ streamingConfig: { hlsIdleStopMs: IDLE_STOP_MS } });
    pageServer = createServer((_request, response) => {
      response.writeHead(200, { "content-type": "text/html" });
      response.end(
        `<!doctype html><html><body><script>${HLS_JS}</script><script>${CLIENT}${HLS_CLIENT}</script></body></html>`,
      );
    });
    pageUrl = await listen(pageServer, 0);
    browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  });
  after(async () => {
    await browser?.close();
    if (pageServer !== undefined) await close(pageServer);
    await platform?.stop();
  });

  it("answers 'stream is offline' for HLS before anyone broadcasts", async () => {
    const response = await getPlaylist(key("fan1"));
    assert.deepEqual([response.status, await response.text()], [404, OFFLINE_TEXT]);
  });

  it("runs no ffmpeg for a broadcast that no one asks for over HLS", async () => {
    publisher = await (await browser.newContext()).newPage();
    await publisher.goto(pageUrl);
    await publish(publisher, await whipUrl());
    await waitFor(
      "the broadcast's video",
      async () => broadcast()?.videoCodec ?? null,
      (c) => c !== null,
      10_000,
    );
    // Media flows for a few seconds (the old server had spawned ffmpeg with the broadcast's first track).
    await new Promise((resolve) => setTimeout(resolve, 3000));
    assert.equal(broadcast()?.videoCodec, "video/H264");
    assert.deepEqual(transcoderProcesses(), []);
    assert.deepEqual(platform.streaming.media.hlsTranscoders(), []);
    assert.equal(broadcast()?.hlsPid, null);
  });

  it("starts ffmpeg on the first playlist request, which waits for the first segment; the segments decode as H.264", async () => {
    const holderKey = key("fan1");
    const askedAt = performance.now();
    const first = await getPlaylist(holderKey);
    const firstText = await first.text();
    assert.equal(first.status, 200, firstText);
    console.log(
      `# first HLS playlist (ffmpeg started on request) after ${(performance.now() - askedAt).toFixed(0)} ms`,
    );
    assert.match(firstText, /^seg-\d+\.ts\?accessKey=/m);
    const running = transcoderProcesses();
    assert.equal(running.length, 1);
    assert.equal(broadcast()?.hlsPid, running[0]);

    const playlist = await waitFor(
      "a playlist with two segments",
      async () => (await getPlaylist(holderKey)).text(),
      (text) => (text.match(/^seg-\d+\.ts\?accessKey=/gm) ?? []).length >= 2,
      30_000,
    );
    assert.match(playlist, /^#EXTM3U/);
    assert.match(playlist, /#EXT-X-TARGETDURATION:\d+/);
    const segmentLine = playlist.split("\n").find((line) => line.startsWith("seg-"))!;
    assert.equal(new URL(segmentLine, playlistUrl()).searchParams.get("accessKey"), holderKey);
    const { frames, summary } = await decodeSegment(new URL(segmentLine, playlistUrl()));
    assert.ok(frames >= 10, `only ${frames} frames decoded from ${segmentLine}`);
    assert.match(summary, /Video: h264/);
    assert.match(summary, /Audio: aac/);
  });
  it("plays in Chromium through hls.js (frames decoded) and counts the HLS viewer", async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(pageUrl);
    await page.evaluate(
      ([url, accessKey]) => (window as never as { playHls(u: string, k: string): void }).playHls(url!, accessKey!),
      [playlistUrl(), key("fan1")],
    );
    await waitFor(
      "frames decoded from HLS",
      () => page.evaluate(() => (window as never as { hlsFrames(): number }).hlsFrames()),
      (n) => n > 10,
      40_000,
    );
    assert.ok(platform.streaming.media.viewerCount(stream()) >= 1);
    await page.context().close();
  });

  it("refuses a forged key, a key for another stream, a segment without a key, and a non-holder once ticket-only", async () => {
    const refused = async (response: Response) => [response.status, await response.text()];
    assert.deepEqual(await refused(await getPlaylist("not-a-key")), [403, NOT_ALLOWED_TEXT]);
    assert.deepEqual(await refused(await getPlaylist(key("fan1", stream() + 1n))), [403, NOT_ALLOWED_TEXT]);

    const fan2Playlist = await (await getPlaylist(key("fan2"))).text();
    const fan2Segment = new URL(
      fan2Playlist.split("\n").find((line) => line.startsWith("seg-"))!,
      playlistUrl(),
    );
    assert.equal((await fetch(fan2Segment)).status, 200);

    await platform.send("creatorAlice", "MesiTickets", "setTicketOnly", [stream(), true]);
    await waitFor(
      "ticket-only indexed",
      async () => (await getPlaylist(key("fan2"))).status,
      (status) => status === 403,
      5000,
    );
    assert.deepEqual(await refused(await fetch(fan2Segment)), [403, NOT_ALLOWED_TEXT]);
    const anonymous = new URL(fan2Segment);
    anonymous.search = "";
    assert.deepEqual(await refused(await fetch(anonymous)), [403, NOT_ALLOWED_TEXT]);
    assert.equal((await getPlaylist(key("fan1"))).status, 200);
  });

  it("stops ffmpeg once no HLS request came for the idle time, and the next request starts a new one", async () => {
    const [before] = transcoderProcesses();
    assert.ok(before !== undefined, "ffmpeg runs while viewers ask");
    await waitFor(
      "ffmpeg stopped when idle",
      async () => transcoderProcesses(),
      (p) => p.length === 0,
      3 * IDLE_STOP_MS,
    );
    assert.deepEqual(platform.streaming.media.hlsTranscoders(), []);
    assert.ok(broadcast() !== undefined, "the broadcast itself goes on");

    const again = await getPlaylist(key("fan1"));
    assert.equal(again.status, 200, await again.clone().text());
    assert.match(await again.text(), /^seg-\d+\.ts\?accessKey=/m);
    const restarted = transcoderProcesses();
    assert.equal(restarted.length, 1);
    assert.notEqual(restarted[0], before);
  });

  it("answers 503 with Retry-After when ffmpeg's first segment is not ready within the wait", async () => {
    // A second media server on the same gate whose playlist requests wait only 200 ms (ffmpeg needs a segment's
    // worth of media, 2 s, before its first one).
    const impatient = new MediaServer({
      gate: platform.streaming.gate,
      watcher: platform.streaming.watcher,
      secret: SECRET,
      logger: pino({ level: "silent" }),
      hls: { firstSegmentWaitMs: 200 },
    });
    const server = impatient.createServer();
    const base = await listen(server, 0);
    try {
      await publish(publisher, `${base}/webrtc/${impatient.streamKeyFor(stream())}`);
      await waitFor(
        "the broadcast",
        async () => impatient.stats()[0]?.videoCodec ?? null,
        (c) => c !== null,
        10_000,
      );
      const before = transcoderProcesses().length;
      const starting = await getPlaylist(key("fan1"), base);
      assert.equal(starting.status, 503);
      assert.equal(starting.headers.get("retry-after"), "2");
      assert.match(await starting.text(), /HLS is starting/);
      assert.equal(transcoderProcesses().length, before + 1, "the request started ffmpeg");
      await waitFor(
        "the playlist after Retry-After",
        async () => (await getPlaylist(key("fan1"), base)).status,
        (status) => status === 200,
        20_000,
        500,
      );
    } finally {
      await impatient.close();
      await close(server);
    }
  });

  it("stops HLS and its ffmpeg when the broadcaster goes", async () => {
    await publisher.context().close();
    await waitFor(
      "playlist offline",
      async () => (await getPlaylist(key("fan1"))).status,
      (status) => status === 404,
      10_000,
    );
    await waitFor(
      "no ffmpeg left",
      async () => transcoderProcesses(),
      (p) => p.length === 0,
      5000,
    );
  });

  it("transcodes a browser's VP8 broadcast into H.264 segments", async () => {
    const vp8 = await (await browser.newContext()).newPage();
    await vp8.goto(pageUrl);
    try {
      await publish(vp8, await whipUrl(), "video/VP8");
      await waitFor(
        "the broadcast's video",
        async () => broadcast()?.videoCodec ?? null,
        (c) => c !== null,
        10_000,
      );
      assert.equal(broadcast()?.videoCodec, "video/VP8");
      const playlist = await waitFor(
        "a VP8 broadcast's playlist with two segments",
        async () => (await getPlaylist(key("fan1"))).text(),
        (text) => (text.match(/^seg-\d+\.ts\?accessKey=/gm) ?? []).length >= 2,
        30_000,
      );
      const segmentLine = playlist.split("\n").find((line) => line.startsWith("seg-"))!;
      const { frames, summary } = await decodeSegment(new URL(segmentLine, playlistUrl()));
      assert.ok(frames >= 10, `only ${frames} frames decoded from ${segmentLine}`);
      assert.match(summary, /Video: h264/);
      assert.match(summary, /Audio: aac/);
    } finally {
      await vp8.context().close();
    }
  });
});
