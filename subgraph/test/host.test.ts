// The WASM host itself: the imports of the built mappings are all provided, a
// module importing anything else is refused with the names of what is
// missing, and the value encodings match graph-node's.
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import { DATA_SOURCES } from "../indexer/manifest.ts";
import { DEFAULT_BUILD_DIR } from "../indexer/indexer.ts";
import { decodeBigInt, encodeBigInt, encodeBigIntLe } from "../indexer/store/values.ts";
import * as decimal from "../indexer/wasm/bigdecimal.ts";
import { AscHeap, bigIntFromSignedLe, bigIntToSignedLe, type AscExports } from "../indexer/wasm/heap.ts";
import { buildImports, hostFunctions, MissingHostFunctionsError, type HostContext } from "../indexer/wasm/host.ts";

const context = {} as HostContext;

/** A module importing the given functions (type () -> ()), assembled byte by byte. */
function moduleImporting(imports: readonly [string, string][]): WebAssembly.Module {
  const text = (s: string): number[] => [s.length, ...Buffer.from(s)];
  const entries = imports.flatMap(([module, name]) => [...text(module), ...text(name), 0x00, 0x00]);
  const importSection = [imports.length, ...entries];
  const bytes = [
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    0x01,
    0x04,
    0x01,
    0x60,
    0x00,
    0x00,
    0x02,
    importSection.length,
    ...importSection,
  ];
  return new WebAssembly.Module(Uint8Array.from(bytes));
}

/** num-bigint's to_signed_bytes_le, byte by byte. */
function reference(value: bigint): number[] {
  if (value === 0n) return [0];
  const out: number[] = [];
  let rest = value;
  for (;;) {
    const byte = Number(rest & 0xffn);
    out.push(byte);
    rest >>= 8n;
    const sign = (byte & 0x80) !== 0;
    if ((rest === 0n && !sign) || (rest === -1n && sign)) return out;
  }
}

describe("host imports", () => {
  it("provides every function the built mappings import", () => {
    const provided = hostFunctions(context);
    for (const source of DATA_SOURCES) {
      const file = join(DEFAULT_BUILD_DIR, source.contract, `${source.contract}.wasm`);
      const module = new WebAssembly.Module(readFileSync(file));
      const names = WebAssembly.Module.imports(module).map((i) => i.name);
      expect(names.length).toBeGreaterThan(0);
      for (const name of names) expect(provided, `${source.contract} imports ${name}`).toHaveProperty([name]);
      expect(() => buildImports(module, file, provided)).not.toThrow();
    }
  });

  it("refuses a module importing functions it lacks, naming each one", () => {
    const module = moduleImporting([
      ["index", "store.get"],
      ["env", "store.frobnicate"],
      ["chain", "arweave.transactionData"],
    ]);
    let error: unknown;
    try {
      buildImports(module, "mapping.wasm", hostFunctions(context));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(MissingHostFunctionsError);
    expect((error as MissingHostFunctionsError).missing).toEqual(["store.frobnicate", "arweave.transactionData"]);
    expect((error as Error).message).toMatch(
      /mapping\.wasm imports host functions .*store\.frobnicate, arweave\.transactionData/,
    );
  });
});

describe("value encodings", () => {
  const samples = [
    0n,
    1n,
    127n,
    128n,
    255n,
    256n,
    -1n,
    -128n,
    -129n,
    -256n,
    2n ** 255n - 1n,
    -(2n ** 255n),
    2n ** 256n - 1n,
  ];
  for (let i = 0; i < 300; i++) {
    const magnitude = BigInt(Math.floor(Math.random() * 2 ** 48)) * 10n ** BigInt(i % 40);
    samples.push(i % 2 === 0 ? magnitude : -magnitude);
  }

  it("writes BigInts as little-endian two's complement of minimal length, like graph-node", () => {
    for (const value of samples) {
      expect([...bigIntToSignedLe(value)], String(value)).toEqual(reference(value));
      expect(bigIntFromSignedLe(bigIntToSignedLe(value))).toBe(value);
    }
  });

  it("stores BigInts so that byte order is numeric order", () => {
    const sorted = [...samples].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const byBytes = [...samples].sort((a, b) => Buffer.compare(encodeBigInt(a), encodeBigInt(b)));
    expect(byBytes).toEqual(sorted);
    for (const value of samples) {
      expect(decodeBigInt(encodeBigInt(value))).toBe(value);
      expect(encodeBigIntLe(bigIntToSignedLe(value)).equals(encodeBigInt(value))).toBe(true);
    }
    expect(() => encodeBigInt(2n ** 256n)).toThrow(/outside the storable range/);
  });

  it("computes BigDecimals to 34 significant digits", () => {
    const third = decimal.dividedBy(decimal.fromString("1"), decimal.fromString("3"));
    expect(decimal.toString(third)).toBe("0." + "3".repeat(34));
    expect(decimal.toString(decimal.plus(decimal.fromString("1.50"), decimal.fromString("2.5")))).toBe("4");
    expect(decimal.toString(decimal.times(decimal.fromString("-0.25"), decimal.fromString("4e3")))).toBe("-1000");
    expect(decimal.equals(decimal.fromString("1.0"), decimal.fromString("1"))).toBe(true);
  });
});

describe("type conversions through a built mapping's memory", () => {
  /** A live instance of a built mapping with the host's functions, as the runtime sets one up. */
  function liveHost(): { heap: AscHeap; host: ReturnType<typeof hostFunctions> } {
    const source = DATA_SOURCES[0] as (typeof DATA_SOURCES)[number];
    const file = join(DEFAULT_BUILD_DIR, source.contract, `${source.contract}.wasm`);
    const module = new WebAssembly.Module(readFileSync(file));
    const ctx = { dataSource: { address: new Uint8Array(20), network: "test", name: source.contract } } as HostContext;
    const host = hostFunctions(ctx);
    const instance = new WebAssembly.Instance(module, buildImports(module, file, host));
    const heap = new AscHeap(instance.exports as unknown as AscExports);
    (instance.exports._start as (() => void) | undefined)?.();
    heap.markHeapBase();
    ctx.heap = heap;
    return { heap, host };
  }

  it("encodes bytes as base58 (Bitcoin's alphabet, leading zero bytes as 1s), as graph-node's bytesToBase58", () => {
    const { heap, host } = liveHost();
    const base58 = (hex: string): string =>
      heap.readString(host["typeConversion.bytesToBase58"]!(heap.writeUint8Array(Buffer.from(hex, "hex"))) as number);
    // Vectors from Bitcoin Core's base58_encode_decode.json.
    const vectors: [string, string][] = [
      ["", ""],
      ["61", "2g"],
      ["626262", "a3gV"],
      ["636363", "aPEr"],
      ["73696d706c792061206c6f6e6720737472696e67", "2cFupjhnEsSn59qHXstmK2ffpLv2"],
      ["00eb15231dfceb60925886b67d065299925915aeb172c06647", "1NS17iag9jJgTHD1VXjvLCEnZuQ3rJDE9L"],
      ["516b6fcd0f", "ABnLTmg"],
      ["bf4f89001e670274dd", "3SEo3LWLoPntC"],
      ["572e4794", "3EFU7m"],
      ["ecac89cad93923c02321", "EJDM8drfXA6uyA"],
      ["10c8511e", "Rt5zm"],
      ["00000000000000000000", "1111111111"],
    ];
    for (const [hex, expected] of vectors) expect(base58(hex), hex).toBe(expected);
  });
});
