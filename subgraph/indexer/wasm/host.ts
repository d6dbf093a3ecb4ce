// The graph-ts host functions, implemented the way graph-node implements them
// (runtime/wasm/src/host_exports.rs), over an AscHeap and the entity store.
// Imports are matched by name (`store.get`, `bigInt.plus`, `abort`…) whatever
// module AssemblyScript files them under; a module that imports a function
// this host lacks is refused at load time with the list of what is missing.
import bs58 from "bs58";
import { keccak256 } from "viem";

import * as decimal from "./bigdecimal.ts";
import { AscHeap, bigIntToSignedLe } from "./heap.ts";
import type { EntityStore } from "../store/store.ts";
import type { EntityData, StoreValue } from "../store/values.ts";
import { BigIntValue, bytesToHex } from "../store/values.ts";

/** A handler stopped the indexer deterministically (abort, log.critical, store rule, trap). */
export class MappingError extends Error {
  override readonly name = "MappingError";
}

export class MissingHostFunctionsError extends Error {
  override readonly name = "MissingHostFunctionsError";
  constructor(
    readonly file: string,
    readonly missing: readonly string[],
  ) {
    super(
      `${file} imports host functions this indexer does not provide: ${missing.join(", ")}. ` +
        "Implement them in subgraph/indexer/wasm/host.ts or avoid them in the mapping.",
    );
  }
}

/** What host functions need to know about the trigger being handled. */
export interface HostContext {
  heap: AscHeap;
  readonly store: EntityStore;
  readonly dataSource: { readonly address: Uint8Array; readonly network: string; readonly name: string };
  readonly log: (level: "critical" | "error" | "warning" | "info" | "debug", message: string) => void;
}

// graph-ts ValueKind (common/value.ts)
const StoreKind = {
  STRING: 0,
  INT: 1,
  BIGDECIMAL: 2,
  BOOL: 3,
  ARRAY: 4,
  NULL: 5,
  BYTES: 6,
  BIGINT: 7,
  INT8: 8,
  TIMESTAMP: 9,
} as const;

// graph-ts JSONValueKind (common/value.ts)
const JsonKind = { NULL: 0, BOOL: 1, NUMBER: 2, STRING: 3, ARRAY: 4, OBJECT: 5 } as const;

const LOG_LEVELS = ["critical", "error", "warning", "info", "debug"] as const;

// ─────────────────────────────── store values ↔ AssemblyScript ───────────────────────────────

function readDecimal(heap: AscHeap, ptr: number): decimal.Decimal {
  return { digits: heap.readBigInt(heap.u32(ptr)), exp: heap.readBigInt(heap.u32(ptr + 4)) };
}

function writeDecimal(heap: AscHeap, value: decimal.Decimal): number {
  const normalized = decimal.normalize(value);
  const digits = heap.writeBigInt(normalized.digits);
  const exp = heap.writeBigInt(normalized.exp);
  return heap.writeStruct([digits, exp], "BigDecimal");
}

export function readStoreValue(heap: AscHeap, ptr: number): StoreValue {
  const kind = heap.enumKind(ptr);
  const payload = heap.enumLow(ptr);
  switch (kind) {
    case StoreKind.STRING:
      return { kind: "String", value: heap.readString(payload) };
    case StoreKind.INT:
      return { kind: "Int", value: payload | 0 };
    case StoreKind.BIGDECIMAL:
      return { kind: "BigDecimal", value: decimal.toString(readDecimal(heap, payload)) };
    case StoreKind.BOOL:
      return { kind: "Bool", value: payload !== 0 };
    case StoreKind.ARRAY:
      return { kind: "Array", value: heap.readPointerArray(payload).map((p) => readStoreValue(heap, p)) };
    case StoreKind.NULL:
      return { kind: "Null" };
    case StoreKind.BYTES:
      return { kind: "Bytes", value: heap.readUint8Array(payload) };
    case StoreKind.BIGINT:
      return new BigIntValue(undefined, heap.readUint8Array(payload));
    case StoreKind.INT8:
      return { kind: "Int8", value: BigInt.asIntN(64, heap.enumU64(ptr)) };
    case StoreKind.TIMESTAMP:
      return { kind: "Timestamp", value: BigInt.asIntN(64, heap.enumU64(ptr)) };
    default:
      throw new MappingError(`unknown store value kind ${kind}`);
  }
}

