// One broadcast turned into HLS for larger audiences: the media server forwards the broadcaster's RTP over loopback
// UDP to an ffmpeg process (the binary shipped inside the npm package @ffmpeg-installer/<platform>, nothing
// downloaded), described by an SDP file; ffmpeg writes a live playlist (`index.m3u8`) and MPEG-TS segments into a
// directory of its own. The media server starts one only when a stream's first HLS playlist request arrives and
// stops it once no HLS request has come for a while (see mediaServer.ts). H.264 is copied (no transcoding, a few %
// of a core); VP8 is encoded to H.264 (ultrafast). Opus becomes AAC, which every HLS player plays. The media server
// asks the broadcaster for a keyframe every segment so that each segment starts on one (Chromium sends keyframes
// only when asked).
import { spawn, type ChildProcess } from "node:child_process";
import { createSocket, type Socket } from "node:dgram";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import ffmpegInstaller from "@ffmpeg-installer/ffmpeg";
import type { RtpPacket } from "werift";

import type { Logger } from "../index/indexCache.ts";

/** The ffmpeg binary shipped inside the npm package for this platform. */
export const bundledFfmpegPath: string = ffmpegInstaller.path;

/** Segment names ffmpeg writes and the server serves (nothing else under a stream's HLS path is a file). */
export const SEGMENT_NAME = /^seg-\d{1,9}\.ts$/;

const VIDEO_PT = 96;
const AUDIO_PT = 111;

export interface HlsTranscoderOptions {
  readonly videoCodec: "video/H264" | "video/VP8";
  readonly logger: Logger;
  /** Default: the bundled binary. */
  readonly ffmpegPath?: string;
  /** Target segment length in seconds. Default 2. */
  readonly segmentSeconds?: number;
  /** Where the per-broadcast directory is made. Default the OS temp dir. */
  readonly rootDir?: string;
}

/** Picks a free even UDP port whose successor (RTCP, which ffmpeg binds too) is free as well. */
async function freeRtpPort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = 20_000 + 2 * Math.floor(Math.random() * 20_000);
    const sockets: Socket[] = [];
    try {
      for (const p of [port, port + 1]) {
        const socket = createSocket("udp4");
        sockets.push(socket);
        await new Promise<void>((resolve, reject) => {
          socket.once("error", reject);
          socket.bind(p, "127.0.0.1", () => resolve());
        });
      }
      return port;
    } catch {
      // taken: try another
    } finally {
      await Promise.all(sockets.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    }
  }
  throw new Error("no free UDP port pair for the HLS transcoder");
}

export class HlsTranscoder {
  readonly #options: HlsTranscoderOptions;
  readonly #socket = createSocket("udp4");
  #dir = "";
  #ports = { video: 0, audio: 0 };
  #process: ChildProcess | undefined;
  #stopped = false;
  #lastPlaylist: string | null = null;

  private constructor(options: HlsTranscoderOptions) {
    this.#options = options;
  }

  /** Starts ffmpeg listening for the broadcast's RTP; write packets with `writeRtp`. */
  static async start(options: HlsTranscoderOptions): Promise<HlsTranscoder> {
    const transcoder = new HlsTranscoder(options);
    await transcoder.#start();
    return transcoder;
  }

  get segmentSeconds(): number {
    return this.#options.segmentSeconds ?? 2;
  }

  /** The ffmpeg process id (for the server's stats and the tests that look for it in the process list). */
  get pid(): number | undefined {
    return this.#process?.pid;
  }

