import { createPublicClient, http, type PublicClient } from "viem";

import { serverConfig } from "./config";

let client: PublicClient | undefined;
let cached: { value: bigint; at: number } | undefined;

/** The chain's latest block number (cached for a second), or null when the node can't be reached. */
export async function chainHead(): Promise<bigint | null> {
  if (cached && Date.now() - cached.at < 1_000) return cached.value;
  client ??= createPublicClient({ transport: http(serverConfig().public.rpcUrl, { timeout: 1_500, retryCount: 0 }) });
  try {
    cached = { value: await client.getBlockNumber({ cacheTime: 0 }), at: Date.now() };
    return cached.value;
  } catch {
    return null;
  }
}
