// The web benchmark (`npm run bench:web`): on the production build that `npm start` serves, with the local
// chain mining a block every 2 s, it prints one line per target:
//   TARGET <name> measured=<value> goal=<op><value> status=ok|miss
// - first-load JavaScript (gzip) of the creator profile and the tip page: every script the browser downloads
//   until `load`, each gzipped (level 9, as the server's precompressed files);
// - Lighthouse performance and accessibility of both pages (Lighthouse's default mobile run, Debian's chromium);
// - from the block that includes a tip to the tip showing on the creator's open profile page (p95 of 20 tips);
// - server render of the profile page, p95 at 50 concurrent requests.
import { createServer } from "node:net";
import { gzipSync } from "node:zlib";

import lighthouse from "lighthouse";
import { chromium, type Browser } from "playwright-core";
import { createPublicClient, createWalletClient, http, parseEther, zeroHash, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";

import { encodeTipData } from "../src/lib/tips/tipData.ts";
import { CHROMIUM_FLAGS, ensureChromium } from "../e2e/support/browser.ts";
import { startStack } from "../e2e/support/stack.ts";
import { toDeployment, type ChainAddresses } from "@mesi/deployments";

type Op = "<=" | ">=";
const results: { name: string; measured: number; unit: string; op: Op; goal: number }[] = [];

function target(name: string, measured: number, op: Op, goal: number, unit = ""): void {
  results.push({ name, measured, unit, op, goal });
  const ok = op === "<=" ? measured <= goal : measured >= goal;
  console.log(`TARGET ${name} measured=${measured}${unit} goal=${op}${goal}${unit} status=${ok ? "ok" : "miss"}`);
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function addressesFromBanner(output: string): ChainAddresses {
  const entries: [string, { address: string; blockNumber: number }][] = [];
  for (const match of output.matchAll(/^\s{2}(\w+)\s+(0x[0-9a-fA-F]{40})\s+\(block (\d+)\)/gm)) {
    entries.push([match[1]!, { address: match[2]!, blockNumber: Number(match[3]) }]);
  }
  return Object.fromEntries(entries) as unknown as ChainAddresses;
}

/**
 * gzip bytes of every script a fresh browser context downloads for `url` until the page is interactive: hydrated
 * (the layout marks `html[data-hydrated]`) and the network quiet, so late module loads count too.
 */
async function firstLoadJs(browser: Browser, url: string): Promise<{ kB: number; files: number }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const scripts = new Map<string, Promise<Buffer | null>>();
  page.on("response", (response) => {
    if (response.request().resourceType() === "script" && !scripts.has(response.url())) {
      scripts.set(
        response.url(),
        response.body().catch(() => null),
      );
    }
  });
  await page.goto(url, { waitUntil: "networkidle" });
  await page.locator("html[data-hydrated=true]").waitFor({ timeout: 30_000 });
  await page.waitForLoadState("networkidle");
  const bodies = await Promise.all(scripts.values());
  await context.close();
  const sizes = [...scripts.keys()].map((file, i) => {
    const body = bodies[i];
    return { file, bytes: body === null || body === undefined ? 0 : gzipSync(body, { level: 9 }).length };
  });
  const bytes = sizes.reduce((sum, s) => sum + s.bytes, 0);
  for (const s of sizes.sort((a, b) => b.bytes - a.bytes).slice(0, 5)) {
    console.log(`  ${new URL(url).pathname}: ${new URL(s.file).pathname} ${(s.bytes / 1000).toFixed(1)} kB gzip`);
  }
  return { kB: Math.round((bytes / 1000) * 10) / 10, files: scripts.size };
}

async function lighthouseScores(port: number, url: string): Promise<{ performance: number; accessibility: number }> {
  const result = await lighthouse(url, {
    port,
    output: "json",
    logLevel: "error",
    onlyCategories: ["performance", "accessibility"],
  });
  if (result === undefined) throw new Error(`lighthouse returned nothing for ${url}`);
  const { categories } = result.lhr;
  return {
    performance: Math.round((categories.performance?.score ?? 0) * 100),
    accessibility: Math.round((categories.accessibility?.score ?? 0) * 100),
  };
}

async function ssrP95(
  url: string,
  concurrency: number,
  total: number,
  headers: Record<string, string> = {},
): Promise<number> {
  const latencies: number[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < total) {
      next += 1;
      const started = performance.now();
      const response = await fetch(url, { headers });
      await response.text();
      if (!response.ok) throw new Error(`${url} answered ${response.status}`);
      latencies.push(performance.now() - started);
    }
  };
  for (let i = 0; i < 20; i += 1) await (await fetch(url)).text(); // warm caches and the JIT
  await Promise.all(Array.from({ length: concurrency }, worker));
  return Math.round(percentile(latencies, 95) * 10) / 10;
}

