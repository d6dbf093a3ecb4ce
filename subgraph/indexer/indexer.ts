// Wires the embedded indexer: schema model → SQLite store, built WASM
// mappings → host, data sources (from indexer/manifest.ts) bound to a
// deployment's addresses and start blocks → chain follower.
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

import { ChainFollower, type ChainClient, type RoutedSource, type SyncProgress } from "./chain/follower.ts";
import { DATA_SOURCES, eventAbi, type DataSourceContract } from "./manifest.ts";
import { loadSchemaModel, type SchemaModel } from "./store/model.ts";
import { EntityStore, type Cursor } from "./store/store.ts";
import { hexToBytes } from "./store/values.ts";
import { MappingRuntime } from "./wasm/mapping.ts";

export const SUBGRAPH_DIR = join(import.meta.dirname, "..");
export const DEFAULT_BUILD_DIR = join(SUBGRAPH_DIR, "build");
export const DEFAULT_SCHEMA_PATH = join(SUBGRAPH_DIR, "schema.graphql");

/** Where each data source's contract lives. */
export type DeploymentTargets = Readonly<
  Record<DataSourceContract, { readonly address: `0x${string}`; readonly blockNumber: bigint }>
>;

export interface IndexerCoreOptions {
  readonly client: ChainClient;
  readonly deployment: DeploymentTargets;
  /** SQLite file (":memory:" for throwaway indexes). */
  readonly databasePath: string;
  readonly network?: string;
  readonly buildDir?: string;
  readonly schemaPath?: string;
  readonly confirmations?: number;
  readonly maxBlockRange?: number;
  readonly reorgRetention?: number;
  /** How deep a reorg may go (default 250 blocks, as graph-node). */
  readonly reorgThreshold?: number;
  readonly onProgress?: (progress: SyncProgress) => void;
  readonly onReorg?: (info: { from: bigint; to: Cursor; restored: number; removed: number }) => void;
  readonly log?: (level: string, message: string) => void;
}

/** A content id for this deployment of the subgraph (graph-node shows an IPFS hash here). */
function deploymentId(buildDir: string, schema: SchemaModel, deployment: DeploymentTargets): string {
  const hash = createHash("sha256").update(schema.source);
  for (const source of DATA_SOURCES) {
    const wasm = join(buildDir, source.contract, `${source.contract}.wasm`);
    if (existsSync(wasm)) hash.update(readFileSync(wasm));
    const target = deployment[source.contract];
    hash.update(`${source.contract}:${target.address.toLowerCase()}:${target.blockNumber}`);
  }
  return `mesi-${hash.digest("hex").slice(0, 40)}`;
}

export class IndexerCore {
  readonly store: EntityStore;
  readonly runtime: MappingRuntime;
  readonly follower: ChainFollower;
  readonly schema: SchemaModel;
  readonly deploymentId: string;
  readonly network: string;

  constructor(options: IndexerCoreOptions) {
    const buildDir = options.buildDir ?? DEFAULT_BUILD_DIR;
    this.schema = loadSchemaModel(options.schemaPath ?? DEFAULT_SCHEMA_PATH);
    this.network = options.network ?? "mesi-local";
    this.deploymentId = deploymentId(buildDir, this.schema, options.deployment);
    this.store = new EntityStore(options.databasePath, this.schema, {
      reorgRetention: options.reorgRetention,
      reorgThreshold: options.reorgThreshold,
    });
    const storedDeployment = this.store.getMeta("deployment");
    if (storedDeployment !== undefined && storedDeployment !== this.deploymentId) {
      // Other contracts or other mappings: the old index says nothing about this deployment.
      this.store.close();
      throw new Error(
        `index database ${options.databasePath} belongs to deployment ${storedDeployment}, not ${this.deploymentId}: ` +
          "use another file or delete it to reindex",
      );
    }
    this.store.setMeta("deployment", this.deploymentId);
    this.store.setMeta("indexing_error", "");

    this.runtime = new MappingRuntime({
      buildDir,
      store: this.store,
      dataSources: DATA_SOURCES.map((source) => ({
        name: source.contract,
        address: hexToBytes(options.deployment[source.contract].address),
        network: this.network,
        handlers: new Set(source.events.map(([, handler]) => handler)),
      })),
      log: (level, message) => options.log?.(level, message),
    });

    const sources: RoutedSource[] = DATA_SOURCES.map((source) => ({
      name: source.contract,
      address: options.deployment[source.contract].address,
      startBlock: options.deployment[source.contract].blockNumber,
      events: source.events.map(([event, handler]) => ({ abi: eventAbi(source.contract, event), handler })),
    }));
    this.follower = new ChainFollower({
      client: options.client,
      store: this.store,
      runtime: this.runtime,
      sources,
      confirmations: options.confirmations ?? 0,
      maxBlockRange: options.maxBlockRange,
      onProgress: options.onProgress,
      onReorg: options.onReorg,
    });
  }

  close(): void {
    this.store.close();
  }
}
