// `npm run bench:stream -w @mesi/streaming` (second part): local time to first frame for a viewer. A real headless
// Chromium with a fake camera publishes over WHIP to the local media server; 20 viewers join one after another, each
// a fresh page doing what @livepeer/core-web does (HEAD, then POST a complete offer with the access key) and timed
// from the HEAD to the first decoded frame (requestVideoFrameCallback). Prints a TARGET line: p95 <= 1 s.
import { createServer } from "node:http";

import { chromium } from "playwright-core";

import { close, listen } from "../src/http.ts";
import { mintAccessKey } from "../src/index.ts";
import { ensureChromium } from "../test/helpers/chromium.ts";
import { SECRET, startPlatform } from "../test/helpers/platform.ts";

const JOINS = Number(process.env.BENCH_JOINS ?? 20);

const CLIENT = `
async function negotiate(pc, url, headers) {
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise((resolve) => {
    if (pc.iceGatheringState === "complete") return resolve();
    pc.addEventListener("icegatheringstatechange", () => pc.iceGatheringState === "complete" && resolve());
    setTimeout(resolve, 2000);
  });
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/sdp", ...headers }, body: pc.localDescription.sdp });
  const text = await response.text();
  if (!response.ok) throw new Error(response.status + " " + text);
  await pc.setRemoteDescription({ type: "answer", sdp: text });
}
window.publish = async (url) => {
  const media = await navigator.mediaDevices.getUserMedia({ video: { width: 1280, height: 720 }, audio: true });
  const pc = new RTCPeerConnection({ iceServers: [] });
  for (const track of media.getTracks()) pc.addTransceiver(track, { direction: "sendonly" });
  window.publisher = pc;
  await fetch(url, { method: "HEAD" });
  await negotiate(pc, url, {});
};
window.join = async (url, accessKey) => {
  const started = performance.now();
  await fetch(url, { method: "HEAD" });
  const pc = new RTCPeerConnection({ iceServers: [] });
  pc.addTransceiver("video", { direction: "recvonly" });
  pc.addTransceiver("audio", { direction: "recvonly" });
  const video = document.createElement("video");
  video.muted = true; video.autoplay = true; video.playsInline = true;
  document.body.append(video);
  const frame = new Promise((resolve) => video.requestVideoFrameCallback(() => resolve(performance.now() - started)));
  pc.ontrack = (event) => { if (event.track.kind === "video") video.srcObject = new MediaStream([event.track]); };
  await negotiate(pc, url, { "Livepeer-Access-Key": accessKey });
  const ms = await Promise.race([frame, new Promise((r) => setTimeout(() => r(-1), 10000))]);
  pc.close();
  return ms;
};
`;

const platform = await startPlatform();
const pages = createServer((_request, response) => {
  response.writeHead(200, { "content-type": "text/html" });
  response.end(`<!doctype html><html><body><script>${CLIENT}</script></body></html>`);
});
const pageUrl = await listen(pages, 0);
const browser = await chromium.launch({
  executablePath: ensureChromium(),
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
  ],
});
try {
  const streamId = platform.demo.ticketedStreamId;
  const creatorKey = mintAccessKey({ address: platform.accounts.creatorAlice.address, streamId, secret: SECRET });
  const ingest = (await (
    await fetch(`${platform.streaming.url}/ingest/${streamId}`, {
      method: "POST",
      body: JSON.stringify({ accessKey: creatorKey }),
    })
  ).json()) as { whipUrl: string };
  const publisher = await (await browser.newContext()).newPage();
  await publisher.goto(pageUrl);
  await publisher.evaluate(
    (url) => (window as never as { publish(u: string): Promise<void> }).publish(url),
    ingest.whipUrl,
  );
  for (let i = 0; i < 100; i++) {
    const stats = (await (await fetch(`${platform.streaming.url}/stats`)).json()) as {
      streams: { videoCodec: string | null }[];
    };
    if (stats.streams.some((s) => s.videoCodec !== null)) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const times: number[] = [];
  for (let i = 0; i < JOINS; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(pageUrl);
    const key = mintAccessKey({ address: platform.accounts.fan1.address, streamId, secret: SECRET });
    const ms = await page.evaluate(
      ([url, accessKey]) => (window as never as { join(u: string, k: string): Promise<number> }).join(url!, accessKey!),
      [`${platform.streaming.url}/webrtc/${streamId}`, key],
    );
    times.push(ms < 0 ? Number.POSITIVE_INFINITY : ms);
    await context.close();
  }
  const sorted = [...times].sort((a, b) => a - b);
  const p95 = sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)]!;
  console.log(`# first frame ms over ${JOINS} joins: ${sorted.map((t) => t.toFixed(0)).join(", ")}`);
  console.log(
    `TARGET viewer_first_frame_p95_${JOINS}_joins measured=${p95.toFixed(0)}ms goal=<=1000ms status=${p95 <= 1000 ? "ok" : "miss"}`,
  );
} finally {
  await browser.close();
  await close(pages);
  await platform.stop();
}
