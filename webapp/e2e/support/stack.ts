// The whole local platform for browser tests, started exactly as a person starts it: `scripts/start.ts`
// on free ports, with its state and addresses file in a temporary folder. The test reads the URLs from
// the banner it prints.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { localAccounts } from "../../../scripts/lib/local-accounts.ts";

const root = join(import.meta.dirname, "..", "..", "..");

export interface Stack {
  readonly urls: {
    readonly chain: string;
    readonly relayer: string;
    readonly indexer: string;
    readonly webapp: string;
  };
  readonly chainId: number;
  readonly accounts: ReturnType<typeof localAccounts>;
  readonly output: () => string;
  stop(): Promise<void>;
}

export interface StackOptions {
  /** Mine a block every N seconds (as an L2 does) instead of on every transaction. */
  readonly blockTimeSeconds?: number;
  /** Give up when npm start prints nothing for this long (default 5 minutes)... */
  readonly idleTimeoutMs?: number;
  /** ...or has not come up after this long in all (default 20 minutes: a build on a busy 2-core machine is slow). */
  readonly timeoutMs?: number;
  readonly onLine?: (line: string) => void;
}

function urlOf(banner: string, service: string): string {
  const match = new RegExp(`^\\s+${service}\\s+(http://127\\.0\\.0\\.1:\\d+\\S*)`, "m").exec(banner);
  if (!match) throw new Error(`npm start printed no URL for ${service}`);
  return match[1]!;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const dir = mkdtempSync(join(tmpdir(), "mesi-e2e-"));
  const args = [
    "--import",
    "tsx",
    "scripts/start.ts",
    "--data-dir",
    join(dir, "data"),
    "--addresses-file",
    join(dir, "addresses.ts"),
  ];
  if (options.blockTimeSeconds !== undefined) args.push("--block-time", String(options.blockTimeSeconds));
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
    // A small content-store quota per wallet (production: 2 MiB), so the studio suite reaches it with a few pictures.
    env: { ...process.env, MESI_CONTENT_QUOTA_BYTES: process.env.MESI_CONTENT_QUOTA_BYTES ?? String(128 * 1024) },
  });
  let output = "";
  let lastOutputAt = Date.now();
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    lastOutputAt = Date.now();
    for (const line of chunk.toString().split("\n")) if (line.trim()) options.onLine?.(line);
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGINT");
    const timer = setTimeout(() => {
      // `npm start` did not stop in time: kill its group, and the chain's, which anvil runs in a group of its own
      // (start.ts logs its pid) and would otherwise outlive the stack.
      const chainPid = /\(chain id \d+, pid (\d+)\)/.exec(output)?.[1];
      for (const group of [child.pid!, ...(chainPid === undefined ? [] : [Number(chainPid)])]) {
        try {
          process.kill(-group, "SIGKILL");
        } catch {
          // already gone
        }
      }
    }, 15_000);
    await exited;
    clearTimeout(timer);
  };
  // Progress, not a fixed time, decides: the start (which may build the webapp) keeps printing while it works.
  const deadline = Date.now() + (options.timeoutMs ?? 1_200_000);
  const idleMs = options.idleTimeoutMs ?? 300_000;
  while (!output.includes("Mesi is running")) {
    if (child.exitCode !== null) throw new Error(`npm start exited (${child.exitCode}):\n${output.slice(-4000)}`);
    const idle = Date.now() - lastOutputAt > idleMs;
    if (idle || Date.now() > deadline) {
      await stop();
      const why = idle ? `printed nothing for ${idleMs / 1000} s` : "did not come up in time";
      throw new Error(`npm start ${why}:\n${output.slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await new Promise((r) => setTimeout(r, 100));
  const chainId = Number(/chain id (\d+)/.exec(output)?.[1] ?? "31337");
  return {
    urls: {
      chain: urlOf(output, "chain"),
      relayer: urlOf(output, "relayer"),
      indexer: urlOf(output, "indexer"),
      webapp: urlOf(output, "webapp"),
    },
    chainId,
    accounts: localAccounts(),
    output: () => output,
    stop,
  };
}
