// Kill -9 in the middle of a sync and restart: every event applied exactly once.
// The indexer runs in a child process over a SQLite file; it is killed with
// SIGKILL while it is writing, restarted, and the result must equal an index
// built in one go — and the per-creator counters must add up to the events.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { IndexerCore } from "../indexer/indexer.ts";
import { decodeBigInt } from "../indexer/store/values.ts";
import { generateHistory, type GeneratedHistory } from "../bench/generate.ts";
import { dumpIndex } from "./helpers/index-dump.ts";
import { deployLocalMesi, startAnvil, type DeployedMesi, type LocalChain } from "./helpers/local-chain.ts";

let chain: LocalChain;
let mesi: DeployedMesi;
let history: GeneratedHistory;
let dir: string;
let targetsFile: string;
let head: bigint;

const NODE = process.execPath;
const SCRIPT = join(import.meta.dirname, "helpers", "indexer-process.ts");

beforeAll(async () => {
  chain = await startAnvil({ extraArgs: ["--gas-limit", "30000000"] });
  mesi = await deployLocalMesi(chain);
  history = await generateHistory(chain, mesi, { events: 6000, batchSize: 100, creators: 5, fans: 50 });
  head = await chain.publicClient.getBlockNumber({ cacheTime: 0 });
  dir = mkdtempSync(join(tmpdir(), "mesi-restart-"));
  targetsFile = join(dir, "targets.json");
  writeFileSync(
    targetsFile,
    JSON.stringify(mesi.targets, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value)),
  );
});

afterAll(async () => {
  await chain?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function cursorOf(db: string): bigint {
  try {
    const conn = new Database(db, { readonly: true, fileMustExist: true });
    try {
      const row = conn.prepare(`SELECT value FROM _meta WHERE key = 'head_number'`).get() as
        { value: string } | undefined;
      return row ? BigInt(row.value) : -1n;
    } finally {
      conn.close();
    }
  } catch {
    return -1n;
  }
}

function runIndexer(db: string, range: number) {
  const child = spawn(NODE, ["--import", "tsx", SCRIPT, chain.url, targetsFile, db, head.toString(), String(range)], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  return { child, exited, stderr: () => stderr };
}

describe("kill -9 and restart", () => {
  it("loses no event and applies none twice", async () => {
    const db = join(dir, "killed.sqlite");
    const start = mesi.targets.MesiVault.blockNumber;
    const kills: bigint[] = [];
    // Kill it twice while it is mid-way, then let a third run finish.
    for (let round = 0; round < 2; round++) {
      const run = runIndexer(db, 3);
      const from = cursorOf(db);
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        const at = cursorOf(db);
        if (at > from && at > start && at < head) break;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      run.child.kill("SIGKILL");
      const { signal } = await run.exited;
      expect(signal, run.stderr()).toBe("SIGKILL");
      kills.push(cursorOf(db));
    }
    expect(kills[0]).toBeGreaterThan(start);
    expect(kills[1]!).toBeLessThan(head);
    const last = runIndexer(db, 3);
    const { code } = await last.exited;
    expect(code, last.stderr()).toBe(0);
    expect(cursorOf(db)).toBe(head);

    // Exactly one Tip per credited payment, and the counters agree.
    const conn = new Database(db, { readonly: true });
    const tips = (conn.prepare(`SELECT count(*) AS n FROM "Tip"`).get() as { n: number }).n;
    expect(tips).toBe(history.events);
    const counted = (conn.prepare(`SELECT "tipCount" FROM "Creator"`).all() as { tipCount: Buffer }[]).reduce(
      (sum, row) => sum + decodeBigInt(row.tipCount),
      0n,
    );
    expect(counted).toBe(BigInt(history.events));
    conn.close();

    // And the whole index equals one built without interruption.
    const clean = new IndexerCore({
      client: chain.publicClient as never,
      deployment: mesi.targets,
      databasePath: join(dir, "clean.sqlite"),
    });
    await clean.follower.syncOnce();
    expect(dumpIndex(db, clean.schema)).toEqual(dumpIndex(clean.store.db, clean.schema));
    clean.close();
  });
});
