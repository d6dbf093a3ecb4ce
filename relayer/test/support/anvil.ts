// A real local chain for tests: node_modules/.bin/anvil on a free 127.0.0.1 port.
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";

import { freePort } from "../../../scripts/lib/free-port.ts";

export const repoRoot = join(import.meta.dirname, "..", "..", "..");
const anvilBin = join(repoRoot, "node_modules", ".bin", "anvil");

export interface AnvilNode {
  readonly url: string;
  readonly port: number;
  readonly chainId: number;
  readonly process: ChildProcess;
  /** SIGTERM and wait (anvil writes --dump-state on a clean exit). */
  stop(): Promise<void>;
}

export interface AnvilOptions {
  readonly port?: number;
  /** Extra flags, e.g. ["--block-time", "1"], ["--no-mining"], ["--state", path]. */
  readonly args?: readonly string[];
  readonly chainId?: number;
}

export async function rpc<T = unknown>(url: string, method: string, params: unknown[] = []): Promise<T> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await response.json()) as { result?: T; error?: { message: string } };
  if (body.error !== undefined) throw new Error(`${method}: ${body.error.message}`);
  return body.result as T;
}

export async function startAnvil(options: AnvilOptions = {}): Promise<AnvilNode> {
  const chainId = options.chainId ?? 31337;
  for (let attempt = 0; ; attempt++) {
    const port = options.port ?? (await freePort());
    const child = spawn(
      anvilBin,
      [
        "--host",
        "127.0.0.1",
        "--port",
        String(port),
        "--chain-id",
        String(chainId),
        "--gas-limit",
        "60000000",
        ...(options.args ?? []),
      ],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const url = `http://127.0.0.1:${port}`;
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    const deadline = Date.now() + 20_000;
    let ready = false;
    while (Date.now() < deadline && child.exitCode === null) {
      try {
        await rpc(url, "eth_chainId");
        ready = true;
        break;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    if (!ready) {
      child.kill("SIGKILL");
      if (attempt < 2 && options.port === undefined) continue;
      throw new Error(`anvil did not start on ${url}: ${stderr}`);
    }
    return {
      url,
      port,
      chainId,
      process: child,
      async stop() {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        await exited;
        clearTimeout(timer);
      },
    };
  }
}