  get playlistPath(): string {
    return join(this.#dir, "index.m3u8");
  }

  /** The live playlist as ffmpeg last wrote it whole, or null before its first segment. */
  async playlist(): Promise<string | null> {
    // ffmpeg 4.1 rewrites the playlist in place (its rename check misfires), so a read can catch it half written:
    // answer the last complete one instead.
    const text = await readFile(this.playlistPath, "utf8").catch(() => null);
    if (text !== null && text.startsWith("#EXTM3U") && text.endsWith("\n") && /^seg-\d+\.ts$/m.test(text))
      this.#lastPlaylist = text;
    return this.#lastPlaylist;
  }

  /** A segment's bytes, or null (unknown name, or already rotated out of the playlist). */
  async segment(name: string): Promise<Buffer | null> {
    if (!SEGMENT_NAME.test(name)) return null;
    return readFile(join(this.#dir, name)).catch(() => null);
  }

  writeRtp(kind: "audio" | "video", rtp: RtpPacket): void {
    if (this.#stopped) return;
    const packet = rtp.clone();
    packet.header.payloadType = kind === "video" ? VIDEO_PT : AUDIO_PT;
    this.#socket.send(packet.serialize(), this.#ports[kind], "127.0.0.1");
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#socket.close();
    const child = this.#process;
    if (child !== undefined && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 2000);
      await exited;
      clearTimeout(timer);
    }
    if (this.#dir !== "") await rm(this.#dir, { recursive: true, force: true });
  }

  async #start(): Promise<void> {
    const { videoCodec, logger } = this.#options;
    this.#dir = await mkdtemp(join(this.#options.rootDir ?? tmpdir(), "mesi-hls-"));
    this.#ports = { video: await freeRtpPort(), audio: await freeRtpPort() };
    const sdp = [
      "v=0",
      "o=- 0 0 IN IP4 127.0.0.1",
      "s=Mesi broadcast",
      "c=IN IP4 127.0.0.1",
      "t=0 0",
      `m=video ${this.#ports.video} RTP/AVP ${VIDEO_PT}`,
      videoCodec === "video/VP8" ? `a=rtpmap:${VIDEO_PT} VP8/90000` : `a=rtpmap:${VIDEO_PT} H264/90000`,
      ...(videoCodec === "video/H264" ? [`a=fmtp:${VIDEO_PT} packetization-mode=1`] : []),
      `m=audio ${this.#ports.audio} RTP/AVP ${AUDIO_PT}`,
      `a=rtpmap:${AUDIO_PT} opus/48000/2`,
      "",
    ].join("\r\n");
    const sdpPath = join(this.#dir, "input.sdp");
    await writeFile(sdpPath, sdp);
    const video =
      videoCodec === "video/H264"
        ? ["-c:v", "copy"]
        : ["-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", "60"];
    const args = [
      ...["-hide_banner", "-loglevel", "error", "-nostdin"],
      ...["-protocol_whitelist", "file,udp,rtp", "-fflags", "+genpts"],
      ...["-analyzeduration", "2000000", "-probesize", "2000000"],
      ...["-i", sdpPath],
      ...["-map", "0:v:0", "-map", "0:a:0?"],
      ...video,
      ...["-c:a", "aac", "-b:a", "96k", "-ar", "48000"],
      ...["-f", "hls", "-hls_time", String(this.segmentSeconds), "-hls_list_size", "6"],
      // temp_file: a segment appears by rename, never half written.
      ...["-hls_flags", "delete_segments+independent_segments+temp_file"],
      ...["-hls_segment_filename", `file:${join(this.#dir, "seg-%d.ts")}`, `file:${this.playlistPath}`],
    ];
    const child = spawn(this.#options.ffmpegPath ?? bundledFfmpegPath, args, { stdio: ["ignore", "ignore", "pipe"] });
    this.#process = child;
    let stderr = "";
    child.stderr!.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString("utf8")).slice(-2000);
    });
    child.once("exit", (code, signal) => {
      if (!this.#stopped) logger.error({ code, signal, stderr }, "HLS transcoder exited");
    });
    await new Promise<void>((resolve, reject) => {
      child.once("spawn", resolve);
      child.once("error", reject);
    });
    logger.info({ dir: this.#dir, ports: this.#ports, videoCodec, pid: child.pid }, "HLS transcoder started");
  }
}