export function writeStoreValue(heap: AscHeap, value: StoreValue): number {
  switch (value.kind) {
    case "String":
      return heap.writeEnum(StoreKind.STRING, heap.writeString(value.value), "StoreValue");
    case "Int":
      return heap.writeEnum(StoreKind.INT, BigInt(value.value), "StoreValue");
    case "BigDecimal":
      return heap.writeEnum(StoreKind.BIGDECIMAL, writeDecimal(heap, decimal.fromString(value.value)), "StoreValue");
    case "Bool":
      return heap.writeEnum(StoreKind.BOOL, value.value ? 1 : 0, "StoreValue");
    case "Array": {
      const items = value.value.map((item) => writeStoreValue(heap, item));
      return heap.writeEnum(StoreKind.ARRAY, heap.writePointerArray(items, "ArrayStoreValue"), "StoreValue");
    }
    case "Null":
      return heap.writeEnum(StoreKind.NULL, 0, "StoreValue");
    case "Bytes":
      return heap.writeEnum(StoreKind.BYTES, heap.writeUint8Array(value.value), "StoreValue");
    case "BigInt":
      return heap.writeEnum(
        StoreKind.BIGINT,
        heap.writeUint8Array(value instanceof BigIntValue ? value.le : bigIntToSignedLe(value.value)),
        "StoreValue",
      );
    case "Int8":
      return heap.writeEnum(StoreKind.INT8, value.value, "StoreValue");
    case "Timestamp":
      return heap.writeEnum(StoreKind.TIMESTAMP, value.value, "StoreValue");
  }
}

/** Whether the StoreValue at `ptr` equals `value`, compared in the heap without reading it out. */
function sameStoreValue(heap: AscHeap, ptr: number, value: StoreValue): boolean {
  const kind = heap.enumKind(ptr);
  switch (kind) {
    case StoreKind.BIGINT:
      return value instanceof BigIntValue && heap.uint8ArrayEquals(heap.enumLow(ptr), value.le);
    case StoreKind.BYTES:
      return value.kind === "Bytes" && heap.uint8ArrayEquals(heap.enumLow(ptr), value.value);
    case StoreKind.STRING:
      return value.kind === "String" && heap.stringEquals(heap.enumLow(ptr), value.value);
    case StoreKind.INT:
      return value.kind === "Int" && value.value === (heap.enumLow(ptr) | 0);
    case StoreKind.BOOL:
      return value.kind === "Bool" && value.value === (heap.enumLow(ptr) !== 0);
    case StoreKind.NULL:
      return value.kind === "Null";
    default:
      return false;
  }
}

/**
 * TypedMap<string, Value> → entity data. A mapping saves every field of an entity, most of them
 * unchanged: a value equal to `previous`'s (the stored version) is compared in the heap and that same
 * object is kept — nothing copied out of WASM, and the store knows it needs no validation again.
 */
export function readEntity(heap: AscHeap, ptr: number, previous?: EntityData | null): EntityData {
  const data: EntityData = new Map();
  for (const entry of heap.readPointerArray(heap.u32(ptr))) {
    const key = heap.readString(heap.u32(entry));
    const valuePtr = heap.u32(entry + 4);
    const old = previous?.get(key);
    data.set(key, old !== undefined && sameStoreValue(heap, valuePtr, old) ? old : readStoreValue(heap, valuePtr));
  }
  return data;
}

