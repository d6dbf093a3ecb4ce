// `npm run bench:stream -w @mesi/streaming` (third part): the local media server under load, in its own process
// (startStreaming: gate + media server, as `npm start` runs it) against real anvil, the real contracts and the
// embedded indexer. A headless Chromium publishes its fake camera at 1280×720 over WHIP.
//   0. Before any viewer: the media server's CPU with the broadcaster alone, and no HLS ffmpeg running (HLS starts on
//      the first playlist request).
//   1. Removal: 10 non-holders watch over WebRTC with the gate's event stream open, as the stream page does; the
//      creator switches ticket-only on (a real transaction). Per viewer: from sending the transaction to the later
//      of "the page was told" (`removed` event, which unmounts the player) and "the server dropped its connection"
//      (its /stats count). p95 ≤ 5 s.
//   2. Load: 20 ticket holders watch over WebRTC (receiving, decoding in the browser); the media server process's
//      CPU (utime + stime from /proc over a 10 s window) ≤ 50 % of one core, and its peak RSS ≤ 300 MB. An HLS
//      ffmpeg (none unless someone asked for HLS) is a separate process: printed beside it, not counted.
// Prints TARGET lines like the other benches.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";

import { chromium, type Page } from "playwright-core";

import { close, listen } from "../src/http.ts";
import { mintAccessKey } from "../src/index.ts";
import { CHROMIUM_ARGS, CLIENT, ensureChromium } from "../test/helpers/chromium.ts";
import { addressOf, SECRET, startPlatform } from "../test/helpers/platform.ts";
import { waitFor } from "../test/helpers/waitFor.ts";
import { startStreamingProcess } from "./streamingProcess.ts";

const VIEWERS = Number(process.env.BENCH_VIEWERS ?? 20);
const REMOVED = Number(process.env.BENCH_REMOVED ?? 10);
const WINDOW_S = Number(process.env.BENCH_WINDOW_S ?? 10);
const IDLE_WINDOW_S = Number(process.env.BENCH_IDLE_WINDOW_S ?? 5);
const CLOCK_TICKS = 100; // Linux USER_HZ

const VIEWERS_CLIENT = `
window.viewers = [];
window.watch = async (url, accessKey, eventsUrl) => {
  const pc = new RTCPeerConnection({ iceServers: [] });
  pc.addTransceiver("video", { direction: "recvonly" });
  pc.addTransceiver("audio", { direction: "recvonly" });
  const viewer = { pc, removedAt: null };
  window.viewers.push(viewer);
  if (eventsUrl) {
    const events = new EventSource(eventsUrl);
    events.addEventListener("removed", () => { viewer.removedAt = Date.now(); events.close(); pc.close(); });
    await new Promise((resolve) => events.addEventListener("access", resolve, { once: true }));
  }
  return (await negotiate(pc, url, { "Livepeer-Access-Key": accessKey })).status;
};
window.framesDecoded = () => Promise.all(window.viewers.map(async (v) => {
  if (v.pc.connectionState === "closed") return -1;
  let frames = 0;
  (await v.pc.getStats()).forEach((r) => { if (r.type === "inbound-rtp" && r.kind === "video") frames = r.framesDecoded ?? 0; });
  return frames;
}));
window.removedTimes = () => window.viewers.map((v) => v.removedAt);
window.published = async () => {
  let size = "";
  (await window.publisher.getStats()).forEach((r) => { if (r.type === "outbound-rtp" && r.kind === "video") size = r.frameWidth + "x" + r.frameHeight + "@" + Math.round(r.framesPerSecond ?? 0); });
  return size;
};
`;

type BenchWindow = {
  publish(url: string, width: number, height: number): Promise<{ status: number }>;
  watch(url: string, key: string, eventsUrl: string): Promise<number>;
  framesDecoded(): Promise<number[]>;
  removedTimes(): (number | null)[];
  published(): Promise<string>;
};
/** CPU seconds (user + system) and resident memory of a process, from /proc. */
function usage(pid: number): { cpuS: number; rssMb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const cpuS = (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
  return { cpuS, rssMb: rssKb / 1024 };
}

const childrenOf = (pid: number): number[] =>
  readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);

