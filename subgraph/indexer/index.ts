// The embedded indexer as one service: follows the chain, runs the built
// subgraph mappings, stores entities in SQLite and serves The Graph's query
// dialect plus the auditor API on 127.0.0.1.
//
//   const indexer = await startIndexer({ client, deployment, databasePath });
//   indexer.url   // http://127.0.0.1:<port>/subgraphs/name/mesi
//   await indexer.stop();
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";

import type { Abi, Address, PublicClient } from "viem";

import { abis } from "@mesi/deployments";

import { ensureSubgraphBuilt } from "./build.ts";
import { IndexingHaltedError } from "./chain/follower.ts";
import type { SyncProgress } from "./chain/follower.ts";
import { QueryPool, type QueryExecutor } from "./graphql/query-pool.ts";
import { buildQuerySchema } from "./graphql/schema.ts";
import { InProcessQueries, QueryService } from "./graphql/service.ts";
import { DEFAULT_SCHEMA_PATH, IndexerCore, type DeploymentTargets } from "./indexer.ts";
import { BLOCKS_PATH_SUFFIX, HeadEvents } from "./headEvents.ts";
import { createIndexServer, GRAPHQL_PATH, listen } from "./server.ts";

export { IndexerCore, type DeploymentTargets } from "./indexer.ts";
export { QueryService } from "./graphql/service.ts";
export { GRAPHQL_PATH } from "./server.ts";
export { DEFAULT_INDEX_DB } from "../audit/cli-defaults.ts";

/** A pino-compatible logger (only these methods are used). */
export interface IndexerLogger {
  info(object: object, message?: string): void;
  warn(object: object, message?: string): void;
  error(object: object, message?: string): void;
}

export interface StartIndexerDeps {
  /** viem public client of the chain to follow. */
  readonly client: PublicClient;
  /** Addresses and deployment blocks: a `Deployment` from @mesi/deployments or deployMesi's contracts. */
  readonly deployment: DeploymentTargets & { readonly MesiToken: { readonly address: `0x${string}` } };
  /** SQLite file of the index (created if missing; ":memory:" for a throwaway index). */
  readonly databasePath: string;
  /** Port on 127.0.0.1 (0 = any free port). Default 0. */
  readonly port?: number;
  /** Network name reported to mappings (dataSource.network()). Default "mesi-local". */
  readonly network?: string;
  /** Blocks to stay behind the head. Default 0 (local chain). */
  readonly confirmations?: number;
  /** Browser origins allowed to query (the webapp's); default: any loopback origin for GraphQL, none for /audit. */
  readonly corsOrigins?: readonly string[];
  /** Longest a GraphQL query may run, in ms (it runs on a worker thread). Default 10,000. */
  readonly queryTimeoutMs?: number;
  /** How often to look for new blocks, in ms. Default 100. */
  readonly pollIntervalMs?: number;
  /** Build the subgraph first when build/ is missing or stale. Default true. */
  readonly build?: boolean;
  readonly buildDir?: string;
  readonly logger?: IndexerLogger;
  /** Aborting stops the indexer like `stop()`. */
  readonly signal?: AbortSignal;
}

export interface RunningIndexer {
  /** The GraphQL endpoint (The Graph's query dialect). */
  readonly url: string;
  /** Base URL of the server (audit API under /audit/). */
  readonly baseUrl: string;
  /** Server-sent events: the number of each newly indexed block (for pages that show live data). */
  readonly blocksUrl: string;
  /** Resolves when the index has caught up with the chain once. */
  readonly ready: Promise<void>;
  readonly core: IndexerCore;
  /** Indexed head and chain head, events processed, last error. */
  status(): IndexerStatus;
  stop(): Promise<void>;
}

export interface IndexerStatus {
  readonly indexedBlock: string | null;
  readonly chainHead: string;
  readonly eventsProcessed: number;
  readonly halted: string | null;
}

const silentLogger: IndexerLogger = { info: () => {}, warn: () => {}, error: () => {} };

