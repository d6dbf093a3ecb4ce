// A real platform for the streaming tests: anvil on a free 127.0.0.1 port, every Mesi contract deployed, the demo
// data seeded (scripts/lib/seed-demo.ts: Alice's ticketed public stream 1, fan1 holds a ticket, fan3's pending
// one-to-one request to Alice), the embedded indexer running the subgraph's mappings, and startStreaming on top.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { abis, readSessionRecord } from "@mesi/deployments";
import { startMessageHub, type RunningMessageHub } from "@mesi/messaging/hub";
import { startIndexer, type RunningIndexer } from "@mesi/subgraph";
import pino from "pino";
import {
  createPublicClient,
  createWalletClient,
  defineChain,
  http,
  type Abi,
  type Address,
  type Chain,
  type Hash,
  type PublicClient,
  type Transport,
} from "viem";

import { deployMesi, type MesiDeployment } from "../../../scripts/lib/deploy.ts";
import { localAccounts, type LocalAccount, type LocalRole } from "../../../scripts/lib/local-accounts.ts";
import { startLocalChain, type LocalChain } from "../../../scripts/lib/local-chain.ts";
import { seedDemo, type DemoData } from "../../../scripts/lib/seed-demo.ts";
import { startStreaming, type RunningStreaming, type StartStreamingParameters } from "../../src/index.ts";

export const SECRET = "streaming-test-secret-0123456789abcdef";

export interface Platform {
  readonly chain: LocalChain;
  readonly viemChain: Chain;
  readonly publicClient: PublicClient<Transport, Chain>;
  readonly deployment: MesiDeployment;
  readonly accounts: Readonly<Record<LocalRole, LocalAccount>>;
  readonly demo: DemoData;
  readonly indexer: RunningIndexer;
  readonly streaming: RunningStreaming;
  /** A real message hub (same secret) whose groups the gate reads for group → live streams. */
  readonly hub: RunningMessageHub;
  /** Sends a contract call from `role` and waits for its receipt; throws if it reverted. */
  send(role: LocalRole, contract: keyof typeof abis, functionName: string, args?: readonly unknown[]): Promise<bigint>;
  /** Accepts fan3's pending one-to-one request as Alice. */
  acceptPendingSession(): Promise<void>;
  stop(): Promise<void>;
}

export async function startPlatform(
  options: {
    readonly streaming?: boolean;
    readonly dataDir?: string;
    /** More startStreaming configuration (e.g. the HLS idle stop). */
    readonly streamingConfig?: Partial<StartStreamingParameters>;
  } = {},
): Promise<Platform> {
  const chain = await startLocalChain({ accounts: 20 });
  const stops: (() => Promise<void>)[] = [() => chain.stop()];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => {});
  };
  try {
    const viemChain = defineChain({
      id: chain.chainId,
      name: "Mesi test",
      nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
      rpcUrls: { default: { http: [chain.url] } },
    });
    const transport = http(chain.url, { retryCount: 0 });
    const publicClient = createPublicClient({ chain: viemChain, transport, pollingInterval: 50 });
    const accounts = localAccounts();
    const wallet = (role: LocalRole) =>
      createWalletClient({ account: accounts[role].account, chain: viemChain, transport });
    const deployment = await deployMesi({
      walletClient: wallet("admin"),
      publicClient,
      relayer: accounts.relayer.address,
      moderator: accounts.moderator.address,
      verifier: accounts.verifier.address,
    });
    const demo = await seedDemo({
      rpcUrl: chain.url,
      chain: viemChain,
      publicClient,
      contracts: deployment.contracts,
      accounts,
    });
    const indexer = await startIndexer({
      client: publicClient as never,
      deployment: deployment.contracts,
      databasePath: ":memory:",
      pollIntervalMs: 50,
    });
    stops.push(() => indexer.stop());
    await indexer.ready;
    const logger = pino({ level: process.env.STREAMING_TEST_LOG ?? "silent" });
    const hubDir = mkdtempSync(join(tmpdir(), "mesi-streaming-hub-"));
    stops.push(async () => rmSync(hubDir, { recursive: true, force: true }));
    const hub = await startMessageHub({ dataDir: hubDir, secret: SECRET, logger });
    stops.push(() => hub.stop());
    const streaming =
      options.streaming === false
        ? (undefined as unknown as RunningStreaming)
        : await startStreaming({
            rpcUrl: chain.url,
            indexerUrl: indexer.url,
            deployment,
            secret: SECRET,
            livepeerWebhookSecret: "livepeer-webhook-test-secret",
            pollIntervalMs: 50,
            messageHubUrl: hub.url,
            groupStaleAfterMs: 1500,
            dataDir: options.dataDir,
            logger,
            ...options.streamingConfig,
          });
    if (streaming !== undefined) stops.push(() => streaming.stop());

    const send = async (
      role: LocalRole,
      contract: keyof typeof abis,
      functionName: string,
      args: readonly unknown[] = [],
    ) => {
      const hash: Hash = await wallet(role).writeContract({
        address: deployment.contracts[contract].address,
        abi: abis[contract] as Abi,
        functionName,
        args,
      } as never);
      const receipt = await publicClient.waitForTransactionReceipt({ hash, pollingInterval: 20 });
      if (receipt.status !== "success") throw new Error(`${contract}.${functionName} reverted`);
      return receipt.blockNumber;
    };
    return {
      chain,
      viemChain,
      publicClient,
      deployment,
      accounts,
      demo,
      indexer,
      streaming,
      hub,
      send,
      acceptPendingSession: async () => {
        const record = await readSessionRecord(
          publicClient,
          deployment.contracts.OneToOneEscrow,
          demo.pendingSessionId,
        );
        await send("creatorAlice", "OneToOneEscrow", "accept", [record]);
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

export const addressOf = (platform: Platform, role: LocalRole): Address => platform.accounts[role].address;
