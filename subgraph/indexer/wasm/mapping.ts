// Runs the BUILT subgraph mappings (build/<DataSource>/<DataSource>.wasm, from
// `graph build`) under Node's WebAssembly with the host in host.ts. One
// instance per data source is kept while its memory stays small: the stub
// runtime never frees, so an instance is replaced once it has grown past
// `maxInstanceMemory` (Mesi's mappings keep no state in globals, so reusing an
// instance between triggers gives the same results as graph-node's fresh one).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

import { AscHeap, type AscExports } from "./heap.ts";
import { buildImports, hostFunctions, MappingError, type HostContext } from "./host.ts";
import type { EntityStore } from "../store/store.ts";

export type EthValue =
  | { readonly kind: "address" | "fixedBytes" | "bytes"; readonly value: Uint8Array }
  | { readonly kind: "int" | "uint"; readonly value: bigint }
  | { readonly kind: "bool"; readonly value: boolean }
  | { readonly kind: "string"; readonly value: string }
  | { readonly kind: "fixedArray" | "array" | "tuple"; readonly value: readonly EthValue[] };

const EthKind = {
  address: 0,
  fixedBytes: 1,
  bytes: 2,
  int: 3,
  uint: 4,
  bool: 5,
  string: 6,
  fixedArray: 7,
  array: 8,
  tuple: 9,
} as const;

export interface BlockInput {
  readonly hash: Uint8Array;
  readonly parentHash: Uint8Array;
  readonly unclesHash: Uint8Array;
  readonly author: Uint8Array;
  readonly stateRoot: Uint8Array;
  readonly transactionsRoot: Uint8Array;
  readonly receiptsRoot: Uint8Array;
  readonly number: bigint;
  readonly gasUsed: bigint;
  readonly gasLimit: bigint;
  readonly timestamp: bigint;
  readonly difficulty: bigint;
  readonly totalDifficulty: bigint;
  readonly size: bigint | null;
  readonly baseFeePerGas: bigint | null;
}

export interface TransactionInput {
  readonly hash: Uint8Array;
  readonly index: bigint;
  readonly from: Uint8Array;
  readonly to: Uint8Array | null;
  readonly value: bigint;
  readonly gasLimit: bigint;
  readonly gasPrice: bigint;
  readonly input: Uint8Array;
  readonly nonce: bigint;
}

export interface EventInput {
  readonly address: Uint8Array;
  readonly logIndex: bigint;
  readonly transactionLogIndex: bigint;
  readonly parameters: readonly { readonly name: string; readonly value: EthValue }[];
  readonly block: BlockInput;
  readonly transaction: TransactionInput;
}

export interface DataSourceRuntimeSpec {
  readonly name: string;
  readonly address: Uint8Array;
  readonly network: string;
  readonly handlers: ReadonlySet<string>;
}

export interface MappingRuntimeOptions {
  /** `graph build` output directory (with <name>/<name>.wasm per data source). */
  readonly buildDir: string;
  readonly dataSources: readonly DataSourceRuntimeSpec[];
  readonly store: EntityStore;
  readonly log?: HostContext["log"];
  /** Replace an instance once its memory exceeds this many bytes. Default 64 MiB. */
  readonly maxInstanceMemory?: number;
}

export class MappingBuildMissingError extends Error {
  override readonly name = "MappingBuildMissingError";
}

interface Live {
  readonly instance: WebAssembly.Instance;
  readonly heap: AscHeap;
  blockKey: BlockInput | undefined;
  blockPtr: number;
  txKey: TransactionInput | undefined;
  txPtr: number;
}

class DataSourceRuntime {
  readonly #module: WebAssembly.Module;
  readonly #imports: WebAssembly.Imports;
  readonly #context: HostContext;
  readonly #maxMemory: number;
  #live: Live | undefined;
  /** Decoded static strings, shared by every instance of the module (same data segment). */
  readonly #staticStrings = new Map<number, string>();
  instances = 0;

