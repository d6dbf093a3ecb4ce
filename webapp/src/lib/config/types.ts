import type { ChainAddresses } from "@mesi/deployments";

import type { CardCheckout } from "$lib/payments/cardCheckout";

import type { StablecoinConfig } from "./stablecoin";

/** The settings a browser needs, parsed on the server and handed to every page through the root layout. */
export interface PublicConfig {
  readonly chainId: number;
  readonly chainName: string;
  readonly rpcUrl: string;
  /** The subgraph's GraphQL endpoint (The Graph's dialect). */
  readonly indexerUrl: string;
  /** Newly indexed blocks as server-sent events, when the index offers them (the embedded indexer does). */
  readonly indexerBlocksUrl: string | null;
  readonly relayerUrl: string;
  /** The gateway that serves `ipfs://` profile documents and pictures. */
  readonly ipfsGateway: string;
  readonly explorerUrl: string | null;
  /** Shows the clearly labelled test-card page that pays through the relayer's dev simulator. */
  readonly devPayments: boolean;
  /** How card payments are taken: Stripe's Payment Element, the test-card simulator, or not at all. */
  readonly cardCheckout: CardCheckout;
  /** The public origin of the webapp, for share links and Open Graph tags. */
  readonly origin: string;
  /** The KYF verifier's base URL (absent when this deployment runs none). */
  readonly kyfUrl?: string | null;
  /** Where Mesi's contracts live on this chain: @mesi/deployments' entry, or the deployment named by configuration. */
  readonly addresses: ChainAddresses;
  /** The stablecoin fans pay in: TestUSDC on a local chain, the configured USDC on a real one. */
  readonly stablecoin: StablecoinConfig;
  /** Live video: the media server's base URL (the local Livepeer-compatible server, or Livepeer's); null: no video. */
  readonly mediaUrl: string | null;
  /** Live video: the stream access gate (decisions and removal events); null: no video. */
  readonly streamGateUrl: string | null;
  /** The messenger's transport: the local hub (development, not end-to-end encrypted) or XMTP. */
  readonly messenger: {
    readonly transport: "hub" | "xmtp";
    readonly hubUrl: string | null;
    readonly xmtpEnv: "local" | "dev" | "production";
    readonly attachmentUploadUrl: string | null;
    /** STUN/TURN servers for calls (none on loopback). */
    readonly iceServers: readonly {
      readonly urls: string | string[];
      readonly username?: string;
      readonly credential?: string;
    }[];
  };
}
