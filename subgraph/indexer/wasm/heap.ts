// AssemblyScript (0.19, stub runtime) memory layout, read and written by hand
// as graph-node's runtime does (runtime/wasm/src/asc_abi): every managed
// object has a 20-byte header before its payload whose last two words are the
// runtime type id (rtId, at ptr-8) and the payload size (rtSize, at ptr-4).
// Objects are allocated through the module's exported `__new(size, rtId)`;
// rtIds of graph-ts classes come from the exported `id_of_type(TypeId)`.
//
// Layouts used here (wasm32, fields 4-byte pointers, u64 aligned to 8):
//   String            UTF-16LE code units, length = rtSize / 2
//   ArrayBuffer       raw bytes, length = rtSize
//   Uint8Array etc.   { buffer: ArrayBuffer, dataStart: usize, byteLength: i32 }            12 bytes
//   Array<T>          { buffer, dataStart, byteLength, length: i32 }                          16 bytes
//   enum-like Value   { kind: i32, _pad: i32, data: u64 }                                      16 bytes
//   TypedMapEntry     { key, value }; TypedMap { entries: Array<TypedMapEntry> }
//   BigDecimal        { digits: BigInt, exp: BigInt }
//   BigInt / Bytes    Uint8Array (BigInt: little-endian two's complement)

/** graph-ts `TypeId` discriminants (global/global.ts) used by the host. */
export const TypeId = {
  String: 0,
  ArrayBuffer: 1,
  Uint8Array: 6,
  BigDecimal: 12,
  ArrayUint8Array: 14,
  ArrayEthereumValue: 15,
  ArrayStoreValue: 16,
  ArrayString: 18,
  ArrayEventParam: 19,
  ArrayTypedMapEntryStringStoreValue: 21,
  EventParam: 23,
  EthereumTransaction: 24,
  EthereumBlock: 25,
  EthereumValue: 30,
  StoreValue: 31,
  EthereumEvent: 33,
  TypedMapEntryStringStoreValue: 34,
  TypedMapStringStoreValue: 36,
  WrappedBool: 28,
  ArrayJsonValue: 17,
  ArrayTypedMapEntryStringJsonValue: 20,
  WrappedJsonValue: 29,
  JsonValue: 32,
  TypedMapEntryStringJsonValue: 35,
  TypedMapStringJsonValue: 37,
  ResultJsonValueBool: 40,
} as const;

export type TypeIdName = keyof typeof TypeId;

export interface AscExports {
  readonly memory: WebAssembly.Memory;
  readonly __new: (size: number, id: number) => number;
  readonly id_of_type: (typeId: number) => number;
  readonly _start?: () => void;
}

const utf16 = new TextDecoder("utf-16le");

export class AscHeap {
  readonly #exports: AscExports;
  #buffer: ArrayBuffer;
  #view: DataView;
  #bytes: Uint8Array;
  readonly #rtIds = new Map<number, number>();

  constructor(exports: AscExports) {
    this.#exports = exports;
    this.#buffer = exports.memory.buffer;
    this.#view = new DataView(this.#buffer);
    this.#bytes = new Uint8Array(this.#buffer);
  }