  constructor(
    readonly spec: DataSourceRuntimeSpec,
    file: string,
    store: EntityStore,
    log: HostContext["log"],
    maxMemory: number,
  ) {
    this.#module = new WebAssembly.Module(readFileSync(file));
    const exported = new Set(WebAssembly.Module.exports(this.#module).map((entry) => entry.name));
    for (const handler of spec.handlers) {
      if (!exported.has(handler)) {
        throw new MappingBuildMissingError(`${file} does not export handler ${handler}: rebuild the subgraph`);
      }
    }
    // The heap is replaced with each new instance; host functions read it through the context.
    this.#context = {
      heap: undefined as unknown as AscHeap,
      store,
      dataSource: { address: spec.address, network: spec.network, name: spec.name },
      log,
    };
    this.#imports = buildImports(this.#module, file, hostFunctions(this.#context));
    this.#maxMemory = maxMemory;
  }

  #instance(): Live {
    if (this.#live && this.#live.heap.size <= this.#maxMemory) return this.#live;
    const instance = new WebAssembly.Instance(this.#module, this.#imports);
    const heap = new AscHeap(instance.exports as unknown as AscExports, this.#staticStrings);
    this.#context.heap = heap;
    const start = instance.exports._start as (() => void) | undefined;
    start?.();
    heap.markHeapBase();
    this.instances++;
    this.#live = { instance, heap, blockKey: undefined, blockPtr: 0, txKey: undefined, txPtr: 0 };
    return this.#live;
  }

  run(handler: string, event: EventInput): void {
    const live = this.#instance();
    this.#context.heap = live.heap;
    const heap = live.heap;
    try {
      // The follower hands the same block / transaction object to every event of it.
      const blockKey = event.block;
      if (live.blockKey !== blockKey) {
        live.blockPtr = writeBlock(heap, event.block);
        live.blockKey = blockKey;
        live.txKey = undefined;
      }
      const txKey = event.transaction;
      if (live.txKey !== txKey) {
        live.txPtr = writeTransaction(heap, event.transaction);
        live.txKey = txKey;
      }
      const params = event.parameters.map((p) =>
        heap.writeStruct([heap.writeString(p.name), writeEthValue(heap, p.value)], "EventParam"),
      );
      const eventPtr = heap.writeStruct(
        [
          heap.writeUint8Array(event.address),
          heap.writeBigInt(event.logIndex),
          heap.writeBigInt(event.transactionLogIndex),
          0, // logType: null
          live.blockPtr,
          live.txPtr,
          heap.writePointerArray(params, "ArrayEventParam"),
          0, // receipt: null (the manifest does not ask for receipts)
        ],
        "EthereumEvent",
      );
      const fn = live.instance.exports[handler] as ((ptr: number) => void) | undefined;
      if (!fn) throw new MappingError(`${this.spec.name} has no handler ${handler}`);
      fn(eventPtr);
    } catch (error) {
      this.#live = undefined; // never reuse an instance that trapped
      if (error instanceof MappingError) throw error;
      throw new MappingError(
        `${error instanceof WebAssembly.RuntimeError ? "wasm trap" : "error"}: ${(error as Error).message}`,
      );
    }
  }
}

function writeOptionalBigInt(heap: AscHeap, value: bigint | null): number {
  return value === null ? 0 : heap.writeBigInt(value);
}

function writeBlock(heap: AscHeap, block: BlockInput): number {
  return heap.writeStruct(
    [
      heap.writeUint8Array(block.hash),
      heap.writeUint8Array(block.parentHash),
      heap.writeUint8Array(block.unclesHash),
      heap.writeUint8Array(block.author),
      heap.writeUint8Array(block.stateRoot),
      heap.writeUint8Array(block.transactionsRoot),
      heap.writeUint8Array(block.receiptsRoot),
      heap.writeBigInt(block.number),
      heap.writeBigInt(block.gasUsed),
      heap.writeBigInt(block.gasLimit),
      heap.writeBigInt(block.timestamp),
      heap.writeBigInt(block.difficulty),
      heap.writeBigInt(block.totalDifficulty),
      writeOptionalBigInt(heap, block.size),
      writeOptionalBigInt(heap, block.baseFeePerGas),
    ],
    "EthereumBlock",
  );
}

function writeTransaction(heap: AscHeap, tx: TransactionInput): number {
  return heap.writeStruct(
    [
      heap.writeUint8Array(tx.hash),
      heap.writeBigInt(tx.index),
      heap.writeUint8Array(tx.from),
      tx.to === null ? 0 : heap.writeUint8Array(tx.to),
      heap.writeBigInt(tx.value),
      heap.writeBigInt(tx.gasLimit),
      heap.writeBigInt(tx.gasPrice),
      heap.writeUint8Array(tx.input),
      heap.writeBigInt(tx.nonce),
    ],
    "EthereumTransaction",
  );
}

export function writeEthValue(heap: AscHeap, value: EthValue): number {
  let payload: number;
  switch (value.kind) {
    case "address":
    case "fixedBytes":
    case "bytes":
      payload = heap.writeUint8Array(value.value);
      break;
    case "int":
    case "uint":
      payload = heap.writeBigInt(value.value);
      break;
    case "bool":
      payload = value.value ? 1 : 0;
      break;
    case "string":
      payload = heap.writeString(value.value);
      break;
    case "fixedArray":
    case "array":
    case "tuple":
      payload = heap.writePointerArray(
        value.value.map((item) => writeEthValue(heap, item)),
        "ArrayEthereumValue",
      );
      break;
  }
  return heap.writeEnum(EthKind[value.kind], payload, "EthereumValue");
}

/** The built mappings of every data source, ready to handle events. */
export class MappingRuntime {
  readonly #sources = new Map<string, DataSourceRuntime>();

  constructor(options: MappingRuntimeOptions) {
    const log = options.log ?? (() => {});
    for (const spec of options.dataSources) {
      const file = join(options.buildDir, spec.name, `${spec.name}.wasm`);
      if (!existsSync(file)) {
        throw new MappingBuildMissingError(
          `no built mapping at ${file}: run \`npm run build -w @mesi/subgraph\` (graph codegen + graph build)`,
        );
      }
      this.#sources.set(
        spec.name,
        new DataSourceRuntime(spec, file, options.store, log, options.maxInstanceMemory ?? 64 * 1024 * 1024),
      );
    }
  }

  handle(dataSource: string, handler: string, event: EventInput): void {
    const runtime = this.#sources.get(dataSource);
    if (!runtime) throw new MappingError(`unknown data source ${dataSource}`);
    runtime.run(handler, event);
  }

  get instancesCreated(): number {
    let total = 0;
    for (const runtime of this.#sources.values()) total += runtime.instances;
    return total;
  }
}