export async function startIndexer(deps: StartIndexerDeps): Promise<RunningIndexer> {
  const logger = deps.logger ?? silentLogger;
  if (deps.databasePath !== ":memory:") mkdirSync(dirname(deps.databasePath), { recursive: true });
  if (deps.build !== false) {
    const chainId = await deps.client.getChainId();
    if (await ensureSubgraphBuilt({ chainId, buildDir: deps.buildDir })) logger.info({ chainId }, "built the subgraph");
  }
  let lastProgressLog = 0;
  const core = new IndexerCore({
    client: deps.client as never,
    deployment: deps.deployment,
    databasePath: deps.databasePath,
    network: deps.network,
    buildDir: deps.buildDir,
    confirmations: deps.confirmations,
    log: (level, message) => logger.info({ level }, `mapping: ${message}`),
    onReorg: (info) =>
      logger.warn(
        {
          from: info.from.toString(),
          ancestor: info.to.number.toString(),
          restored: info.restored,
          removed: info.removed,
        },
        "reorg: rolled back to the common ancestor",
      ),
    onProgress: (progress: SyncProgress) => {
      const now = Date.now();
      if (now - lastProgressLog > 5000) {
        lastProgressLog = now;
        logger.info(
          { indexed: progress.indexed.toString(), head: progress.head.toString(), events: progress.events },
          "indexing",
        );
      }
    },
  });
  // Queries run on a worker thread with a read-only connection, never on the loop that follows the chain
  // (an in-memory index cannot be opened twice: its queries stay here).
  const queries: QueryExecutor =
    deps.databasePath === ":memory:"
      ? new InProcessQueries(new QueryService(core.store))
      : new QueryPool({
          databasePath: deps.databasePath,
          schemaPath: DEFAULT_SCHEMA_PATH,
          timeoutMs: deps.queryTimeoutMs,
        });
  if (queries instanceof QueryPool) await queries.warm();
  const vaultAddress = deps.deployment.MesiVault.address;
  let halted: string | null = null;
  const status = (): IndexerStatus => ({
    indexedBlock: core.store.cursor()?.number.toString() ?? null,
    chainHead: core.follower.chainHead.toString(),
    eventsProcessed: core.follower.eventsProcessed,
    halted,
  });
  const headEvents = new HeadEvents();
  const server = await createIndexServer({
    headEvents,
    queries,
    schema: buildQuerySchema(core.schema).schema,
    corsOrigins: deps.corsOrigins,
    db: core.store.db,
    status: () => ({ ...status(), blockListeners: headEvents.subscribers }),
    verifier: {
      reader: deps.client as never,
      targets: {
        vault: { address: vaultAddress as Address, abi: abis.MesiVault as Abi },
        token: { address: deps.deployment.MesiToken.address, abi: abis.MesiToken as Abi },
      },
    },
  });
  const baseUrl = await listen(server, deps.port ?? 0);

  const controller = new AbortController();
  deps.signal?.addEventListener("abort", () => controller.abort(), { once: true });
  let resolveReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (resolveReady = resolve));
  const pollInterval = deps.pollIntervalMs ?? 100;

  const loop = (async () => {
    let backoff = pollInterval;
    while (!controller.signal.aborted) {
      try {
        await core.follower.syncOnce(controller.signal);
        const indexed = core.store.cursor()?.number;
        if (indexed !== undefined) headEvents.publish(indexed);
        resolveReady();
        backoff = pollInterval;
      } catch (error) {
        if (error instanceof IndexingHaltedError) {
          halted = error.message;
          logger.error({ block: error.blockNumber.toString() }, `indexing halted: ${error.message}`);
          resolveReady();
          return;
        }
        // RPC hiccups and the like: retry with backoff.
        logger.warn({ error: (error as Error).message }, "indexer sync failed; retrying");
        backoff = Math.min(backoff * 2, 5000);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, backoff);
        controller.signal.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
      });
    }
  })();

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    controller.abort();
    await loop;
    headEvents.close();
    await server.close();
    await queries.close();
    core.close();
  };
  deps.signal?.addEventListener("abort", () => void stop(), { once: true });

  logger.info({ url: `${baseUrl}${GRAPHQL_PATH}`, database: deps.databasePath }, "indexer listening");
  return {
    url: `${baseUrl}${GRAPHQL_PATH}`,
    baseUrl,
    blocksUrl: `${baseUrl}${GRAPHQL_PATH}${BLOCKS_PATH_SUFFIX}`,
    ready,
    core,
    status,
    stop,
  };
}