/** Entity data → TypedMap<string, Value> (the generated entity classes extend it). */
export function writeEntity(heap: AscHeap, data: EntityData): number {
  const entries: number[] = [];
  for (const [key, value] of data) {
    const keyPtr = heap.writeString(key);
    const valuePtr = writeStoreValue(heap, value);
    entries.push(heap.writeStruct([keyPtr, valuePtr], "TypedMapEntryStringStoreValue"));
  }
  const array = heap.writePointerArray(entries, "ArrayTypedMapEntryStringStoreValue");
  return heap.writeStruct([array], "TypedMapStringStoreValue");
}

// ─────────────────────────────── JSON ───────────────────────────────

function writeJson(heap: AscHeap, value: unknown, raw?: string): number {
  const jsonEnum = (kind: number, data: number): number => heap.writeEnum(kind, data, "JsonValue");
  if (value === null) return jsonEnum(JsonKind.NULL, 0);
  if (typeof value === "boolean") return jsonEnum(JsonKind.BOOL, value ? 1 : 0);
  if (typeof value === "number") return jsonEnum(JsonKind.NUMBER, heap.writeString(raw ?? String(value)));
  if (typeof value === "string") return jsonEnum(JsonKind.STRING, heap.writeString(value));
  if (Array.isArray(value)) {
    const items = value.map((item) => writeJson(heap, item));
    return jsonEnum(JsonKind.ARRAY, heap.writePointerArray(items, "ArrayJsonValue"));
  }
  const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) =>
    heap.writeStruct([heap.writeString(k), writeJson(heap, v)], "TypedMapEntryStringJsonValue"),
  );
  const array = heap.writePointerArray(entries, "ArrayTypedMapEntryStringJsonValue");
  return jsonEnum(JsonKind.OBJECT, heap.writeStruct([array], "TypedMapStringJsonValue"));
}

// ─────────────────────────────── the host functions ───────────────────────────────

type HostFunction = (...args: number[]) => number | bigint | void;

function unsupported(name: string, why: string): HostFunction {
  return () => {
    throw new MappingError(`host function ${name} is not available in the embedded indexer: ${why}`);
  };
}

