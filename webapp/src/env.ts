// Every environment variable the webapp reads, validated by SvelteKit when the app starts (zod schemas).
// Public values are read at run time, so one build serves a local chain, an L2 testnet or mainnet.
import { defineEnvVars } from "@sveltejs/kit/env";
import { z } from "zod";

const url = z.string().url();
const positiveInt = z.string().regex(/^\d+$/, "must be a whole number").transform(Number);

export const variables = defineEnvVars({
  PUBLIC_CHAIN_ID: { public: true, schema: positiveInt },
  PUBLIC_CHAIN_NAME: { public: true, schema: z.string().min(1).default("Mesi local") },
  PUBLIC_RPC_URL: { public: true, schema: url },
  /** The subgraph's GraphQL endpoint (The Graph's dialect). */
  PUBLIC_INDEXER_URL: { public: true, schema: url },
  /**
   * Server-sent events of newly indexed blocks (the embedded indexer's `<indexer>/blocks`): live lists query once
   * per block. Unset (The Graph, graph-node), they poll the index every second instead.
   */
  PUBLIC_INDEXER_BLOCKS_URL: { public: true, schema: url.optional() },
  PUBLIC_RELAYER_URL: { public: true, schema: url },
  PUBLIC_IPFS_GATEWAY: { public: true, schema: url.default("https://ipfs.io") },
  PUBLIC_EXPLORER_URL: { public: true, schema: url.optional() },
  /** Shows the clearly labelled test-card page that pays through the relayer's dev simulator. */
  PUBLIC_DEV_PAYMENTS: { public: true, schema: z.enum(["true", "false"]).default("false") },
  /**
   * Stripe's publishable key: card payments then open Stripe's Payment Element (Stripe.js from js.stripe.com) with
   * the relayer's PaymentIntent. Unset: the test-card simulator when PUBLIC_DEV_PAYMENTS=true, else no card payments.
   */
  PUBLIC_STRIPE_PUBLISHABLE_KEY: {
    public: true,
    schema: z
      .string()
      .regex(/^pk_(test|live)_[A-Za-z0-9]+$/, "must be a Stripe publishable key (pk_test_… or pk_live_…)")
      .optional(),
  },
  PUBLIC_ORIGIN: { public: true, schema: url.optional() },
  /** The media server (local Livepeer-compatible server, or Livepeer's playback base) for live video. */
  PUBLIC_MEDIA_URL: { public: true, schema: url.optional() },
  /** The stream access gate (removal events for viewers). */
  PUBLIC_STREAM_GATE_URL: { public: true, schema: url.optional() },
  /** The local message hub (the development transport; XMTP in production). */
  PUBLIC_MESSAGE_HUB_URL: { public: true, schema: url.optional() },
  /** Which messenger transport the pages use: the local hub (development, the default) or XMTP (production). */
  PUBLIC_MESSENGER_TRANSPORT: { public: true, schema: z.enum(["hub", "xmtp"]).default("hub") },
  /** XMTP's network when PUBLIC_MESSENGER_TRANSPORT=xmtp. */
  PUBLIC_XMTP_ENV: { public: true, schema: z.enum(["local", "dev", "production"]).default("production") },
  /**
   * STUN/TURN servers for messenger calls, as JSON: `[{ "urls": "turn:turn.example.com:3478", "username": "…",
   * "credential": "…" }]` (`urls` a string or a list). None are needed on loopback (`npm start`).
   */
  PUBLIC_ICE_SERVERS: {
    public: true,
    schema: z
      .string()
      .default("[]")
      .transform((text, context) => {
        try {
          return JSON.parse(text) as unknown;
        } catch {
          context.addIssue({ code: "custom", message: 'must be JSON, e.g. [{"urls":"stun:stun.example.com:3478"}]' });
          return z.NEVER;
        }
      })
      .pipe(
        z.array(
          z
            .object({
              urls: z.union([
                z.string().regex(/^(stun|stuns|turn|turns):/),
                z.array(z.string().regex(/^(stun|stuns|turn|turns):/)).min(1),
              ]),
              username: z.string().optional(),
              credential: z.string().optional(),
            })
            .strict(),
        ),
      ),
  },
  /** Where XMTP's encrypted attachments are uploaded (POST raw bytes, answers `{ url }` with an https URL). */
  PUBLIC_ATTACHMENT_UPLOAD_URL: { public: true, schema: url.optional() },
  /**
   * The USDC the pages quote and pay in (listed on the chain's StableConverter). Required on every chain but a
   * local one, where the deployment's TestUSDC is used.
   */
  PUBLIC_STABLECOIN_ADDRESS: { public: true, schema: z.string().optional() },
  /** The KYF verifier (registration data, consent-gated disclosure to creators). */
  PUBLIC_KYF_URL: { public: true, schema: url.optional() },
  /**
   * The contracts' addresses as JSON (`{ "MesiVault": { "address": "0x…", "blockNumber": 8 }, … }`) when the chain's
   * deployment is not (yet) in @mesi/deployments — a local chain started by \`npm start\` or a test.
   */
  MESI_ADDRESSES_JSON: { schema: z.string().optional() },
  /** Signs session cookies and the short-lived tokens other services accept; at least 32 characters. */
  MESI_SESSION_SECRET: { schema: z.string().min(32) },
  /** Where the webapp's server keeps report evidence (SQLite + files). */
  MESI_WEBAPP_DATA_DIR: { schema: z.string().min(1).default(".mesi/webapp") },
  /** Where profile documents and pictures are stored: `local` (SQLite under the data dir, served at /ipfs/<cid>) or `pinning`. */
  MESI_CONTENT_STORE: { schema: z.enum(["local", "pinning"]).default("local") },
  /** What one wallet may store in the content store in all (profile pictures and documents), in bytes. */
  MESI_CONTENT_QUOTA_BYTES: { schema: positiveInt.default("2097152") },
  /** `pinning` only: an IPFS node's RPC base URL that uploads go to (`/api/v0/add`). */
  MESI_IPFS_API_URL: { schema: url.optional() },
  /** `pinning` only: the IPFS Pinning Service API base URL (the part before `/pins`). */
  MESI_PINNING_API_URL: { schema: url.optional() },
  /** `pinning` only: the pinning service's bearer token. */
  MESI_PINNING_API_TOKEN: { schema: z.string().min(1).optional() },
  /** How many blocks the index may trail the chain before pages say their numbers may be stale. */
  MESI_STALE_AFTER_BLOCKS: { schema: positiveInt.default("5") },
});
