// The index most test files read: a fresh anvil with Mesi deployed, the shared
// scenario (scenario.ts) run on it, optionally more history, and the embedded
// indexer caught up over it in a temporary SQLite file (or in memory).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { startIndexer, type RunningIndexer } from "../../indexer/index.ts";
import { deployLocalMesi, startAnvil, type DeployedMesi, type LocalChain } from "./local-chain.ts";
import { runScenario, type ScenarioResult } from "./scenario.ts";

export interface ScenarioIndex {
  readonly chain: LocalChain;
  readonly mesi: DeployedMesi;
  readonly scenario: ScenarioResult;
  readonly indexer: RunningIndexer;
  /** A temporary directory for the test's files, removed by `stop`; the index is `dbPath` inside it. */
  readonly dir: string;
  /** The index's SQLite file, or `:memory:`. */
  readonly dbPath: string;
  /** Stops the indexer and the chain and removes `dir`. */
  stop(): Promise<void>;
}

export async function startScenarioIndex(
  options: {
    /** The temporary directory's name prefix. */
    readonly prefix?: string;
    /** Keeps the index in memory instead of a file. */
    readonly inMemory?: boolean;
    /** More history after the scenario, before the indexer starts. */
    readonly history?: (chain: LocalChain, mesi: DeployedMesi) => Promise<unknown>;
  } = {},
): Promise<ScenarioIndex> {
  const dir = mkdtempSync(join(tmpdir(), options.prefix ?? "mesi-index-"));
  const dbPath = options.inMemory ? ":memory:" : join(dir, "index.sqlite");
  const chain = await startAnvil();
  let indexer: RunningIndexer | undefined;
  const stop = async () => {
    await indexer?.stop();
    await chain.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const mesi = await deployLocalMesi(chain);
    const scenario = await runScenario(chain, mesi);
    await options.history?.(chain, mesi);
    indexer = await startIndexer({
      client: chain.publicClient as never,
      deployment: mesi.targets as never,
      databasePath: dbPath,
      build: false,
    });
    await indexer.ready;
    return { chain, mesi, scenario, indexer, dir, dbPath, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
