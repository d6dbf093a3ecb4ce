// Follows the chain over JSON-RPC with viem: fetches the data sources' logs in
// block ranges, feeds them in chain order to the built mappings, and makes each
// range durable in one store transaction together with the cursor. Reorgs are
// detected by the stored head's hash (and by the range end's hash changing
// while a range is fetched) and rolled back to the common ancestor.
import {
  BlockNotFoundError,
  decodeEventLog,
  toEventSelector,
  type AbiEvent,
  type AbiParameter,
  type Block,
  type Hash,
  type Log,
} from "viem";

import { MappingError } from "../wasm/host.ts";
import { decodeLog } from "./decode.ts";
import type { EthValue, EventInput, MappingRuntime, TransactionInput, BlockInput } from "../wasm/mapping.ts";
import type { Cursor, EntityStore } from "../store/store.ts";
import { hexToBytes } from "../store/values.ts";

/** The subset of a viem PublicClient the follower uses. */
export interface ChainClient {
  getBlockNumber(args?: { cacheTime?: number }): Promise<bigint>;
  getBlock(args: { blockNumber: bigint; includeTransactions?: boolean }): Promise<Block>;
  getLogs(args: { address: readonly `0x${string}`[]; fromBlock: bigint; toBlock: bigint }): Promise<Log[]>;
}

export interface RoutedSource {
  readonly name: string;
  readonly address: `0x${string}`;
  readonly startBlock: bigint;
  /** Event ABI item and handler export name, per event handled. */
  readonly events: readonly { readonly abi: AbiEvent; readonly handler: string }[];
}

export interface FollowerOptions {
  readonly client: ChainClient;
  readonly store: EntityStore;
  readonly runtime: MappingRuntime;
  readonly sources: readonly RoutedSource[];
  /** Blocks behind the head to stay (0 on a local chain). */
  readonly confirmations?: number;
  /** Largest block range per getLogs call (adapted down when a range holds too many logs). */
  readonly maxBlockRange?: number;
  /** Target logs per range. */
  readonly targetLogsPerRange?: number;
  readonly onProgress?: (progress: SyncProgress) => void;
  readonly onReorg?: (info: { from: bigint; to: Cursor; restored: number; removed: number }) => void;
}

export interface SyncProgress {
  readonly head: bigint;
  readonly indexed: bigint;
  readonly events: number;
}

export class IndexingHaltedError extends Error {
  override readonly name: string = "IndexingHaltedError";
  constructor(
    message: string,
    readonly blockNumber: bigint,
    /** The mapping itself failed (deterministic), as opposed to the host. */
    readonly deterministic: boolean,
  ) {
    super(message);
  }
}

/** A reorg reaches below the blocks that can still be rolled back: halt (reindex from scratch). */
export class ReorgTooDeepError extends IndexingHaltedError {
  override readonly name = "ReorgTooDeepError";
  constructor(message: string, blockNumber: bigint) {
    super(message, blockNumber, false);
  }
}

/** The node refused a getLogs range as too large (or its answer was too big): halve the range. */
class RangeTooLargeError extends Error {
  override readonly name = "RangeTooLargeError";
}

const TOO_LARGE =
  /exceeded the size limit|query returned more than|range is too large|too many|limit exceeded|response size|block range/i;

/** A range's end changed hash while it was being fetched: fetch it again. */
class RangeChangedError extends Error {
  override readonly name = "RangeChangedError";
}

interface Route {
  readonly source: RoutedSource;
  readonly abi: AbiEvent;
  readonly handler: string;
  /** The source's address as the mappings get it (`event.address`): every log routed here comes from it. */
  readonly address: Uint8Array;
}

export class ChainFollower {
  readonly #options: FollowerOptions;
  readonly #routes = new Map<string, Route>();
  readonly #addresses: `0x${string}`[];
  readonly #startBlock: bigint;
  #range: number;
  eventsProcessed = 0;
  chainHead = 0n;