/** Every host function this indexer provides, by import name. */
export function hostFunctions(ctx: HostContext): Record<string, HostFunction> {
  const h = (): AscHeap => ctx.heap;
  const bigIntOp =
    (op: (a: bigint, b: bigint) => bigint) =>
    (x: number, y: number): number =>
      h().writeBigInt(op(h().readBigInt(x), h().readBigInt(y)));
  const decimalOp =
    (op: (a: decimal.Decimal, b: decimal.Decimal) => decimal.Decimal) =>
    (x: number, y: number): number =>
      writeDecimal(h(), op(readDecimal(h(), x), readDecimal(h(), y)));

  return {
    abort: (message: number, file: number, line: number, column: number) => {
      const text = message ? h().readString(message) : "(no message)";
      const where = file ? ` in ${h().readString(file)}(${line}:${column})` : "";
      throw new MappingError(`Mapping aborted${where}, with message: ${text}`);
    },

    "store.get": (entity: number, id: number) => {
      const data = ctx.store.peek(h().readString(entity), h().readString(id));
      return data === null ? 0 : writeEntity(h(), data);
    },
    "store.get_in_block": (entity: number, id: number) => {
      const data = ctx.store.getInBlock(h().readString(entity), h().readString(id));
      return data === null ? 0 : writeEntity(h(), data);
    },
    "store.set": (entity: number, id: number, data: number) => {
      const name = h().readString(entity);
      const key = h().readString(id);
      // Mutable entities are saved again and again with most fields as they were (see readEntity).
      const previous = ctx.store.entity(name).immutable ? null : ctx.store.peek(name, key);
      ctx.store.set(name, key, readEntity(h(), data, previous));
    },
    "store.remove": (entity: number, id: number) => {
      ctx.store.remove(h().readString(entity), h().readString(id));
    },
    "store.loadRelated": (entity: number, id: number, field: number) => {
      const related = ctx.store.loadRelated(h().readString(entity), h().readString(id), h().readString(field));
      const pointers = related.map((r) => writeEntity(h(), r.data));
      return h().writePointerArray(pointers, "ArrayTypedMapEntryStringStoreValue");
    },

    "bigInt.plus": bigIntOp((a, b) => a + b),
    "bigInt.minus": bigIntOp((a, b) => a - b),
    "bigInt.times": bigIntOp((a, b) => a * b),
    "bigInt.dividedBy": bigIntOp((a, b) => {
      if (b === 0n) throw new MappingError("attempted to divide BigInt by zero");
      return a / b;
    }),
    "bigInt.mod": bigIntOp((a, b) => {
      if (b === 0n) throw new MappingError("attempted to compute BigInt modulo zero");
      return a % b;
    }),
    "bigInt.bitOr": bigIntOp((a, b) => a | b),
    "bigInt.bitAnd": bigIntOp((a, b) => a & b),
    "bigInt.pow": (x: number, exp: number) => h().writeBigInt(h().readBigInt(x) ** BigInt(exp & 0xff)),
    "bigInt.leftShift": (x: number, bits: number) => h().writeBigInt(h().readBigInt(x) << BigInt(bits & 0xff)),
    "bigInt.rightShift": (x: number, bits: number) => h().writeBigInt(h().readBigInt(x) >> BigInt(bits & 0xff)),
    "bigInt.fromString": (s: number) => {
      const text = h().readString(s);
      if (!/^[+-]?\d+$/.test(text)) throw new MappingError(`failed to parse \`${text}\` as a BigInt`);
      return h().writeBigInt(BigInt(text));
    },
    "bigInt.dividedByDecimal": (x: number, y: number) =>
      writeDecimal(h(), decimal.dividedBy({ digits: h().readBigInt(x), exp: 0n }, readDecimal(h(), y))),

    "bigDecimal.plus": decimalOp(decimal.plus),
    "bigDecimal.minus": decimalOp(decimal.minus),
    "bigDecimal.times": decimalOp(decimal.times),
    "bigDecimal.dividedBy": decimalOp((a, b) => {
      if (b.digits === 0n) throw new MappingError("attempted to divide BigDecimal by zero");
      return decimal.dividedBy(a, b);
    }),
    "bigDecimal.equals": (x: number, y: number) => (decimal.equals(readDecimal(h(), x), readDecimal(h(), y)) ? 1 : 0),
    "bigDecimal.toString": (x: number) => h().writeString(decimal.toString(readDecimal(h(), x))),
    "bigDecimal.fromString": (s: number) => {
      const text = h().readString(s);
      try {
        return writeDecimal(h(), decimal.fromString(text));
      } catch {
        throw new MappingError(`failed to parse \`${text}\` as a BigDecimal`);
      }
    },

    "typeConversion.bytesToString": (bytes: number) =>
      h().writeString(new TextDecoder().decode(h().readUint8Array(bytes)).replaceAll("\u0000", "")),
    "typeConversion.bytesToHex": (bytes: number) => h().writeString(bytesToHex(h().readUint8Array(bytes))),
    "typeConversion.bigIntToString": (bigInt: number) => h().writeString(h().readBigInt(bigInt).toString()),
    "typeConversion.bigIntToHex": (bigInt: number) => {
      const value = h().readBigInt(bigInt);
      return h().writeString(value < 0n ? `-0x${(-value).toString(16)}` : `0x${value.toString(16)}`);
    },
    "typeConversion.stringToH160": (s: number) => {
      const text = h().readString(s);
      const body = text.startsWith("0x") ? text.slice(2) : text;
      if (!/^[0-9a-fA-F]{40}$/.test(body))
        throw new MappingError(`failed to convert string to Address/H160: '${text}'`);
      return h().writeUint8Array(Buffer.from(body, "hex"));
    },
    "typeConversion.bytesToBase58": (bytes: number) => h().writeString(bs58.encode(h().readUint8Array(bytes))),

    "crypto.keccak256": (bytes: number) => h().writeUint8Array(keccak256(h().readUint8Array(bytes), "bytes")),

    "log.log": (level: number, message: number) => {
      const name = LOG_LEVELS[level] ?? "info";
      const text = h().readString(message);
      ctx.log(name, text);
      if (name === "critical") throw new MappingError(`Critical error logged in mapping: ${text}`);
    },

    "dataSource.address": () => h().writeUint8Array(ctx.dataSource.address),
    "dataSource.network": () => h().writeString(ctx.dataSource.network),
    "dataSource.context": () => writeEntity(h(), new Map()),
    "dataSource.create": unsupported("dataSource.create", "the manifest declares no data source templates"),
    "dataSource.createWithContext": unsupported(
      "dataSource.createWithContext",
      "the manifest declares no data source templates",
    ),

    "ens.nameByHash": () => 0,

    "json.toI64": (s: number) => BigInt.asIntN(64, BigInt(h().readString(s))),
    "json.toU64": (s: number) => BigInt.asUintN(64, BigInt(h().readString(s))),
    "json.toF64": (s: number) => Number(h().readString(s)) as unknown as number,
    "json.toBigInt": (s: number) => h().writeBigInt(BigInt(h().readString(s))),
    "json.fromBytes": (bytes: number) => {
      const text = new TextDecoder().decode(h().readUint8Array(bytes));
      try {
        return writeJson(h(), JSON.parse(text));
      } catch (error) {
        throw new MappingError(`failed to parse JSON: ${(error as Error).message}`);
      }
    },
    "json.try_fromBytes": (bytes: number) => {
      const text = new TextDecoder().decode(h().readUint8Array(bytes));
      let parsed: unknown;
      let ok = true;
      try {
        parsed = JSON.parse(text);
      } catch {
        ok = false;
      }
      if (ok) {
        const wrapped = h().writeStruct([writeJson(h(), parsed)], "WrappedJsonValue");
        return h().writeStruct([wrapped, 0], "ResultJsonValueBool");
      }
      const flag = h().alloc(4, "WrappedBool");
      h().setU32(flag, 1);
      return h().writeStruct([0, flag], "ResultJsonValueBool");
    },

    "ethereum.call": unsupported("ethereum.call", "Mesi's events carry everything; handlers never call contracts"),
    "ethereum.getBalance": unsupported("ethereum.getBalance", "no chain access from handlers"),
    "ethereum.hasCode": unsupported("ethereum.hasCode", "no chain access from handlers"),
    "ethereum.encode": unsupported("ethereum.encode", "not needed by Mesi's mappings"),
    "ethereum.decode": unsupported("ethereum.decode", "not needed by Mesi's mappings"),
    "ipfs.cat": unsupported("ipfs.cat", "no IPFS node locally"),
    "ipfs.map": unsupported("ipfs.map", "no IPFS node locally"),
  };
}

/** The imports object for a module, or a MissingHostFunctionsError naming every import it lacks. */
export function buildImports(
  module: WebAssembly.Module,
  file: string,
  functions: Record<string, HostFunction>,
): WebAssembly.Imports {
  const imports: Record<string, Record<string, WebAssembly.ImportValue>> = {};
  const missing: string[] = [];
  for (const entry of WebAssembly.Module.imports(module)) {
    if (entry.kind !== "function") {
      missing.push(`${entry.module}.${entry.name} (${entry.kind})`);
      continue;
    }
    const fn = functions[entry.name];
    if (!fn) {
      missing.push(entry.name);
      continue;
    }
    (imports[entry.module] ??= {})[entry.name] = fn as WebAssembly.ImportValue;
  }
  if (missing.length > 0) throw new MissingHostFunctionsError(file, missing);
  return imports;
}
