// The bare pipeline the indexing benchmarks compare with: the same follower fetching and decoding the
// same logs, with no handlers and a store that keeps only the cursor.
import type { RoutedSource } from "../indexer/chain/follower.ts";
import type { DeploymentTargets } from "../indexer/indexer.ts";
import { DATA_SOURCES, eventAbi } from "../indexer/manifest.ts";
import type { Cursor } from "../indexer/store/store.ts";

/** A store that keeps only the cursor: what the bare pipeline writes to. */
export class NullStore {
  readonly reorgThreshold = 250n;
  #cursor: Cursor | null = null;
  #pending: Cursor | undefined;
  cursor(): Cursor | null {
    return this.#cursor;
  }
  beginBlock(): void {}
  endBlock(): void {}
  abortBlock(): void {}
  advanceCursor(cursor: Cursor): void {
    this.#pending = cursor;
  }
  flush(): void {
    if (this.#pending) this.#cursor = this.#pending;
    this.#pending = undefined;
  }
  discardPending(): void {
    this.#pending = undefined;
  }
  lastPendingBlock(): undefined {
    return undefined;
  }
  recordedBlocks(): [] {
    return [];
  }
  setMeta(): void {}
}

export function routedSources(deployment: DeploymentTargets): RoutedSource[] {
  return DATA_SOURCES.map((source) => ({
    name: source.contract,
    address: deployment[source.contract].address,
    startBlock: deployment[source.contract].blockNumber,
    events: source.events.map(([event, handler]) => ({ abi: eventAbi(source.contract, event), handler })),
  }));
}
