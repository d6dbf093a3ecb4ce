// Decodes a log straight into graph-node's event parameters (ethereum.Value
// trees with byte slices), following the Solidity ABI: indexed parameters from
// the topics (dynamic ones are only their keccak hash), the rest from the data
// in head/tail encoding. Decoding is the indexer's innermost loop, so it works
// on one Buffer instead of going through a general-purpose decoder.
import type { AbiEvent, AbiParameter } from "viem";

import type { EthValue } from "../wasm/mapping.ts";

export class LogDecodeError extends Error {
  override readonly name = "LogDecodeError";
}

const WORD = 32;

function isDynamic(param: AbiParameter): boolean {
  const type = param.type;
  if (type === "string" || type === "bytes") return true;
  const array = /^(.*)\[(\d*)\]$/.exec(type);
  if (array) return array[2] === "" || isDynamic({ ...param, type: array[1] as string } as AbiParameter);
  if (type === "tuple") return ((param as { components: readonly AbiParameter[] }).components ?? []).some(isDynamic);
  return false;
}

/** Size of a static parameter in the head, in bytes. */
function headSize(param: AbiParameter): number {
  if (isDynamic(param)) return WORD;
  const array = /^(.*)\[(\d+)\]$/.exec(param.type);
  if (array) return Number(array[2]) * headSize({ ...param, type: array[1] as string } as AbiParameter);
  if (param.type === "tuple") {
    return (param as { components: readonly AbiParameter[] }).components.reduce((sum, c) => sum + headSize(c), 0);
  }
  return WORD;
}

function readUint(data: Buffer, offset: number): bigint {
  if (offset + WORD > data.length) throw new LogDecodeError(`log data too short at offset ${offset}`);
  // Most values are small: read the low 48 bits as a number when the rest is zero.
  let zeros = true;
  for (let i = offset; i < offset + 26; i++) {
    if (data[i] !== 0) {
      zeros = false;
      break;
    }
  }
  if (zeros) return BigInt(data.readUIntBE(offset + 26, 6));
  return BigInt("0x" + data.toString("hex", offset, offset + WORD));
}

function readSmall(data: Buffer, offset: number): number {
  const value = readUint(data, offset);
  if (value > BigInt(data.length)) throw new LogDecodeError(`offset/length ${value} out of range`);
  return Number(value);
}

function decodeAt(param: AbiParameter, data: Buffer, offset: number, base: number): EthValue {
  const type = param.type;
  const array = /^(.*)\[(\d*)\]$/.exec(type);
  if (array) {
    const inner = { ...param, type: array[1] as string } as AbiParameter;
    let start: number;
    let length: number;
    if (array[2] === "") {
      start = base + readSmall(data, offset);
      length = readSmall(data, start);
      start += WORD;
    } else {
      length = Number(array[2]);
      start = isDynamic(param) ? base + readSmall(data, offset) : offset;
    }
    const items: EthValue[] = [];
    const step = headSize(inner);
    for (let i = 0; i < length; i++) items.push(decodeAt(inner, data, start + i * step, start));
    return { kind: array[2] === "" ? "array" : "fixedArray", value: items };
  }
  if (type === "tuple") {
    const components = (param as { components: readonly AbiParameter[] }).components;
    const start = isDynamic(param) ? base + readSmall(data, offset) : offset;
    let at = start;
    const items: EthValue[] = [];
    for (const component of components) {
      items.push(decodeAt(component, data, at, start));
      at += headSize(component);
    }
    return { kind: "tuple", value: items };
  }
  if (type === "string" || type === "bytes") {
    const start = base + readSmall(data, offset);
    const length = readSmall(data, start);
    if (start + WORD + length > data.length) throw new LogDecodeError("dynamic value runs past the log data");
    const bytes = data.subarray(start + WORD, start + WORD + length);
    return type === "string"
      ? { kind: "string", value: bytes.toString("utf8") }
      : { kind: "bytes", value: Uint8Array.from(bytes) };
  }
  return decodeWord(type, data, offset);
}

function decodeWord(type: string, word: Buffer, offset: number): EthValue {
  if (offset + WORD > word.length) throw new LogDecodeError(`log data too short for ${type} at ${offset}`);
  if (type === "address") return { kind: "address", value: Uint8Array.from(word.subarray(offset + 12, offset + WORD)) };
  if (type === "bool") return { kind: "bool", value: word[offset + WORD - 1] !== 0 };
  if (type.startsWith("uint")) return { kind: "uint", value: readUint(word, offset) };
  if (type.startsWith("int")) {
    const bits = Number(type.slice(3) || "256");
    return { kind: "int", value: BigInt.asIntN(bits, readUint(word, offset)) };
  }
  if (type.startsWith("bytes")) {
    const size = Number(type.slice(5));
    return { kind: "fixedBytes", value: Uint8Array.from(word.subarray(offset, offset + size)) };
  }
  throw new LogDecodeError(`unsupported ABI type ${type}`);
}

export interface DecodableLog {
  readonly topics: readonly string[];
  readonly data: string;
}

/** graph-node's event parameters (name + ethereum.Value) of a log of `abi`. */
export function decodeLog(abi: AbiEvent, log: DecodableLog): { name: string; value: EthValue }[] {
  const data = Buffer.from(log.data.startsWith("0x") ? log.data.slice(2) : log.data, "hex");
  const out: { name: string; value: EthValue }[] = [];
  let topic = 1; // topic 0 is the event selector
  let head = 0;
  abi.inputs.forEach((input, index) => {
    const name = input.name || `param${index}`;
    if (input.indexed) {
      const raw = log.topics[topic++];
      if (raw === undefined) throw new LogDecodeError(`missing topic for indexed ${name}`);
      const word = Buffer.from(raw.slice(2), "hex");
      // Indexed dynamic values (strings, bytes, arrays, tuples) are only their hash.
      out.push({
        name,
        value: isDynamic(input)
          ? { kind: "fixedBytes", value: Uint8Array.from(word) }
          : decodeWord(input.type, word, 0),
      });
      return;
    }
    out.push({ name, value: decodeAt(input, data, head, 0) });
    head += headSize(input);
  });
  return out;
}
