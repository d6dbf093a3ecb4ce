// `npm run bench:messaging`: the local hub's delivery latency and memory with many connected clients.
// The hub runs in its own process; this process holds CLIENTS WebSocket clients (each its own wallet and token),
// puts them in groups of GROUP_SIZE, and sends RATE messages a second for SECONDS seconds over HTTP. Latency is
// measured from just before the POST to the arrival at each recipient's socket (one clock, this process).
// Prints TARGET lines: p99 ≤ 100 ms at 1,000 clients and 200 messages/s; hub RSS ≤ 300 MB.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

import { signSessionToken } from "@mesi/auth";
import type { Address } from "viem";

import type { ServerEvent } from "../src/protocol.ts";

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 1_000);
const GROUP_SIZE = 10;
const RATE = Number(process.env.BENCH_RATE ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const SECRET = "bench-secret-0123456789abcdef0123456789";

const address = (i: number): Address => `0x${(i + 1).toString(16).padStart(40, "0")}` as Address;
const token = (a: Address) =>
  signSessionToken({ address: a, audience: "message-hub", ttlSeconds: 3_600, secret: SECRET });

const dataDir = mkdtempSync(join(tmpdir(), "mesi-hub-bench-"));
const child = spawn(
  process.execPath,
  ["--import", "tsx", new URL("./hub-process.ts", import.meta.url).pathname, dataDir, SECRET],
  {
    stdio: ["ignore", "pipe", "inherit"],
  },
);
const { url, pid } = await new Promise<{ url: string; pid: number }>((resolve, reject) => {
  child.once("exit", (code) => reject(new Error(`hub exited ${code}`)));
  createInterface({ input: child.stdout! }).once("line", (line) =>
    resolve(JSON.parse(line) as { url: string; pid: number }),
  );
});
/** The hub process's CPU time so far, ms (utime + stime at 100 ticks a second). */
const cpuMs = () => {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
};
const rssMb = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]) / 1024;

async function post(path: string, as: Address, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token(as)}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
}

try {
  const latencies: number[] = [];
  const delivered = new Set<string>();
  let duplicates = 0;
  const sentAt = new Map<string, number>();
  const wallets = Array.from({ length: CLIENTS }, (_, i) => address(i));
  const sockets: WebSocket[] = [];
  for (let i = 0; i < CLIENTS; i += 100) {
    await Promise.all(
      wallets.slice(i, i + 100).map(
        (wallet) =>
          new Promise<void>((resolve, reject) => {
            const socket = new WebSocket(`${url.replace("http", "ws")}/v1/ws`);
            sockets.push(socket);
            socket.onopen = () => socket.send(JSON.stringify({ type: "auth", token: token(wallet) }));
            socket.onerror = () => reject(new Error("socket failed"));
            socket.onmessage = (frame) => {
              const event = JSON.parse(String(frame.data)) as ServerEvent;
              if (event.type === "ready") resolve();
              if (
                event.type === "message" &&
                event.message.sender.toLowerCase() !== wallet &&
                event.message.content.type === "text"
              ) {
                const key = `${wallet}|${event.message.id}`;
                if (delivered.has(key)) duplicates++;
                delivered.add(key);
                const start = sentAt.get(event.message.content.text);
                if (start !== undefined) latencies.push(performance.now() - start);
              }
            };
          }),
      ),
    );
  }
  const groups: { id: string; admin: Address }[] = [];
  for (let i = 0; i < CLIENTS; i += GROUP_SIZE) {
    const members = wallets.slice(i, i + GROUP_SIZE);
    const group = await post("/v1/conversations/group", members[0]!, { name: `g${i}`, members: members.slice(1) });
    groups.push({ id: String(group.id), admin: members[0]! });
  }
  const rssConnected = rssMb();

  const total = RATE * SECONDS;
  const cpuBefore = cpuMs();
  const started = performance.now();
  const inFlight: Promise<unknown>[] = [];
  for (let n = 0; n < total; n++) {
    const due = started + (n * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const group = groups[n % groups.length]!;
    const text = `m${n}`;
    sentAt.set(text, performance.now());
    inFlight.push(post(`/v1/conversations/${group.id}/messages`, group.admin, { content: { type: "text", text } }));
  }
  await Promise.all(inFlight);
  const expected = total * (GROUP_SIZE - 1);
  for (let i = 0; i < 100 && latencies.length < expected; i++) await new Promise((r) => setTimeout(r, 50));
  const achievedRate = total / ((performance.now() - started) / 1000);
  const cpuPerMessage = (cpuMs() - cpuBefore) / total;
  const rssPeak = Math.max(rssConnected, rssMb());
  for (const socket of sockets) socket.close();

  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
  const p99 = pct(99);
  console.log(
    `hub: ${CLIENTS} clients in groups of ${GROUP_SIZE}, ${total} messages at ~${achievedRate.toFixed(0)}/s, ` +
      `${latencies.length}/${expected} deliveries (${duplicates} duplicates); latency p50 ${pct(50).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, ` +
      `max ${latencies.at(-1)?.toFixed(1)} ms; hub CPU ${cpuPerMessage.toFixed(2)} ms a message ` +
      `(${GROUP_SIZE - 1} deliveries); hub RSS ${rssConnected.toFixed(0)} MB connected, ${rssPeak.toFixed(0)} MB peak`,
  );
  const status = (ok: boolean) => (ok ? "ok" : "miss");
  console.log(
    `TARGET messaging.hub.delivery_p99_ms value=${p99.toFixed(1)} target<=100 clients=${CLIENTS} rate=${RATE} ` +
      `status=${status(p99 <= 100 && latencies.length === expected && duplicates === 0)}`,
  );
  console.log(
    `TARGET messaging.hub.rss_mb value=${rssPeak.toFixed(0)} target<=300 clients=${CLIENTS} status=${status(rssPeak <= 300)}`,
  );
} finally {
  child.kill("SIGTERM");
  await new Promise((r) => child.once("exit", r));
  rmSync(dataDir, { recursive: true, force: true });
}
