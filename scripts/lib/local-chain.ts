// Starts a local EVM chain (anvil from node_modules/.bin) bound to 127.0.0.1
// on a free port, with chain id 31337 and the default test mnemonic funded.
// Stopping it ends the process it started and nothing else.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

import { freePort } from "./free-port.ts";
import { DEFAULT_MNEMONIC } from "./local-accounts.ts";

export const LOCAL_CHAIN_ID = 31337;

/**
 * The anvil binary from its platform package (@foundry-rs/anvil-<os>-<arch>), falling back to the
 * node_modules/.bin wrapper. The wrapper is a Node script that exits before anvil does, so the chain
 * always runs in its own process group and is stopped and awaited as a group.
 */
function anvilBinary(): string {
  const arch = process.arch === "x64" ? "amd64" : process.arch;
  try {
    const path = createRequire(import.meta.url).resolve(`@foundry-rs/anvil-${process.platform}-${arch}/bin/anvil`);
    if (existsSync(path)) return path;
  } catch {
    // not installed for this platform under that name
  }
  return join(import.meta.dirname, "..", "..", "node_modules", ".bin", "anvil");
}
const ANVIL_BIN = anvilBinary();

export interface LocalChainOptions {
  /** Port to bind; default: a free one (retried if another process takes it first). */
  readonly port?: number;
  readonly chainId?: number;
  readonly mnemonic?: string;
  /** Accounts funded from the mnemonic. */
  readonly accounts?: number;
  /** How long to wait for the node to answer. */
  readonly startTimeoutMs?: number;
  /** Extra anvil flags, e.g. ["--gas-limit", "60000000"], ["--state", path], ["--no-mining"]. */
  readonly args?: readonly string[];
}

export interface LocalChain {
  readonly url: string;
  readonly port: number;
  readonly chainId: number;
  readonly pid: number;
  /** The node's output so far (for error messages). */
  output(): string;
  /** Stops the node's process group (SIGTERM, then SIGKILL after 5 s); resolves once all of it exited. Idempotent. */
  stop(): Promise<void>;
}

export class LocalChainStartError extends Error {
  override readonly name = "LocalChainStartError";
}

async function rpcAnswers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      signal: AbortSignal.timeout(1_000),
    });
    return response.ok;
  } catch {
    return false;
  }
}

function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

/** Signals every process in the group led by `pid` (the group this module created); false once it is empty. */
function signalGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

async function waitForGroupExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (signalGroup(pid, 0)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return true;
}

async function startOnce(port: number, options: LocalChainOptions): Promise<LocalChain> {
  const chainId = options.chainId ?? LOCAL_CHAIN_ID;
  const args = [
    "--host",
    "127.0.0.1",
    "--port",
    String(port),
    "--chain-id",
    String(chainId),
    "--mnemonic",
    options.mnemonic ?? DEFAULT_MNEMONIC,
    "--accounts",
    String(options.accounts ?? 20),
    ...(options.args ?? []),
  ];
  // Own process group: Ctrl-C in a terminal reaches `npm start`, which stops the chain in order.
  const child = spawn(ANVIL_BIN, args, { stdio: ["ignore", "pipe", "pipe"], detached: true });
  let output = "";
  const append = (chunk: Buffer): void => {
    output = (output + chunk.toString("utf8")).slice(-20_000);
  };
  child.stdout?.on("data", append);
  child.stderr?.on("data", append);
  const url = `http://127.0.0.1:${port}`;
  const pid = child.pid;
  const stop = async (): Promise<void> => {
    if (pid === undefined) return;
    if (signalGroup(pid, "SIGTERM") && !(await waitForGroupExit(pid, 5_000))) {
      signalGroup(pid, "SIGKILL");
      await waitForGroupExit(pid, 5_000);
    }
    await waitForExit(child);
  };

  const spawnError = new Promise<Error>((resolve) => child.once("error", resolve));
  const deadline = Date.now() + (options.startTimeoutMs ?? 15_000);
  while (Date.now() < deadline) {
    const failed = await Promise.race([spawnError, new Promise<undefined>((r) => setTimeout(() => r(undefined), 50))]);
    if (failed !== undefined) throw new LocalChainStartError(`could not run ${ANVIL_BIN}: ${failed.message}`);
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new LocalChainStartError(
        `anvil exited (${child.exitCode ?? child.signalCode}) on port ${port}:\n${output}`,
      );
    }
    // Our own process must say it is listening: a node already on this port would answer too.
    if (output.includes(`Listening on 127.0.0.1:${port}`) && (await rpcAnswers(url))) {
      return { url, port, chainId, pid: pid ?? -1, output: () => output, stop };
    }
  }
  await stop();
  throw new LocalChainStartError(`anvil did not answer on ${url} within the timeout:\n${output}`);
}

/** Starts anvil on 127.0.0.1; retries on another free port if the chosen one was taken meanwhile. */
export async function startLocalChain(options: LocalChainOptions = {}): Promise<LocalChain> {
  const attempts = options.port === undefined ? 3 : 1;
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const port = options.port ?? (await freePort());
    try {
      return await startOnce(port, options);
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}
