// Entity values as the WASM host hands them to the store (graph-node's
// StoreValue kinds), their validation against the schema, and their SQLite
// encoding. BigInt columns are stored as 33-byte offset-binary blobs so that
// SQLite's memcmp ordering is numeric ordering (range [-2^256, 2^256)).
import { bigIntFromSignedLe, bigIntToSignedLe } from "../wasm/heap.ts";
import type { EntityModel, FieldModel, SchemaModel } from "./model.ts";

export type StoreValue =
  | { readonly kind: "String"; readonly value: string }
  | { readonly kind: "Int"; readonly value: number }
  | { readonly kind: "BigDecimal"; readonly value: string }
  | { readonly kind: "Bool"; readonly value: boolean }
  | { readonly kind: "Array"; readonly value: readonly StoreValue[] }
  | { readonly kind: "Null" }
  | { readonly kind: "Bytes"; readonly value: Uint8Array }
  | { readonly kind: "BigInt"; readonly value: bigint }
  | { readonly kind: "Int8"; readonly value: bigint }
  | { readonly kind: "Timestamp"; readonly value: bigint };

export type EntityData = Map<string, StoreValue>;

/**
 * A BigInt store value that keeps the little-endian bytes it came from (or goes
 * to) in WASM memory and converts only when asked: most values read from a
 * mapping are written back to a mapping unchanged.
 */
export class BigIntValue {
  readonly kind = "BigInt" as const;
  #value: bigint | undefined;
  #le: Uint8Array | undefined;

  constructor(value: bigint | undefined, le?: Uint8Array) {
    this.#value = value;
    this.#le = le;
  }