const p95 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.ceil(values.length * 0.95) - 1]!;

function target(name: string, measured: number, unit: string, goal: number): void {
  console.log(
    `TARGET ${name} measured=${measured.toFixed(unit === "ms" ? 0 : 1)}${unit} goal=<=${goal}${unit} status=${measured <= goal ? "ok" : "miss"}`,
  );
}

const platform = await startPlatform({ streaming: false });
const streaming = await startStreamingProcess(platform);
const pages = createServer((_request, response) => {
  response.writeHead(200, { "content-type": "text/html" });
  response.end(`<!doctype html><html><body><script>${CLIENT}${VIEWERS_CLIENT}</script></body></html>`);
});
const pageUrl = await listen(pages, 0);
const browser = await chromium.launch({ executablePath: ensureChromium(), args: CHROMIUM_ARGS });
try {
  const { url, gateUrl, pid } = streaming;
  const streamId = platform.demo.ticketedStreamId;
  const key = (role: "fan1" | "fan2" | "creatorAlice") =>
    mintAccessKey({ address: addressOf(platform, role), streamId, secret: SECRET });
  const viewerCount = async () =>
    ((await (await fetch(`${url}/stats`)).json()) as { streams: { viewers: number }[] }).streams[0]?.viewers ?? 0;

  const ingest = (await (
    await fetch(`${url}/ingest/${streamId}`, {
      method: "POST",
      body: JSON.stringify({ accessKey: key("creatorAlice") }),
    })
  ).json()) as { whipUrl: string };
  const publisher = await (await browser.newContext()).newPage();
  await publisher.goto(pageUrl);
  if (
    (await publisher.evaluate((u) => (window as never as BenchWindow).publish(u, 1280, 720), ingest.whipUrl)).status !==
    201
  )
    throw new Error("publish refused");
  await waitFor(
    "broadcast",
    async () => (await (await fetch(`${url}/stats`)).json()) as { streams: { videoCodec: string | null }[] },
    (s) => s.streams.some((x) => x.videoCodec !== null),
    10_000,
  );
  // 0. One broadcaster and no viewer at all: the server only receives (SRTP) and runs no ffmpeg, which starts on the
  // first HLS playlist request.
  const quiet = { cpuS: usage(pid).cpuS, at: performance.now() };
  await new Promise((resolve) => setTimeout(resolve, IDLE_WINDOW_S * 1000));
  const quietCpu = ((usage(pid).cpuS - quiet.cpuS) / ((performance.now() - quiet.at) / 1000)) * 100;
  const quietFfmpeg = childrenOf(pid).length;
  console.log(
    `# media server with 1 broadcaster and 0 HLS/WebRTC viewers: CPU ${quietCpu.toFixed(1)} % of one core over ${IDLE_WINDOW_S} s, ${quietFfmpeg} ffmpeg processes`,
  );
  target("media_server_cpu_1_broadcaster_0_hls_viewers", quietCpu, "%", 20);
  target("media_server_ffmpeg_processes_0_hls_viewers", quietFfmpeg, "", 0);

  const playUrl = `${url}/webrtc/${streamId}`;
  const watchAll = async (page: Page, role: "fan1" | "fan2", n: number, withEvents: boolean) => {
    for (let i = 0; i < n; i++) {
      const accessKey = key(role);
      const events = withEvents
        ? `${gateUrl}/streams/${streamId}/events?accessKey=${encodeURIComponent(accessKey)}`
        : "";
      const status = await page.evaluate(
        ([u, k, e]) => (window as never as BenchWindow).watch(u!, k!, e!),
        [playUrl, accessKey, events],
      );
      if (status !== 201) throw new Error(`viewer ${i} refused: ${status}`);
    }
    await waitFor(
      "every viewer decoding",
      () => page.evaluate(() => (window as never as BenchWindow).framesDecoded()),
      (f) => f.every((n) => n > 5),
      30_000,
    );
  };

  // 1. Removal after ticket-only, over REMOVED non-holders (fan2 holds no ticket), each in a browser context of its
  // own like a fan's own browser (one context holds at most 6 connections to a host, and each keeps an SSE open).
  const removedPages: Page[] = [];
  for (let i = 0; i < REMOVED; i++) {
    const page = await (await browser.newContext()).newPage();
    await page.goto(pageUrl);
    await watchAll(page, "fan2", 1, true);
    removedPages.push(page);
  }
  const before = await viewerCount();
  let indexedMs = -1;
  const sentAt = Date.now();
  const block = await platform.send("creatorAlice", "MesiTickets", "setTicketOnly", [streamId, true]);
  const minedMs = Date.now() - sentAt;
  // Where the time goes: mined, then indexed (the embedded indexer), then the gate's cache, then the pages.
  void waitFor(
    "indexed",
    async () => BigInt(platform.indexer.status().indexedBlock ?? "0"),
    (n) => n >= block,
    15_000,
    10,
  ).then(() => (indexedMs = Date.now() - sentAt));
  const serverDroppedMs =
    (await waitFor("server drops", viewerCount, (n) => n <= before - REMOVED, 15_000), Date.now() - sentAt);
  const told = await waitFor(
    "pages told",
    async () =>
      (
        await Promise.all(
          removedPages.map((page) => page.evaluate(() => (window as never as BenchWindow).removedTimes())),
        )
      ).flat(),
    (t) => t.every((x) => x !== null),
    15_000,
  );
  const removal = told.map((at) => Math.max(at! - sentAt, serverDroppedMs));
  console.log(
    `# removal after ticket-only: mined after ${minedMs} ms, indexed after ${indexedMs} ms, pages told after ${told.map((t) => t! - sentAt).join(", ")} ms; server dropped all ${REMOVED} after ${serverDroppedMs} ms`,
  );
  target(`removal_after_ticket_only_p95_${REMOVED}_viewers`, p95(removal), "ms", 5000);
  for (const page of removedPages) await page.context().close();

  // 2. Load: VIEWERS ticket holders.
  const loadPage = await (await browser.newContext()).newPage();
  await loadPage.goto(pageUrl);
  await watchAll(loadPage, "fan1", VIEWERS, false);
  await waitFor("viewer count", viewerCount, (n) => n === VIEWERS, 10_000);
  const [ffmpeg] = childrenOf(pid);
  const start = {
    server: usage(pid),
    ffmpeg: ffmpeg === undefined ? null : usage(ffmpeg),
    at: performance.now(),
  };
  let peakRss = start.server.rssMb;
  for (let t = 0; t < WINDOW_S * 2; t++) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    peakRss = Math.max(peakRss, usage(pid).rssMb);
  }
  const seconds = (performance.now() - start.at) / 1000;
  const cpu = ((usage(pid).cpuS - start.server.cpuS) / seconds) * 100;
  const ffmpegCpu =
    ffmpeg === undefined || start.ffmpeg === null ? null : ((usage(ffmpeg).cpuS - start.ffmpeg.cpuS) / seconds) * 100;
  const frames = await loadPage.evaluate(() => (window as never as BenchWindow).framesDecoded());
  console.log(
    `# media server with 1 broadcaster (${await publisher.evaluate(() => (window as never as BenchWindow).published())}) and ${VIEWERS} WebRTC viewers (all decoding: ${frames.every((n) => n > 0)}): CPU ${cpu.toFixed(1)} % of one core over ${seconds.toFixed(1)} s, peak RSS ${peakRss.toFixed(0)} MB; its HLS ffmpeg (separate process): ${ffmpegCpu === null ? "not running" : `${ffmpegCpu.toFixed(1)} % CPU, ${usage(ffmpeg!).rssMb.toFixed(0)} MB`}`,
  );
  target(`media_server_cpu_1_broadcaster_${VIEWERS}_viewers`, cpu, "%", 50);
  target(`media_server_rss_1_broadcaster_${VIEWERS}_viewers`, peakRss, "MB", 300);
} finally {
  await browser.close();
  await close(pages);
  await streaming.stop();
  await platform.stop();
}
