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

/** Bytes carved from one `__new` chunk at a time (see `alloc`). */
const ARENA_CHUNK = 256 * 1024;
/** Never carve the last bytes of a chunk, so no carved block can look like the stub's last block. */
const ARENA_SLACK = 64;
const HEADER = 20;

export class AscHeap {
  readonly #exports: AscExports;
  #buffer: ArrayBuffer;
  #view: DataView;
  #bytes: Uint8Array;
  #u16: Uint16Array;
  #u32: Uint32Array;
  readonly #rtIds = new Map<number, number>();
  readonly #staticStrings: Map<number, string>;
  /** Short strings the host wrote (AssemblyScript strings are immutable, so one copy can be shared). */
  readonly #interned = new Map<string, number>();
  readonly #internedByPtr = new Map<number, string>();
  /** Lowest heap address: everything below is the module's static data. */
  #heapBase = 0;
  #arenaNext = 0;
  #arenaEnd = 0;

  constructor(exports: AscExports, staticStrings: Map<number, string> = new Map()) {
    this.#exports = exports;
    this.#buffer = exports.memory.buffer;
    this.#view = new DataView(this.#buffer);
    this.#bytes = new Uint8Array(this.#buffer);
    this.#u16 = new Uint16Array(this.#buffer);
    this.#u32 = new Uint32Array(this.#buffer);
    this.#staticStrings = staticStrings;
  }

  /** Call once after `_start`: the first allocation marks where the heap begins. */
  markHeapBase(): void {
    const probe = this.#exports.__new(0, this.rtId("ArrayBuffer"));
    this.#heapBase = probe - HEADER;
    this.#refresh();
  }

