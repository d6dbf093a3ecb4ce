// A JSON-RPC proxy in front of a real node that fails the calls a test picks:
// an outage of the provider as the indexer would see it (a JSON-RPC error
// answer), while every other call reaches the node unchanged.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface RpcCall {
  readonly method: string;
  readonly params: readonly unknown[];
}

export interface RpcProxy {
  readonly url: string;
  /** Every call forwarded or failed, in order. */
  readonly calls: RpcCall[];
  /** Fails each call for which `predicate` answers true (until replaced). */
  failWhen(predicate: ((call: RpcCall) => boolean) | null): void;
  /** How many calls were failed. */
  failed(): number;
  stop(): Promise<void>;
}

export async function startRpcProxy(target: string): Promise<RpcProxy> {
  let predicate: ((call: RpcCall) => boolean) | null = null;
  let failedCount = 0;
  const calls: RpcCall[] = [];
  const answer = async (body: { id: unknown; method: string; params?: unknown[] }): Promise<unknown> => {
    const call = { method: body.method, params: body.params ?? [] };
    calls.push(call);
    if (predicate?.(call)) {
      failedCount++;
      return { jsonrpc: "2.0", id: body.id, error: { code: -32603, message: "injected outage: upstream unavailable" } };
    }
    const response = await fetch(target, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return response.json();
  };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      void (async () => {
        const payload = JSON.parse(Buffer.concat(chunks).toString("utf8")) as
          { id: unknown; method: string; params?: unknown[] } | { id: unknown; method: string; params?: unknown[] }[];
        const result = Array.isArray(payload) ? await Promise.all(payload.map(answer)) : await answer(payload);
        response.writeHead(200, { "content-type": "application/json" });
        response.end(JSON.stringify(result));
      })().catch((error: unknown) => {
        response.writeHead(502);
        response.end(String(error));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    failWhen: (next) => (predicate = next),
    failed: () => failedCount,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