  get value(): bigint {
    if (this.#value === undefined) this.#value = bigIntFromSignedLe(this.#le as Uint8Array);
    return this.#value;
  }

  get le(): Uint8Array {
    if (this.#le === undefined) this.#le = bigIntToSignedLe(this.#value as bigint);
    return this.#le;
  }
}

export const NULL_VALUE: StoreValue = { kind: "Null" };

/** A mapping broke a rule of the store (unknown field, wrong type, missing required value…). Deterministic. */
export class EntityValidationError extends Error {
  override readonly name = "EntityValidationError";
}

const BIGINT_OFFSET = 1n << 256n;
const BIGINT_BYTES = 33;

export function encodeBigInt(value: bigint): Buffer {
  const shifted = value + BIGINT_OFFSET;
  if (shifted < 0n || shifted >= 1n << BigInt(BIGINT_BYTES * 8 - 7)) {
    throw new EntityValidationError(`BigInt ${value} is outside the storable range [-2^256, 2^256)`);
  }
  return Buffer.from(shifted.toString(16).padStart(BIGINT_BYTES * 2, "0"), "hex");
}

/** The 33-byte column of a value given as little-endian two's complement bytes (no bigint needed). */
export function encodeBigIntLe(le: Uint8Array): Buffer {
  const length = le.length;
  const negative = length > 0 && ((le[length - 1] as number) & 0x80) !== 0;
  if (length > BIGINT_BYTES || (length === BIGINT_BYTES && le[length - 1] !== (negative ? 0xff : 0x00))) {
    return encodeBigInt(bigIntFromSignedLe(le)); // throws the range error
  }
  const out = Buffer.alloc(BIGINT_BYTES, negative ? 0xff : 0x00);
  for (let i = 0; i < length; i++) out[BIGINT_BYTES - 1 - i] = le[i] as number;
  // + 2^256: the top byte of a sign-extended 33-byte value is 0x00 or 0xff; adding one flips it to 0x01 / 0x00.
  out[0] = ((out[0] as number) + 1) & 0xff;
  return out;
}

export function decodeBigInt(buffer: Uint8Array): bigint {
  const hex = Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength).toString("hex");
  return BigInt("0x" + hex) - BIGINT_OFFSET;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

export function bytesToHex(bytes: Uint8Array): string {
  if (bytes.length > 64) return "0x" + Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
  let out = "0x";
  for (let i = 0; i < bytes.length; i++) out += HEX[bytes[i] as number];
  return out;
}

export function hexToBytes(hex: string): Buffer {
  const body = hex.startsWith("0x") || hex.startsWith("0X") ? hex.slice(2) : hex;
  if (body.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(body)) {
    throw new EntityValidationError(`Failed to decode \`Bytes\` value: \`${hex}\` is not valid hex`);
  }
  return Buffer.from(body, "hex");
}

/** The scalar a store value must have for a field (entity references store the referenced id's scalar). */
function expectedKind(field: FieldModel): StoreValue["kind"] {
  if (field.kind === "enum") return "String";
  switch (field.scalar) {
    case "ID":
    case "String":
      return "String";
    case "Bytes":
      return "Bytes";
    case "BigInt":
      return "BigInt";
    case "BigDecimal":
      return "BigDecimal";
    case "Int":
      return "Int";
    case "Int8":
      return "Int8";
    case "Timestamp":
      return "Timestamp";
    case "Boolean":
      return "Bool";
    default:
      throw new EntityValidationError(`field ${field.name} has no scalar`);
  }
}

function checkScalar(
  entity: EntityModel,
  id: string,
  field: FieldModel,
  value: StoreValue,
  enumValues?: ReadonlySet<string>,
): void {
  const want = expectedKind(field);
  // graph-node accepts an Int where Int8/BigInt... are expected only through explicit conversion; be strict.
  if (value.kind !== want) {
    throw new EntityValidationError(
      `Entity ${entity.name}[${id}]: the value for field \`${field.name}\` has kind ${value.kind}, expected ${want} (${field.typeName})`,
    );
  }
  if (enumValues && value.kind === "String" && !enumValues.has(value.value)) {
    throw new EntityValidationError(
      `Entity ${entity.name}: value \`${value.value}\` for field \`${field.name}\` is not a member of enum ${field.typeName}`,
    );
  }
}

const enumSets = new WeakMap<SchemaModel, Map<string, ReadonlySet<string>>>();

function enumSet(model: SchemaModel, name: string): ReadonlySet<string> {
  let byName = enumSets.get(model);
  if (!byName) enumSets.set(model, (byName = new Map()));
  let values = byName.get(name);
  if (!values) byName.set(name, (values = new Set(model.enums.get(name)?.values.map((v) => v.name))));
  return values;
}

/** Validates a complete entity (after merging) against its schema type; values taken over from `validated` are not checked again. */
export function validateEntity(
  model: SchemaModel,
  entity: EntityModel,
  id: string,
  data: EntityData,
  checkId = true,
  validated?: EntityData | null,
): void {
  for (const [key, value] of data) {
    // The very value object of the stored version was checked when it was set.
    if (validated !== undefined && validated !== null && validated.get(key) === value) continue;
    const field = entity.fieldsByName.get(key);
    if (!field) {
      throw new EntityValidationError(
        `Unknown key \`${key}\` in entity ${entity.name}[${id}]. It probably is not part of the schema`,
      );
    }
    if (field.derivedFrom !== undefined) {
      throw new EntityValidationError(
        `Entity ${entity.name}[${id}]: field \`${key}\` is derived (@derivedFrom) and cannot be set`,
      );
    }
    if (value.kind === "Null") continue;
    const enumValues = field.kind === "enum" ? enumSet(model, field.typeName) : undefined;
    if (field.list) {
      if (value.kind !== "Array") {
        throw new EntityValidationError(`Entity ${entity.name}[${id}]: field \`${key}\` must be a list`);
      }
      for (const item of value.value) checkScalar(entity, id, field, item, enumValues);
    } else {
      checkScalar(entity, id, field, value, enumValues);
    }
  }
  for (const field of entity.storedFields) {
    if (!field.nonNull) continue;
    const value = data.get(field.name);
    if (value === undefined || value.kind === "Null") {
      throw new EntityValidationError(
        `Entity ${entity.name}[${id}]: missing value for non-nullable field \`${field.name}\``,
      );
    }
  }
  const idValue = checkId ? data.get("id") : undefined;
  if (idValue && idKey(entity, idValue) !== normalizeId(entity, id)) {
    throw new EntityValidationError(
      `Entity ${entity.name}[${id}]: the \`id\` field (${describeValue(idValue)}) differs from the id it is saved under`,
    );
  }
}

export function describeValue(value: StoreValue): string {
  switch (value.kind) {
    case "Null":
      return "null";
    case "Bytes":
      return bytesToHex(value.value);
    case "Array":
      return `[${value.value.map(describeValue).join(", ")}]`;
    default:
      return String(value.value);
  }
}

/** The canonical string form of an entity id (lowercase hex for Bytes ids). */
export function normalizeId(entity: EntityModel, id: string): string {
  return entity.idScalar === "Bytes" ? id.toLowerCase() : id;
}

export function idKey(entity: EntityModel, value: StoreValue): string {
  if (value.kind === "Bytes") return bytesToHex(value.value);
  if (value.kind === "String") return normalizeId(entity, value.value);
  if (value.kind === "Int8") return value.value.toString();
  return describeValue(value);
}

/** SQLite value of an id given as its canonical string. */
export function idToColumn(entity: EntityModel, id: string): Buffer | string | bigint {
  if (entity.idScalar === "Bytes") return hexToBytes(id);
  if (entity.idScalar === "Int8") return BigInt(id);
  return id;
}

export type ColumnValue = string | number | bigint | Buffer | null;

function scalarToJson(value: StoreValue): unknown {
  switch (value.kind) {
    case "Bytes":
      return bytesToHex(value.value);
    case "BigInt":
    case "Int8":
    case "Timestamp":
      return value.value.toString();
    case "Null":
      return null;
    case "Array":
      return value.value.map(scalarToJson);
    default:
      return value.value;
  }
}

function scalarFromJson(field: FieldModel, json: unknown): StoreValue {
  if (json === null) return NULL_VALUE;
  const kind = expectedKind(field);
  switch (kind) {
    case "Bytes":
      return { kind, value: hexToBytes(String(json)) };
    case "BigInt":
    case "Int8":
    case "Timestamp":
      return { kind, value: BigInt(String(json)) };
    case "Int":
      return { kind, value: Number(json) };
    case "Bool":
      return { kind, value: Boolean(json) };
    case "BigDecimal":
    case "String":
      return { kind, value: String(json) };
    default:
      return NULL_VALUE;
  }
}

export function toColumn(field: FieldModel, value: StoreValue | undefined): ColumnValue {
  if (value === undefined || value.kind === "Null") return null;
  if (field.list) return JSON.stringify(scalarToJson(value));
  switch (value.kind) {
    case "String":
    case "BigDecimal":
      return value.value;
    case "Bytes":
      return Buffer.from(value.value.buffer, value.value.byteOffset, value.value.byteLength);
    case "BigInt":
      return value instanceof BigIntValue ? encodeBigIntLe(value.le) : encodeBigInt(value.value);
    case "Int":
      return value.value;
    case "Int8":
    case "Timestamp":
      return value.value;
    case "Bool":
      return value.value ? 1 : 0;
    default:
      throw new EntityValidationError(`cannot store a ${value.kind} in ${field.name}`);
  }
}

/** Column → store value. INTEGER columns are read as bigint (safeIntegers). */
export function fromColumn(field: FieldModel, column: unknown): StoreValue {
  if (column === null || column === undefined) return NULL_VALUE;
  if (field.list) {
    const items = JSON.parse(String(column)) as unknown[];
    return { kind: "Array", value: items.map((item) => scalarFromJson(field, item)) };
  }
  const kind = expectedKind(field);
  switch (kind) {
    case "String":
    case "BigDecimal":
      return { kind, value: String(column) };
    case "Bytes":
      return { kind, value: new Uint8Array(column as Buffer) };
    case "BigInt":
      // Lazily keeps its little-endian form too, so that a mapping's unchanged save compares in place.
      return new BigIntValue(decodeBigInt(column as Buffer));
    case "Int":
      return { kind, value: Number(column) };
    case "Int8":
    case "Timestamp":
      return { kind, value: BigInt(column as bigint) };
    case "Bool":
      return { kind, value: Number(column) !== 0 };
    default:
      return NULL_VALUE;
  }
}

/** SQL column type of a stored field. */
export function columnType(field: FieldModel): string {
  if (field.list) return "TEXT";
  if (field.kind === "enum") return "TEXT";
  switch (field.scalar) {
    case "Bytes":
    case "BigInt":
      return "BLOB";
    case "Int":
    case "Int8":
    case "Timestamp":
    case "Boolean":
      return "INTEGER";
    default:
      return "TEXT";
  }
}
