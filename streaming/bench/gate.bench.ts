// `npm run bench:stream -w @mesi/streaming`: the gate's Livepeer webhook over HTTP at a fixed request rate, its
// cache warm over 10,000 fans who tipped the creator (real anvil, real contracts, the embedded indexer), the gate in
// its own process. Prints TARGET lines.
import { Agent, request as httpRequest } from "node:http";

import { abis } from "@mesi/deployments";
import { keccak256, parseEther, toHex, zeroAddress, zeroHash, type Hex } from "viem";

import { mintAccessKey, signLivepeerWebhook, verifyAccessKey } from "../src/index.ts";
import { SECRET, startPlatform } from "../test/helpers/platform.ts";
import { startStreamingProcess } from "./streamingProcess.ts";

const FANS = Number(process.env.BENCH_FANS ?? 10_000);
const RATE = Number(process.env.BENCH_RATE ?? 500);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WEBHOOK_SECRET = "bench-webhook-secret";

// The key check alone, in this process, over as many distinct fans as the HTTP run (the work each request does
// before the decision; viem's address caches hold 8,192 entries, so 10,000 fans round-robin miss every time).
{
  const fans = Array.from({ length: FANS }, (_, i) => keccak256(toHex(`bench-fan-${i}`)).slice(0, 42) as Hex);
  const keys = fans.map((fan) => mintAccessKey({ address: fan, streamId: 1n, secret: SECRET }));
  for (const key of keys) verifyAccessKey(key, 1n, SECRET);
  const calls = 50_000;
  const started = performance.now();
  for (let i = 0; i < calls; i++) verifyAccessKey(keys[i % FANS]!, 1n, SECRET);
  console.log(
    `# access key check over ${FANS} fans: ${(((performance.now() - started) * 1000) / calls).toFixed(1)} µs per key`,
  );
}

const platform = await startPlatform({ streaming: false });
try {
  const alice = platform.accounts.creatorAlice.address;
  const fans = Array.from({ length: FANS }, (_, i) => keccak256(toHex(`bench-fan-${i}`)).slice(0, 42) as Hex);
  for (let start = 0; start < FANS; start += 400) {
    const credits = fans.slice(start, start + 400).map((fan, i) => ({
      paymentRef: keccak256(toHex(`bench-payment-${start + i}`)),
      fan,
      creator: alice,
      amount: parseEther(i % 2 === 0 ? "2" : "0.5"),
      source: 3,
      channel: 0,
      channelRef: zeroHash,
    }));
    await platform.send("relayer", "MesiVault", "creditBatch", [credits]);
  }
  await platform.send("creatorAlice", "CreatorRegistry", "createStream", [
    {
      isPrivate: true,
      followers: true,
      minTierRank: 0,
      minTipped: parseEther("1"),
      inviteSigner: zeroAddress,
      kyfLevel: 0,
    },
    "data:,bench",
  ]);
  const streamId = (await platform.publicClient.readContract({
    address: platform.deployment.contracts.CreatorRegistry.address,
    abi: abis.CreatorRegistry,
    functionName: "streamCount",
  })) as bigint;
  const head = await platform.publicClient.getBlockNumber();
  while (BigInt(platform.indexer.status().indexedBlock ?? "0") < head) await new Promise((r) => setTimeout(r, 100));

  const streaming = await startStreamingProcess(platform, { livepeerWebhookSecret: WEBHOOK_SECRET });
  const { gateUrl } = streaming;

  const keys = fans.map((fan) => mintAccessKey({ address: fan, streamId, secret: SECRET }));
  // node:http with a bounded keep-alive pool, as a proxy in front of the gate would hold.
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const target = new URL(`${gateUrl}/webhooks/livepeer/playback`);
  const request = (i: number): Promise<{ ms: number; allow: boolean }> => {
    const t = Date.now();
    const body = JSON.stringify({
      context: { streamId: streamId.toString() },
      accessKey: keys[i % keys.length],
      timestamp: t,
    });
    const start = performance.now();
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        target,
        {
          method: "POST",
          agent,
          headers: {
            "content-type": "application/json",
            "content-length": Buffer.byteLength(body),
            "livepeer-signature": signLivepeerWebhook(WEBHOOK_SECRET, body, t),
          },
        },
        (response) => {
          response.resume();
          response.on("end", () => resolve({ ms: performance.now() - start, allow: response.statusCode === 200 }));
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  };
  for (let i = 0; i < 200; i++) await request(i); // warm-up
  const total = RATE * SECONDS;
  const results: Promise<{ ms: number; allow: boolean }>[] = [];
  const begin = performance.now();
  for (let i = 0; i < total; i++) {
    const due = begin + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    results.push(request(i));
  }
  const done = await Promise.all(results);
  const elapsed = (performance.now() - begin) / 1000;
  const sorted = done.map((r) => r.ms).sort((a, b) => a - b);
  const p = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!;
  const allowed = done.filter((r) => r.allow).length;
  const expectedAllowed = done.filter((_, i) => ((i % FANS) % 400) % 2 === 0).length;
  if (allowed !== expectedAllowed)
    throw new Error(`gate admitted ${allowed}, expected ${expectedAllowed} (tipped >= 1 MESI)`);
  const p99 = p(0.99);
  console.log(
    `gate webhook: ${total} requests in ${elapsed.toFixed(1)} s (${(total / elapsed).toFixed(0)}/s), ${FANS} fans warm; p50 ${p(0.5).toFixed(2)} ms, p99 ${p99.toFixed(2)} ms, max ${sorted.at(-1)!.toFixed(2)} ms; ${allowed} admitted`,
  );
  console.log(
    `TARGET gate decision over HTTP p99 <= 10 ms at ${RATE} req/s, ${FANS} fans: ${p99.toFixed(2)} ms status=${p99 <= 10 ? "ok" : "miss"}`,
  );
  agent.destroy();
  await streaming.stop();
} finally {
  await platform.stop();
}
