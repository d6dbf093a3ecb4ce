// HLS from the local media server with the real ffmpeg shipped in @ffmpeg-installer: a headless Chromium with a fake
// camera publishes over WHIP; the server's ffmpeg writes a live playlist whose segments decode (checked by the same
// ffmpeg) and which hls.js plays in a second page (frames decoded); every playlist and segment request is asked of
// the gate with the viewer's key, so a forged key, a non-holder after ticket-only and a segment without a key are
// refused with Livepeer's text.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";

import { chromium, type Browser, type Page } from "playwright-core";

import { close, listen } from "../src/http.ts";
import { mintAccessKey, NOT_ALLOWED_TEXT, OFFLINE_TEXT } from "../src/index.ts";
import { bundledFfmpegPath } from "../src/media/hlsTranscoder.ts";
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

let platform: Platform;
let browser: Browser;
let pageServer: Server;
let pageUrl: string;

describe("HLS from the local media server (real ffmpeg from npm)", { timeout: 180_000 }, () => {
  const stream = () => platform.demo.ticketedStreamId;
  const key = (role: "fan1" | "fan2", streamId = stream()) =>
    mintAccessKey({ address: addressOf(platform, role), streamId, secret: SECRET });
  const playlistUrl = () => `${platform.streaming.url}/hls/${stream()}/index.m3u8`;
  const getPlaylist = (accessKey: string | null) =>
    fetch(playlistUrl(), { headers: accessKey === null ? {} : { "livepeer-access-key": accessKey } });
  let publisher: Page;

  before(async () => {
    const executablePath = ensureChromium();
    platform = await startPlatform();
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

  it("turns a WHIP broadcast into a live playlist whose segments decode as H.264 video", async () => {
    const ingest = (await (
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
    ).json()) as { whipUrl: string };
    publisher = await (await browser.newContext()).newPage();
    await publisher.goto(pageUrl);
    const published = await publisher.evaluate(
      (url) => (window as never as { publish(u: string): Promise<{ status: number }> }).publish(url),
      ingest.whipUrl,
    );
    assert.equal(published.status, 201);

    const holderKey = key("fan1");
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

    const segment = await fetch(new URL(segmentLine, playlistUrl()));
    assert.equal(segment.status, 200);
    assert.equal(segment.headers.get("content-type"), "video/mp2t");
    const dir = await mkdtemp(join(tmpdir(), "mesi-hls-test-"));
    try {
      const file = join(dir, "segment.ts");
      await writeFile(file, Buffer.from(await segment.arrayBuffer()));
      // Decode every video frame of the segment: one line per frame.
      const { stdout, stderr } = await run(bundledFfmpegPath, [
        "-hide_banner",
        "-i",
        file,
        "-map",
        "0:v:0",
        "-f",
        "framecrc",
        "-",
      ]);
      const frames = stdout.split("\n").filter((line) => /^\d+,/.test(line)).length;
      assert.ok(frames >= 10, `only ${frames} frames decoded from ${segmentLine}`);
      assert.match(stderr, /Video: h264/);
      assert.match(stderr, /Audio: aac/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
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

  it("stops HLS when the broadcaster goes", async () => {
    await publisher.context().close();
    await waitFor(
      "playlist offline",
      async () => (await getPlaylist(key("fan1"))).status,
      (status) => status === 404,
      10_000,
    );
  });
});