const log = (line: string): void => {
  if (process.env.BENCH_VERBOSE) console.log(`[stack] ${line}`);
};
console.log("starting npm start with a block every 2 s (production build)…");
const stack = await startStack({ blockTimeSeconds: 2, onLine: log });
const mesi = toDeployment(addressesFromBanner(stack.output()));
const debugPort = await freePort();
const browser = await chromium.launch({
  executablePath: ensureChromium(),
  args: [...CHROMIUM_FLAGS, `--remote-debugging-port=${debugPort}`],
  headless: true,
});
try {
  const profileUrl = `${stack.urls.webapp}/c/alice`;
  const tipUrl = `${stack.urls.webapp}/tip/alice?amount=5`;

  // Warm the server (first renders compile and fill caches) before any measurement.
  for (const url of [profileUrl, tipUrl]) await (await fetch(url)).text();

  const profileJs = await firstLoadJs(browser, profileUrl);
  target("profile_first_load_js_gzip", profileJs.kB, "<=", 100, "kB");
  const tipJs = await firstLoadJs(browser, tipUrl);
  target("tip_first_load_js_gzip", tipJs.kB, "<=", 100, "kB");

  for (const [name, url] of [
    ["profile", profileUrl],
    ["tip", tipUrl],
  ] as const) {
    const scores = await lighthouseScores(debugPort, url);
    target(`${name}_lighthouse_performance`, scores.performance, ">=", 90);
    target(`${name}_lighthouse_accessibility`, scores.accessibility, ">=", 95);
  }

  // Tip → shown on the open profile page, with a block every 2 s.
  const publicClient = createPublicClient({ transport: http(stack.urls.chain) });
  const fan = stack.accounts.fan2;
  const wallet = createWalletClient({
    account: privateKeyToAccount(fan.privateKey),
    transport: http(stack.urls.chain),
  });
  const alice = stack.accounts.creatorAlice.address;
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(profileUrl, { waitUntil: "load" });
  // A plain string, so the transpiler's helpers never end up inside the page.
  await page.evaluate(`(() => {
    const seen = {};
    window.__seen = seen;
    const record = () => {
      for (const row of document.querySelectorAll('[data-testid="tip-row"]')) {
        const tx = row.dataset.tx;
        if (tx !== undefined && seen[tx] === undefined) seen[tx] = Date.now();
      }
    };
    new MutationObserver(record).observe(document.body, { childList: true, subtree: true, attributes: true });
    record();
  })()`);
  const delays: number[] = [];
  for (let i = 0; i < 20; i += 1) {
    const hash: Hex = await wallet.writeContract({
      ...mesi.MesiToken,
      chain: null,
      functionName: "transferAndCall",
      args: [mesi.MesiVault.address, parseEther("1"), encodeTipData(alice, 0, zeroHash, zeroHash)],
    });
    // The moment the chain has the block with the tip: poll the head every 20 ms and look for the receipt.
    let minedAt: number | undefined;
    while (minedAt === undefined) {
      const receipt = await publicClient.getTransactionReceipt({ hash }).catch(() => null);
      if (receipt !== null) minedAt = Date.now();
      else await new Promise((r) => setTimeout(r, 20));
    }
    // Polled by evaluation (CDP), which the page's Content-Security-Policy allows, unlike waitForFunction's eval.
    let shownAt: number | undefined;
    const giveUp = Date.now() + 30_000;
    while (shownAt === undefined) {
      shownAt = (await page.evaluate(`window.__seen["${hash}"]`)) as number | undefined;
      if (shownAt === undefined) {
        if (Date.now() > giveUp) throw new Error(`tip ${hash} never showed on the profile page`);
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    delays.push(shownAt - minedAt);
  }
  await context.close();
  target("tip_block_to_profile_p95", Math.round(percentile(delays, 95)), "<=", 1000, "ms");

  // As anonymous visitors get it (they share one render per second: src/lib/server/anonymousPages.ts) …
  target("profile_ssr_p95_c50", await ssrP95(profileUrl, 50, 1000), "<=", 50, "ms");
  // … and rendered for every request, as a signed-in visitor's page is (a cookie the server doesn't accept skips
  // the shared render without signing in). Shown for what it is, not a target.
  const uncached = await ssrP95(profileUrl, 50, 1000, { cookie: "mesi_session=bench-not-a-session" });
  console.log(`INFO profile_ssr_uncached_p95_c50 measured=${uncached}ms (every request rendered)`);
} finally {
  await browser.close();
  await stack.stop();
}
const misses = results.filter((r) => (r.op === "<=" ? r.measured > r.goal : r.measured < r.goal)).length;
console.log(`${results.length - misses} targets met, ${misses} missed`);