  /** Memory may have grown (and been detached) by any call into the module. */
  #refresh(): void {
    if (this.#buffer !== this.#exports.memory.buffer) {
      this.#buffer = this.#exports.memory.buffer;
      this.#view = new DataView(this.#buffer);
      this.#bytes = new Uint8Array(this.#buffer);
    }
  }

  get size(): number {
    return this.#exports.memory.buffer.byteLength;
  }

  rtId(typeId: TypeIdName): number {
    const discriminant = TypeId[typeId];
    let id = this.#rtIds.get(discriminant);
    if (id === undefined) {
      id = this.#exports.id_of_type(discriminant);
      this.#rtIds.set(discriminant, id);
    }
    return id;
  }

  alloc(size: number, typeId: TypeIdName): number {
    const ptr = this.#exports.__new(size, this.rtId(typeId));
    this.#refresh();
    return ptr;
  }

  // ─────────────────────────────── primitive access ───────────────────────────────

  u32(ptr: number): number {
    this.#refresh();
    return this.#view.getUint32(ptr, true);
  }

  i32(ptr: number): number {
    this.#refresh();
    return this.#view.getInt32(ptr, true);
  }

  u64(ptr: number): bigint {
    this.#refresh();
    return this.#view.getBigUint64(ptr, true);
  }

  setU32(ptr: number, value: number): void {
    this.#refresh();
    this.#view.setUint32(ptr, value, true);
  }

  setU64(ptr: number, value: bigint): void {
    this.#refresh();
    this.#view.setBigUint64(ptr, value, true);
  }

  rtSize(ptr: number): number {
    return this.u32(ptr - 4);
  }

  // ─────────────────────────────── strings ───────────────────────────────

  readString(ptr: number): string {
    if (ptr === 0) throw new Error("null string pointer");
    const size = this.rtSize(ptr);
    this.#refresh();
    return utf16.decode(this.#bytes.subarray(ptr, ptr + size));
  }

  writeString(value: string): number {
    const ptr = this.alloc(value.length * 2, "String");
    for (let i = 0; i < value.length; i++) this.#view.setUint16(ptr + i * 2, value.charCodeAt(i), true);
    return ptr;
  }

  // ─────────────────────────────── typed arrays (Bytes, BigInt) ───────────────────────────────

  /** Bytes of a Uint8Array-like object (Bytes, BigInt, Address, ByteArray). */
  readUint8Array(ptr: number): Uint8Array {
    if (ptr === 0) throw new Error("null Uint8Array pointer");
    const dataStart = this.u32(ptr + 4);
    const byteLength = this.i32(ptr + 8);
    this.#refresh();
    return this.#bytes.slice(dataStart, dataStart + byteLength);
  }

  writeUint8Array(bytes: Uint8Array): number {
    const buffer = this.alloc(bytes.length, "ArrayBuffer");
    this.#bytes.set(bytes, buffer);
    const ptr = this.alloc(12, "Uint8Array");
    this.setU32(ptr, buffer);
    this.setU32(ptr + 4, buffer);
    this.setU32(ptr + 8, bytes.length);
    return ptr;
  }

  readBigInt(ptr: number): bigint {
    return bigIntFromSignedLe(this.readUint8Array(ptr));
  }

  writeBigInt(value: bigint): number {
    return this.writeUint8Array(bigIntToSignedLe(value));
  }

  // ─────────────────────────────── arrays of pointers ───────────────────────────────

  readPointerArray(ptr: number): number[] {
    const dataStart = this.u32(ptr + 4);
    const length = this.i32(ptr + 12);
    const out = new Array<number>(length);
    for (let i = 0; i < length; i++) out[i] = this.u32(dataStart + i * 4);
    return out;
  }

  writePointerArray(pointers: readonly number[], typeId: TypeIdName): number {
    const buffer = this.alloc(pointers.length * 4, "ArrayBuffer");
    for (let i = 0; i < pointers.length; i++) this.setU32(buffer + i * 4, pointers[i] as number);
    const ptr = this.alloc(16, typeId);
    this.setU32(ptr, buffer);
    this.setU32(ptr + 4, buffer);
    this.setU32(ptr + 8, pointers.length * 4);
    this.setU32(ptr + 12, pointers.length);
    return ptr;
  }

  /** An object of consecutive 4-byte pointer fields. */
  writeStruct(fields: readonly number[], typeId: TypeIdName): number {
    const ptr = this.alloc(fields.length * 4, typeId);
    for (let i = 0; i < fields.length; i++) this.setU32(ptr + i * 4, fields[i] as number);
    return ptr;
  }

  /** { kind: i32, data: u64 } enum payloads (store Value, ethereum.Value). */
  writeEnum(kind: number, data: bigint, typeId: TypeIdName): number {
    const ptr = this.alloc(16, typeId);
    this.setU32(ptr, kind);
    this.setU32(ptr + 4, 0);
    this.setU64(ptr + 8, data);
    return ptr;
  }

  readEnum(ptr: number): { kind: number; data: bigint } {
    return { kind: this.i32(ptr), data: this.u64(ptr + 8) };
  }
}

/** Little-endian two's complement, minimal length (as num-bigint's to_signed_bytes_le). */
export function bigIntToSignedLe(value: bigint): Uint8Array {
  if (value === 0n) return new Uint8Array([0]);
  const bytes: number[] = [];
  let rest = value;
  for (;;) {
    const byte = Number(rest & 0xffn);
    bytes.push(byte);
    rest >>= 8n;
    const signBit = (byte & 0x80) !== 0;
    if ((rest === 0n && !signBit) || (rest === -1n && signBit)) break;
  }
  return Uint8Array.from(bytes);
}

export function bigIntFromSignedLe(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n;
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i] as number);
  if (((bytes[bytes.length - 1] as number) & 0x80) !== 0) value -= 1n << BigInt(bytes.length * 8);
  return value;
}
