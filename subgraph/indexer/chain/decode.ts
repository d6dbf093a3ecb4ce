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

/** How a parameter is read from the log data, worked out once per ABI parameter (not per log). */
interface ParamDecoder {
  /** Encoded in the tail, with an offset in the head. */
  readonly dynamic: boolean;
  /** Bytes it takes in the head. */
  readonly headSize: number;
  readonly decode: (data: Buffer, offset: number, base: number) => EthValue;
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

/** A one-word value (address, bool, intN, uintN, bytesN) at `offset` of `word`. */
function wordDecoder(type: string): (word: Buffer, offset: number) => EthValue {
  const read =
    type === "address"
      ? (word: Buffer, offset: number): EthValue => ({
          kind: "address",
          value: Uint8Array.from(word.subarray(offset + 12, offset + WORD)),
        })
      : type === "bool"
        ? (word: Buffer, offset: number): EthValue => ({ kind: "bool", value: word[offset + WORD - 1] !== 0 })
        : type.startsWith("uint")
          ? (word: Buffer, offset: number): EthValue => ({ kind: "uint", value: readUint(word, offset) })
          : type.startsWith("int")
            ? signedDecoder(Number(type.slice(3) || "256"))
            : type.startsWith("bytes")
              ? fixedBytesDecoder(Number(type.slice(5)))
              : () => {
                  throw new LogDecodeError(`unsupported ABI type ${type}`);
                };
  return (word, offset) => {
    if (offset + WORD > word.length) throw new LogDecodeError(`log data too short for ${type} at ${offset}`);
    return read(word, offset);
  };
}

function signedDecoder(bits: number): (word: Buffer, offset: number) => EthValue {
  return (word, offset) => ({ kind: "int", value: BigInt.asIntN(bits, readUint(word, offset)) });
}

function fixedBytesDecoder(size: number): (word: Buffer, offset: number) => EthValue {
  return (word, offset) => ({ kind: "fixedBytes", value: Uint8Array.from(word.subarray(offset, offset + size)) });
}

function paramDecoder(param: AbiParameter): ParamDecoder {
  const type = param.type;
  const array = /^(.*)\[(\d*)\]$/.exec(type);
  if (array) {
    const inner = paramDecoder({ ...param, type: array[1] as string } as AbiParameter);
    const fixedLength = array[2] === "" ? undefined : Number(array[2]);
    const dynamic = fixedLength === undefined || inner.dynamic;
    const kind = fixedLength === undefined ? "array" : "fixedArray";
    return {
      dynamic,
      headSize: dynamic ? WORD : (fixedLength as number) * inner.headSize,
      decode(data, offset, base) {
        let start: number;
        let length: number;
        if (fixedLength === undefined) {
          start = base + readSmall(data, offset);
          length = readSmall(data, start);
          start += WORD;
        } else {
          length = fixedLength;
          start = dynamic ? base + readSmall(data, offset) : offset;
        }
        const items: EthValue[] = [];
        for (let i = 0; i < length; i++) items.push(inner.decode(data, start + i * inner.headSize, start));
        return { kind, value: items };
      },
    };
  }
  if (type === "tuple") {
    const components = ((param as { components: readonly AbiParameter[] }).components ?? []).map(paramDecoder);
    const dynamic = components.some((component) => component.dynamic);
    return {
      dynamic,
      headSize: dynamic ? WORD : components.reduce((sum, component) => sum + component.headSize, 0),
      decode(data, offset, base) {
        const start = dynamic ? base + readSmall(data, offset) : offset;
        let at = start;
        const items: EthValue[] = [];
        for (const component of components) {
          items.push(component.decode(data, at, start));
          at += component.headSize;
        }
        return { kind: "tuple", value: items };
      },
    };
  }
  if (type === "string" || type === "bytes") {
    return {
      dynamic: true,
      headSize: WORD,
      decode(data, offset, base) {
        const start = base + readSmall(data, offset);
        const length = readSmall(data, start);
        if (start + WORD + length > data.length) throw new LogDecodeError("dynamic value runs past the log data");
        const bytes = data.subarray(start + WORD, start + WORD + length);
        return type === "string"
          ? { kind: "string", value: bytes.toString("utf8") }
          : { kind: "bytes", value: Uint8Array.from(bytes) };
      },
    };
  }
  const word = wordDecoder(type);
  return { dynamic: false, headSize: WORD, decode: (data, offset) => word(data, offset) };
}

export interface DecodableLog {
  readonly topics: readonly string[];
  readonly data: string;
}

type InputDecoder =
  | { readonly name: string; readonly indexed: true; readonly decode: (topic: string) => EthValue }
  | { readonly name: string; readonly indexed: false; readonly head: number; readonly param: ParamDecoder };

/** Each event's inputs, with their decoders and head offsets, worked out on first use. */
const eventDecoders = new WeakMap<AbiEvent, readonly InputDecoder[]>();

function decodersOf(abi: AbiEvent): readonly InputDecoder[] {
  let decoders = eventDecoders.get(abi);
  if (decoders !== undefined) return decoders;
  let head = 0;
  decoders = abi.inputs.map((input, index): InputDecoder => {
    const name = input.name || `param${index}`;
    const param = paramDecoder(input);
    if (input.indexed) {
      // Indexed dynamic values (strings, bytes, arrays, tuples) are only their hash.
      const word = wordDecoder(input.type);
      const decode = param.dynamic
        ? (topic: string): EthValue => ({
            kind: "fixedBytes",
            value: Uint8Array.from(Buffer.from(topic.slice(2), "hex")),
          })
        : (topic: string): EthValue => word(Buffer.from(topic.slice(2), "hex"), 0);
      return { name, indexed: true, decode };
    }
    const decoder: InputDecoder = { name, indexed: false, head, param };
    head += param.headSize;
    return decoder;
  });
  eventDecoders.set(abi, decoders);
  return decoders;
}

/** graph-node's event parameters (name + ethereum.Value) of a log of `abi`. */
export function decodeLog(abi: AbiEvent, log: DecodableLog): { name: string; value: EthValue }[] {
  const decoders = decodersOf(abi);
  const data = Buffer.from(log.data.startsWith("0x") ? log.data.slice(2) : log.data, "hex");
  const out: { name: string; value: EthValue }[] = new Array(decoders.length);
  let topic = 1; // topic 0 is the event selector
  for (let i = 0; i < decoders.length; i++) {
    const decoder = decoders[i] as InputDecoder;
    if (decoder.indexed) {
      const raw = log.topics[topic++];
      if (raw === undefined) throw new LogDecodeError(`missing topic for indexed ${decoder.name}`);
      out[i] = { name: decoder.name, value: decoder.decode(raw) };
    } else {
      out[i] = { name: decoder.name, value: decoder.param.decode(data, decoder.head, 0) };
    }
  }
  return out;
}