  /** Memory may have grown (and been detached) by any call into the module. */
  #refresh(): void {
    // A grown memory detaches the old buffer (length 0): cheaper to test than the `buffer` getter.
    if (this.#bytes.length === 0 || this.#buffer !== this.#exports.memory.buffer) {
      this.#buffer = this.#exports.memory.buffer;
      this.#view = new DataView(this.#buffer);
      this.#bytes = new Uint8Array(this.#buffer);
      this.#u16 = new Uint16Array(this.#buffer);
      this.#u32 = new Uint32Array(this.#buffer);
    }
  }

  #check(): void {
    if (this.#bytes.length === 0) this.#refresh();
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

  /**
   * Allocates an object with the stub runtime's header (mmInfo, gcInfo, gcInfo2, rtId, rtSize) and a
   * 16-byte aligned payload. Small objects are carved from a chunk obtained with one `__new`: the stub
   * runtime never frees or moves memory, and a carved block reads exactly like one `__new` made
   * (`__renew` of a carved block copies it to a fresh block, since it is never the last block).
   */
  alloc(size: number, typeId: TypeIdName): number {
    const rtId = this.rtId(typeId);
    if (size > ARENA_CHUNK / 8) {
      const ptr = this.#exports.__new(size, rtId);
      this.#refresh();
      return ptr;
    }
    let payload = ((this.#arenaNext + HEADER + 15) & ~15) >>> 0;
    if (payload + size > this.#arenaEnd - ARENA_SLACK) {
      const chunk = this.#exports.__new(ARENA_CHUNK, this.rtId("ArrayBuffer"));
      this.#refresh();
      this.#arenaNext = chunk;
      this.#arenaEnd = chunk + ARENA_CHUNK;
      payload = ((this.#arenaNext + HEADER + 15) & ~15) >>> 0;
    } else {
      this.#check();
    }
    const u32 = this.#u32;
    const at = (payload - 20) >>> 2;
    // mmInfo as the stub's computeSize(OBJECT_OVERHEAD + size) would record it.
    u32[at] = ((16 + size + 4 + 15) & ~15) - 4;
    u32[at + 1] = 0;
    u32[at + 2] = 0;
    u32[at + 3] = rtId;
    u32[at + 4] = size;
    this.#arenaNext = payload + size;
    return payload;
  }

  // ─────────────────────────────── primitive access ───────────────────────────────

  u32(ptr: number): number {
    this.#check();
    return (ptr & 3) === 0 ? (this.#u32[ptr >>> 2] as number) : this.#view.getUint32(ptr, true);
  }

  i32(ptr: number): number {
    this.#check();
    return this.#view.getInt32(ptr, true);
  }

  u64(ptr: number): bigint {
    this.#check();
    return this.#view.getBigUint64(ptr, true);
  }

  setU32(ptr: number, value: number): void {
    this.#check();
    if ((ptr & 3) === 0) this.#u32[ptr >>> 2] = value;
    else this.#view.setUint32(ptr, value, true);
  }

  setU64(ptr: number, value: bigint): void {
    this.#check();
    this.#view.setBigUint64(ptr, value, true);
  }

  rtSize(ptr: number): number {
    return this.u32(ptr - 4);
  }

  // ─────────────────────────────── strings ───────────────────────────────

  readString(ptr: number): string {
    if (ptr === 0) throw new Error("null string pointer");
    // Strings in the module's static data (field and entity names) never move: decode them once.
    const isStatic = ptr < this.#heapBase;
    if (isStatic) {
      const cached = this.#staticStrings.get(ptr);
      if (cached !== undefined) return cached;
    } else {
      const interned = this.#internedByPtr.get(ptr);
      if (interned !== undefined) return interned;
    }
    const size = this.rtSize(ptr);
    this.#check();
    let text: string;
    if ((ptr & 1) === 0 && size <= 64) {
      text = "";
      const u16 = this.#u16;
      for (let i = ptr >>> 1, end = (ptr + size) >>> 1; i < end; i++) text += String.fromCharCode(u16[i] as number);
    } else {
      text = utf16.decode(this.#bytes.subarray(ptr, ptr + size));
    }
    if (isStatic) this.#staticStrings.set(ptr, text);
    return text;
  }

  writeString(value: string): number {
    const short = value.length <= 48;
    if (short) {
      const interned = this.#interned.get(value);
      if (interned !== undefined) return interned;
    }
    const ptr = this.alloc(value.length * 2, "String");
    const u16 = this.#u16;
    for (let i = 0, at = ptr >>> 1; i < value.length; i++) u16[at + i] = value.charCodeAt(i);
    if (short && this.#interned.size < 20_000) {
      this.#interned.set(value, ptr);
      this.#internedByPtr.set(ptr, value);
    }
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

  /** Whether the Uint8Array at `ptr` holds exactly `bytes` (compared in place, nothing copied). */
  uint8ArrayEquals(ptr: number, bytes: Uint8Array): boolean {
    if (ptr === 0) return false;
    const dataStart = this.u32(ptr + 4);
    const byteLength = this.i32(ptr + 8);
    if (byteLength !== bytes.length) return false;
    this.#refresh();
    const heap = this.#bytes;
    for (let i = 0; i < byteLength; i++) if (heap[dataStart + i] !== bytes[i]) return false;
    return true;
  }

  /** Whether the String at `ptr` is `text` (compared in place, nothing decoded). */
  stringEquals(ptr: number, text: string): boolean {
    if (ptr === 0) return false;
    if (this.rtSize(ptr) !== text.length * 2) return false;
    this.#check();
    if ((ptr & 1) !== 0) return this.readString(ptr) === text;
    const u16 = this.#u16;
    for (let i = 0, at = ptr >>> 1; i < text.length; i++) if (u16[at + i] !== text.charCodeAt(i)) return false;
    return true;
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

  /** { kind: i32, data: u64 } enum payloads (store Value, ethereum.Value); a number is a pointer or small value. */
  writeEnum(kind: number, data: number | bigint, typeId: TypeIdName): number {
    const ptr = this.alloc(16, typeId);
    const u32 = this.#u32;
    const at = ptr >>> 2;
    u32[at] = kind;
    u32[at + 1] = 0;
    if (typeof data === "number") {
      u32[at + 2] = data >>> 0;
      u32[at + 3] = 0;
    } else {
      this.#view.setBigUint64(ptr + 8, BigInt.asUintN(64, data), true);
    }
    return ptr;
  }

  /** Kind and the payload's low word (a pointer, an i32, a bool); `enumU64` reads all 64 bits. */
  enumKind(ptr: number): number {
    this.#check();
    return this.#u32[ptr >>> 2] as number;
  }

  enumLow(ptr: number): number {
    return this.#u32[(ptr + 8) >>> 2] as number;
  }

  enumU64(ptr: number): bigint {
    this.#check();
    return this.#view.getBigUint64(ptr + 8, true);
  }
}

/** Little-endian two's complement, minimal length (as num-bigint's to_signed_bytes_le). */
const TWO_POW_47 = 2n ** 47n;

export function bigIntToSignedLe(value: bigint): Uint8Array {
  if (value >= 0n && value < 128n) return new Uint8Array([Number(value)]);
  if (value > -TWO_POW_47 && value < TWO_POW_47) {
    // Fits in 6 bytes of two's complement: plain number arithmetic, no string round trip.
    let n = Number(value);
    const bytes: number[] = [];
    for (;;) {
      const byte = n & 0xff;
      bytes.push(byte);
      n = Math.floor(n / 256);
      const sign = (byte & 0x80) !== 0;
      if ((n === 0 && !sign) || (n === -1 && sign)) return Uint8Array.from(bytes);
    }
  }
  // Smallest length n with -2^(8n-1) <= value < 2^(8n-1), as num-bigint's to_signed_bytes_le.
  const magnitude = value < 0n ? -value - 1n : value;
  let bits = 0;
  if (magnitude !== 0n) {
    const hex = magnitude.toString(16);
    bits = (hex.length - 1) * 4 + (32 - Math.clz32(parseInt(hex.charAt(0), 16)));
  }
  const length = (bits >> 3) + 1;
  const unsigned = value < 0n ? (1n << BigInt(length * 8)) + value : value;
  const hex = unsigned.toString(16).padStart(length * 2, "0");
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = parseInt(hex.substr((length - 1 - i) * 2, 2), 16);
  return out;
}

export function bigIntFromSignedLe(bytes: Uint8Array): bigint {
  const length = bytes.length;
  if (length === 0) return 0n;
  if (length === 1) {
    const b = bytes[0] as number;
    return BigInt(b & 0x80 ? b - 256 : b);
  }
  let hex = "";
  for (let i = length - 1; i >= 0; i--) hex += HEX_BYTES[bytes[i] as number];
  const value = BigInt("0x" + hex);
  return ((bytes[length - 1] as number) & 0x80) !== 0 ? value - (1n << BigInt(length * 8)) : value;
}

const HEX_BYTES = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));
