// The webapp server's configuration: the variables of src/env.ts (validated by SvelteKit at start) gathered
// into one typed, frozen object. Nothing else reads the environment.
import { addresses as knownAddresses, contractNames, type ChainAddresses } from "@mesi/deployments";
import { isAddress } from "viem";

import {
  MESI_ADDRESSES_JSON,
  MESI_CONTENT_QUOTA_BYTES,
  MESI_CONTENT_STORE,
  MESI_IPFS_API_URL,
  MESI_PINNING_API_TOKEN,
  MESI_PINNING_API_URL,
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
  PUBLIC_ATTACHMENT_UPLOAD_URL,
  PUBLIC_ICE_SERVERS,
  PUBLIC_MESSAGE_HUB_URL,
  PUBLIC_MESSENGER_TRANSPORT,
  PUBLIC_XMTP_ENV,
  PUBLIC_KYF_URL,
  PUBLIC_MEDIA_URL,
  PUBLIC_ORIGIN,
  PUBLIC_RELAYER_URL,
  PUBLIC_RPC_URL,
  PUBLIC_STABLECOIN_ADDRESS,
  PUBLIC_STREAM_GATE_URL,
  PUBLIC_STRIPE_PUBLISHABLE_KEY,
} from "$app/env/public";

import { ConfigError } from "$lib/config/errors";
import { parseStablecoinConfig } from "$lib/config/stablecoin";
import type { PublicConfig } from "$lib/config/types";
import { cardCheckoutOf } from "$lib/payments/cardCheckout";

export { ConfigError };

export interface ServerConfig {
  readonly public: PublicConfig;
  readonly sessionSecret: string;
  readonly dataDir: string;
  readonly staleAfterBlocks: number;
  readonly contentStore: ContentStoreConfig;
  /** What one wallet may store in the content store in all, in bytes. */
  readonly contentQuotaBytes: number;
}

/** Where profile documents and pictures go: the embedded SQLite store, or an IPFS node plus a pinning service. */
export type ContentStoreConfig =
  | { readonly kind: "local" }
  | {
      readonly kind: "pinning";
      readonly ipfsApiUrl: string;
      readonly pinningApiUrl: string;
      readonly pinningApiToken: string;
    };

function contentStoreConfig(): ContentStoreConfig {
  if (MESI_CONTENT_STORE === "local") return { kind: "local" };
  if (MESI_IPFS_API_URL === undefined || MESI_PINNING_API_URL === undefined || MESI_PINNING_API_TOKEN === undefined) {
    throw new ConfigError(
      "MESI_CONTENT_STORE=pinning needs MESI_IPFS_API_URL, MESI_PINNING_API_URL and MESI_PINNING_API_TOKEN",
    );
  }
  return {
    kind: "pinning",
    ipfsApiUrl: MESI_IPFS_API_URL,
    pinningApiUrl: MESI_PINNING_API_URL,
    pinningApiToken: MESI_PINNING_API_TOKEN,
  };
}

let cached: ServerConfig | undefined;

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
  if (cached !== undefined) return cached;
  const addresses = chainAddresses(PUBLIC_CHAIN_ID);
  cached = Object.freeze({
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
      cardCheckout: Object.freeze(
        cardCheckoutOf({ publishableKey: PUBLIC_STRIPE_PUBLISHABLE_KEY, devPayments: PUBLIC_DEV_PAYMENTS === "true" }),
      ),
      origin: (PUBLIC_ORIGIN ?? "").replace(/\/$/, ""),
      kyfUrl: PUBLIC_KYF_URL?.replace(/\/$/, "") ?? null,
      addresses,
      stablecoin: Object.freeze(
        parseStablecoinConfig({
          chainId: PUBLIC_CHAIN_ID,
          addresses,
          configuredAddress: PUBLIC_STABLECOIN_ADDRESS,
        }),
      ),
      mediaUrl: PUBLIC_MEDIA_URL?.replace(/\/$/, "") ?? null,
      streamGateUrl: PUBLIC_STREAM_GATE_URL?.replace(/\/$/, "") ?? null,
      messenger: Object.freeze({
        transport: PUBLIC_MESSENGER_TRANSPORT,
        hubUrl: PUBLIC_MESSAGE_HUB_URL ?? null,
        xmtpEnv: PUBLIC_XMTP_ENV,
        attachmentUploadUrl: PUBLIC_ATTACHMENT_UPLOAD_URL ?? null,
        iceServers: PUBLIC_ICE_SERVERS,
      }),
    }),
    sessionSecret: MESI_SESSION_SECRET,
    dataDir: MESI_WEBAPP_DATA_DIR,
    staleAfterBlocks: MESI_STALE_AFTER_BLOCKS,
    contentStore: Object.freeze(contentStoreConfig()),
    contentQuotaBytes: MESI_CONTENT_QUOTA_BYTES,
  });
  return cached;
}
