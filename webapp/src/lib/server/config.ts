// The webapp server's configuration: the variables of src/env.ts (validated by SvelteKit at start) gathered
// into one typed, frozen object. Nothing else reads the environment.
import { addresses as knownAddresses, contractNames, type ChainAddresses } from "@mesi/deployments";
import { isAddress } from "viem";

import {
  MESI_ADDRESSES_JSON,
  MESI_SESSION_SECRET,
  MESI_STALE_AFTER_BLOCKS,
  MESI_WEBAPP_DATA_DIR,
} from "$app/env/private";
import {
  PUBLIC_CHAIN_ID,
  PUBLIC_CHAIN_NAME,
  PUBLIC_DEV_PAYMENTS,
  PUBLIC_EXPLORER_URL,
  PUBLIC_INDEXER_BLOCKS_URL,
  PUBLIC_INDEXER_URL,
  PUBLIC_IPFS_GATEWAY,
  PUBLIC_KYF_URL,
  PUBLIC_ORIGIN,
  PUBLIC_RELAYER_URL,
  PUBLIC_RPC_URL,
} from "$app/env/public";

import type { PublicConfig } from "$lib/config/types";

export interface ServerConfig {
  readonly public: PublicConfig;
  readonly sessionSecret: string;
  readonly dataDir: string;
  readonly staleAfterBlocks: number;
}

let cached: ServerConfig | undefined;

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

/** The chain's deployment: from MESI_ADDRESSES_JSON when set, else from @mesi/deployments. */
function chainAddresses(chainId: number): ChainAddresses {
  const raw: unknown = MESI_ADDRESSES_JSON ? JSON.parse(MESI_ADDRESSES_JSON) : knownAddresses[String(chainId)];
  if (raw === undefined) {
    throw new ConfigError(
      `no Mesi deployment for chain ${chainId}: add it to @mesi/deployments or set MESI_ADDRESSES_JSON`,
    );
  }
  for (const name of contractNames) {
    const entry = (raw as Record<string, { address?: string }>)[name];
    if (entry?.address === undefined || !isAddress(entry.address)) {
      throw new ConfigError(`the deployment for chain ${chainId} has no valid address for ${name}`);
    }
  }
  return raw as ChainAddresses;
}

export function serverConfig(): ServerConfig {
  cached ??= Object.freeze({
    public: Object.freeze({
      chainId: PUBLIC_CHAIN_ID,
      chainName: PUBLIC_CHAIN_NAME,
      rpcUrl: PUBLIC_RPC_URL,
      indexerUrl: PUBLIC_INDEXER_URL,
      indexerBlocksUrl: PUBLIC_INDEXER_BLOCKS_URL ?? null,
      relayerUrl: PUBLIC_RELAYER_URL,
      ipfsGateway: PUBLIC_IPFS_GATEWAY.replace(/\/$/, ""),
      explorerUrl: PUBLIC_EXPLORER_URL ?? null,
      devPayments: PUBLIC_DEV_PAYMENTS === "true",
      origin: (PUBLIC_ORIGIN ?? "").replace(/\/$/, ""),
      kyfUrl: PUBLIC_KYF_URL?.replace(/\/$/, "") ?? null,
      addresses: chainAddresses(PUBLIC_CHAIN_ID),
    }),
    sessionSecret: MESI_SESSION_SECRET,
    dataDir: MESI_WEBAPP_DATA_DIR,
    staleAfterBlocks: MESI_STALE_AFTER_BLOCKS,
  });
  return cached;
}
