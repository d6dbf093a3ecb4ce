// Indexed-block notifications: a page listening at <GRAPHQL_PATH>/blocks learns of each block once the index
// includes it, so it queries when there is something new instead of on a timer.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { startIndexer, type RunningIndexer } from "../indexer/index.ts";
import { deployLocalMesi, startAnvil, type LocalChain } from "./helpers/local-chain.ts";

const WEBAPP = "http://127.0.0.1:5999";
let chain: LocalChain;
let indexer: RunningIndexer;
let dir: string;

beforeAll(async () => {
  chain = await startAnvil();
  const mesi = await deployLocalMesi(chain);
  indexer = await startIndexer({
    client: chain.publicClient as never,
    deployment: mesi.targets as never,
    databasePath: join((dir = mkdtempSync(join(tmpdir(), "mesi-head-"))), "index.sqlite"),
    corsOrigins: [WEBAPP],
    pollIntervalMs: 50,
    build: false,
  });
  await indexer.ready;
});

afterAll(async () => {
  await indexer?.stop();
  await chain?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Opens the stream and returns a reader of its `block` events' numbers. */
async function listen(headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const response = await fetch(indexer.blocksUrl, { headers, signal: controller.signal });
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  const next = async (timeoutMs = 3_000): Promise<bigint> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = /event: block\ndata: \{"number":"(\d+)"\}\n\n/.exec(buffer);
      if (match) {
        buffer = buffer.slice(match.index + match[0].length);
        return BigInt(match[1]!);
      }
      if (Date.now() > deadline)
        throw new Error(`no block event within ${timeoutMs} ms; got ${JSON.stringify(buffer)}`);
      const { value, done } = await Promise.race([
        reader.read(),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error("stream timed out")), timeoutMs)),
      ]);
      if (done) throw new Error("the stream ended");
      buffer += value;
    }
  };
  return { response, next, close: () => controller.abort() };
}

describe("indexed-block stream", () => {
  it("tells a new listener the indexed head at once, then each new block once it is indexed", async () => {
    const stream = await listen();
    try {
      expect(stream.response.headers.get("content-type")).toMatch(/^text\/event-stream/);
      const head = await chain.publicClient.getBlockNumber({ cacheTime: 0 });
      expect(await stream.next()).toBe(head);
      await chain.testClient.mine({ blocks: 1 });
      expect(await stream.next()).toBe(head + 1n);
      // The index answers for that block by the time it is announced.
      const body = await (
        await fetch(indexer.url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ query: "{ _meta { block { number } } }" }),
        })
      ).json();
      expect(BigInt(body.data._meta.block.number)).toBeGreaterThanOrEqual(head + 1n);
    } finally {
      stream.close();
    }
  });

  it("lets the configured webapp origin read the stream, and no other", async () => {
    const allowed = await listen({ origin: WEBAPP });
    expect(allowed.response.headers.get("access-control-allow-origin")).toBe(WEBAPP);
    allowed.close();
    const other = await listen({ origin: "http://127.0.0.1:1" });
    expect(other.response.headers.get("access-control-allow-origin")).toBeNull();
    other.close();
  });

  it("forgets listeners that went away", async () => {
    const stream = await listen();
    await stream.next();
    stream.close();
    const deadline = Date.now() + 3_000;
    let count = Number.POSITIVE_INFINITY;
    while (Date.now() < deadline) {
      const health = await (await fetch(`${indexer.baseUrl}/health`)).json();
      count = health.blockListeners;
      if (count === 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(count).toBe(0);
  });
});
