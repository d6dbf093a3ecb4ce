// A real local chain for tests: the project's shared anvil launcher (scripts/lib/local-chain.ts) on a
// free 127.0.0.1 port, with a block gas limit large enough for 50-credit batches.
import { join } from "node:path";

import { startLocalChain } from "../../../scripts/lib/local-chain.ts";

export const repoRoot = join(import.meta.dirname, "..", "..", "..");

export interface AnvilNode {
  readonly url: string;
  readonly port: number;
  readonly chainId: number;
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
  const chain = await startLocalChain({
    port: options.port,
    chainId: options.chainId,
    startTimeoutMs: 20_000,
    args: ["--gas-limit", "60000000", ...(options.args ?? [])],
  });
  return { url: chain.url, port: chain.port, chainId: chain.chainId, stop: () => chain.stop() };
}
