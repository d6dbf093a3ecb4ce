// Starts a local EVM chain (anvil from node_modules/.bin) bound to 127.0.0.1
// on a free port, with chain id 31337 and the default test mnemonic funded.
// Stopping it ends the process it started and nothing else.
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";

import { freePort } from "./free-port.ts";
import { DEFAULT_MNEMONIC } from "./local-accounts.ts";

export const LOCAL_CHAIN_ID = 31337;
const ANVIL_BIN = join(import.meta.dirname, "..", "..", "node_modules", ".bin", "anvil");

export interface LocalChainOptions {
  /** Port to bind; default: a free one (retried if another process takes it first). */
  readonly port?: number;
  readonly chainId?: number;
  readonly mnemonic?: string;
  /** Accounts funded from the mnemonic. */
  readonly accounts?: number;
  /** How long to wait for the node to answer. */
  readonly startTimeoutMs?: number;
}

export interface LocalChain {
  readonly url: string;
  readonly port: number;
  readonly chainId: number;
  readonly pid: number;
  /** The node's output so far (for error messages). */
  output(): string;
  /** Stops the node (SIGTERM, then SIGKILL after 5 s); resolves once it has exited. Idempotent. */
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
  ];
  const child = spawn(ANVIL_BIN, args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const append = (chunk: Buffer): void => {
    output = (output + chunk.toString("utf8")).slice(-20_000);
  };
  child.stdout?.on("data", append);
  child.stderr?.on("data", append);
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await waitForExit(child);
      clearTimeout(timer);
    }
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
    if (await rpcAnswers(url)) {
      return { url, port, chainId, pid: child.pid ?? -1, output: () => output, stop };
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
