// How far the index trails the chain, for the stale-data notice (the server's profile pages do the same).

/** Blocks the index trails `head` by when more than `tolerance`, else null (also when the head is unknown). */
export function staleBlocks(indexBlock: number, head: bigint | null, tolerance: number): number | null {
  if (head === null) return null;
  const behind = Number(head) - indexBlock;
  return behind > tolerance ? behind : null;
}

/** The chain's head block by a bare JSON-RPC call (no client library on the page), or null when unreachable. */
export async function fetchChainHead(rpcUrl: string, fetcher: typeof fetch = fetch): Promise<bigint | null> {
  try {
    const response = await fetcher(rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_blockNumber", params: [] }),
      signal: AbortSignal.timeout(2_000),
    });
    const body = (await response.json()) as { result?: string };
    return typeof body.result === "string" ? BigInt(body.result) : null;
  } catch {
    return null;
  }
}