  constructor(options: FollowerOptions) {
    this.#options = options;
    for (const source of options.sources) {
      for (const { abi, handler } of source.events) {
        this.#routes.set(`${source.address.toLowerCase()}:${toEventSelector(abi)}`, {
          source,
          abi,
          handler,
          address: hexToBytes(source.address),
        });
      }
    }
    this.#addresses = options.sources.map((s) => s.address);
    this.#startBlock = options.sources.reduce(
      (min, s) => (s.startBlock < min ? s.startBlock : min),
      options.sources[0]?.startBlock ?? 0n,
    );
    this.#range = options.maxBlockRange ?? 2000;
  }

  /** Indexes up to the current head (minus confirmations); returns the indexed head. */
  async syncOnce(signal?: AbortSignal): Promise<bigint> {
    const { client, store } = this.#options;
    const head = await client.getBlockNumber({ cacheTime: 0 });
    this.chainHead = head;
    const target = head - BigInt(this.#options.confirmations ?? 0);
    let cursor = store.cursor();
    if (cursor) cursor = await this.#checkReorg(cursor);
    let from = cursor ? cursor.number + 1n : this.#startBlock;
    while (from <= target && !signal?.aborted) {
      const to = minBig(from + BigInt(this.#range) - 1n, target);
      try {
        await this.#indexRange(from, to);
      } catch (error) {
        // Whatever failed (the node, a lookup, the flush), nothing unflushed may survive into the retry:
        // it would be applied a second time on top of itself.
        store.discardPending();
        if (error instanceof RangeTooLargeError) {
          this.#range = Math.max(1, Math.floor(Number(to - from + 1n) / 2));
          continue;
        }
        if (error instanceof RangeChangedError) {
          cursor = store.cursor();
          if (cursor) cursor = await this.#checkReorg(cursor);
          from = cursor ? cursor.number + 1n : this.#startBlock;
          continue;
        }
        throw error;
      }
      this.#options.onProgress?.({ head, indexed: to, events: this.eventsProcessed });
      from = to + 1n;
      // Let queries and timers run between ranges.
      await new Promise((resolve) => setImmediate(resolve));
    }
    return store.cursor()?.number ?? from - 1n;
  }

  async #checkReorg(cursor: Cursor): Promise<Cursor | null> {
    const { store } = this.#options;
    const onChain = await this.#canonicalHash(cursor.number);
    if (onChain?.hash === cursor.hash) return cursor;
    // Walk back through the blocks we recorded until one is still on the chain, no deeper than the
    // reorg threshold: below it the index keeps no journal, so a rollback there would be wrong.
    const deepest = cursor.number - store.reorgThreshold;
    let below = cursor.number;
    for (;;) {
      const recorded = store.recordedBlocks(below, 64);
      if (recorded.length === 0) this.#tooDeep(cursor, "below the retained history");
      for (const block of recorded) {
        if (block.number < deepest) this.#tooDeep(cursor, `deeper than ${store.reorgThreshold} blocks`);
        const chainBlock = await this.#canonicalHash(block.number);
        if (chainBlock?.hash === block.hash) {
          const ancestor: Cursor = { number: block.number, hash: block.hash, timestamp: chainBlock.timestamp };
          const result = store.rollbackTo(ancestor);
          this.#options.onReorg?.({
            from: cursor.number,
            to: result.cursor ?? ancestor,
            restored: result.restored,
            removed: result.removed,
          });
          return result.cursor;
        }
      }
      below = (recorded[recorded.length - 1]?.number ?? 0n) - 1n;
      if (below < 0n) this.#tooDeep(cursor, "with no common ancestor");
    }
  }

  /**
   * The chain's block at `number`, or null when the chain has no such block (it got shorter). Any
   * other failure is the provider's, not the chain's: it is thrown, never taken for a hash mismatch.
   */
  async #canonicalHash(number: bigint): Promise<{ hash: `0x${string}` | null; timestamp: bigint } | null> {
    try {
      return await this.#options.client.getBlock({ blockNumber: number });
    } catch (error) {
      if (error instanceof BlockNotFoundError) return null;
      throw error;
    }
  }

  #tooDeep(cursor: Cursor, why: string): never {
    const message =
      `reorg at block ${cursor.number} reaches ${why}: the index cannot roll back that far; ` +
      "delete the index database to reindex";
    this.#options.store.setMeta("indexing_error", message);
    throw new ReorgTooDeepError(message, cursor.number);
  }

  async #indexRange(from: bigint, to: bigint): Promise<void> {
    const { client, store, runtime } = this.#options;
    const endBefore = await client.getBlock({ blockNumber: to });
    let logs: Log[];
    try {
      logs = await client.getLogs({ address: this.#addresses, fromBlock: from, toBlock: to });
    } catch (error) {
      if (to > from && TOO_LARGE.test(errorText(error))) throw new RangeTooLargeError(errorText(error));
      throw error;
    }
    this.#adaptRange(logs.length);

    const byBlock = new Map<bigint, Log[]>();
    for (const log of logs) {
      if (log.removed || log.blockNumber === null) continue;
      let list = byBlock.get(log.blockNumber);
      if (!list) byBlock.set(log.blockNumber, (list = []));
      list.push(log);
    }
    for (const [number, blockLogs] of [...byBlock.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      const block = await client.getBlock({ blockNumber: number, includeTransactions: true });
      if (blockLogs.some((log) => log.blockHash !== block.hash)) throw new RangeChangedError();
      blockLogs.sort((a, b) => (a.logIndex ?? 0) - (b.logIndex ?? 0));
      const blockInput = toBlockInput(block);
      const transactions = new Map<string, TransactionInput>();
      for (const tx of block.transactions) {
        if (typeof tx === "string") continue;
        transactions.set(tx.hash, toTransactionInput(tx));
      }
      store.beginBlock({
        number,
        hash: block.hash as `0x${string}`,
        parentHash: block.parentHash,
        timestamp: block.timestamp,
      });
      for (const log of blockLogs) {
        const route = this.#routes.get(`${log.address.toLowerCase()}:${log.topics[0] ?? ""}`);
        if (!route || number < route.source.startBlock) continue;
        const transaction = transactions.get(log.transactionHash ?? "") ?? missingTransaction(log);
        const logIndex = BigInt(log.logIndex ?? 0);
        const event: EventInput = {
          address: route.address,
          logIndex,
          transactionLogIndex: logIndex,
          parameters: decodeLog(route.abi, log),
          block: blockInput,
          transaction,
        };
        try {
          runtime.handle(route.source.name, route.handler, event);
        } catch (error) {
          // Keep the blocks before the failing one (as graph-node would), then halt.
          store.abortBlock();
          const lastGood = store.lastPendingBlock();
          if (lastGood) {
            store.advanceCursor(lastGood);
            store.flush(this.chainHead - store.reorgThreshold);
          }
          const message =
            `${route.source.name}.${route.handler} failed at block ${number}, ` +
            `transaction ${log.transactionHash}, log ${log.logIndex}: ${(error as Error).message}`;
          store.setMeta("indexing_error", message);
          throw new IndexingHaltedError(message, number, error instanceof MappingError);
        }
        this.eventsProcessed++;
      }
      store.endBlock();
    }
    const endAfter = await client.getBlock({ blockNumber: to });
    if (endAfter.hash !== endBefore.hash) throw new RangeChangedError();
    store.advanceCursor({ number: to, hash: endAfter.hash as `0x${string}`, timestamp: endAfter.timestamp });
    store.flush(this.chainHead - store.reorgThreshold);
  }

  #adaptRange(logCount: number): void {
    const target = this.#options.targetLogsPerRange ?? 2000;
    const max = this.#options.maxBlockRange ?? 2000;
    if (logCount > target * 2 && this.#range > 1) this.#range = Math.max(1, Math.floor(this.#range / 2));
    else if (logCount < target / 4 && this.#range < max) this.#range = Math.min(max, this.#range * 2);
  }
}

function errorText(error: unknown): string {
  const e = error as { shortMessage?: string; details?: string; message?: string };
  return [e.shortMessage, e.details, e.message].filter(Boolean).join(" ");
}

function minBig(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

function missingTransaction(log: Log): never {
  throw new RangeChangedError(`transaction ${log.transactionHash} of a log is not in its block`);
}

const ZERO32 = new Uint8Array(32);
const ZERO20 = new Uint8Array(20);

function toBlockInput(block: Block): BlockInput {
  return {
    hash: hexToBytes(block.hash ?? "0x"),
    parentHash: hexToBytes(block.parentHash),
    unclesHash: block.sha3Uncles ? hexToBytes(block.sha3Uncles) : ZERO32,
    author: block.miner ? hexToBytes(block.miner) : ZERO20,
    stateRoot: hexToBytes(block.stateRoot),
    transactionsRoot: hexToBytes(block.transactionsRoot),
    receiptsRoot: hexToBytes(block.receiptsRoot),
    number: block.number ?? 0n,
    gasUsed: block.gasUsed,
    gasLimit: block.gasLimit,
    timestamp: block.timestamp,
    difficulty: block.difficulty ?? 0n,
    totalDifficulty: block.totalDifficulty ?? 0n,
    size: block.size ?? null,
    baseFeePerGas: block.baseFeePerGas ?? null,
  };
}

type FullTransaction = Exclude<Block["transactions"][number], string>;

function toTransactionInput(tx: FullTransaction): TransactionInput {
  return {
    hash: hexToBytes(tx.hash),
    index: BigInt(tx.transactionIndex ?? 0),
    from: hexToBytes(tx.from),
    to: tx.to ? hexToBytes(tx.to) : null,
    value: tx.value,
    gasLimit: tx.gas,
    gasPrice: tx.gasPrice ?? 0n,
    input: hexToBytes(tx.input),
    nonce: BigInt(tx.nonce),
  };
}

/** Decodes a log into graph-node's event parameters (name + ethereum.Value). */
export function decodeParameters(abi: AbiEvent, log: Log): { name: string; value: EthValue }[] {
  const decoded = decodeEventLog({ abi: [abi], data: log.data, topics: log.topics as [Hash, ...Hash[]], strict: true });
  const args = decoded.args as unknown as Record<string, unknown>;
  return abi.inputs.map((input, index) => {
    const name = input.name ?? `param${index}`;
    const raw = args[name] ?? (args as unknown as unknown[])[index];
    // Indexed dynamic values (strings, bytes, arrays, tuples) are only their topic hash.
    if (input.indexed && isDynamic(input))
      return { name, value: { kind: "fixedBytes", value: hexToBytes(String(raw)) } };
    return { name, value: toEthValue(input, raw) };
  });
}

function isDynamic(param: AbiParameter): boolean {
  return (
    param.type === "string" || param.type === "bytes" || param.type.endsWith("]") || param.type.startsWith("tuple")
  );
}

export function toEthValue(param: AbiParameter, raw: unknown): EthValue {
  const type = param.type;
  const arrayMatch = /^(.*)\[(\d*)\]$/.exec(type);
  if (arrayMatch) {
    const inner = { ...param, type: arrayMatch[1] as string } as AbiParameter;
    const items = (raw as unknown[]).map((item) => toEthValue(inner, item));
    return { kind: arrayMatch[2] === "" ? "array" : "fixedArray", value: items };
  }
  if (type === "tuple") {
    const components = (param as { components: readonly AbiParameter[] }).components;
    const record = raw as Record<string, unknown> & unknown[];
    return {
      kind: "tuple",
      value: components.map((component, i) =>
        toEthValue(
          component,
          component.name !== undefined && component.name in record ? record[component.name] : record[i],
        ),
      ),
    };
  }
  if (type === "address") return { kind: "address", value: hexToBytes(String(raw)) };
  if (type === "bool") return { kind: "bool", value: Boolean(raw) };
  if (type === "string") return { kind: "string", value: String(raw) };
  if (type === "bytes") return { kind: "bytes", value: hexToBytes(String(raw)) };
  if (type.startsWith("bytes")) return { kind: "fixedBytes", value: hexToBytes(String(raw)) };
  if (type.startsWith("uint")) return { kind: "uint", value: BigInt(raw as bigint | number) };
  if (type.startsWith("int")) return { kind: "int", value: BigInt(raw as bigint | number) };
  throw new Error(`unsupported ABI type ${type}`);
}
