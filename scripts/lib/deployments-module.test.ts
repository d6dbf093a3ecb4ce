import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";

import type { Address } from "viem";

import {
  parseAddressesModule,
  renderAbisModule,
  renderAddressesModule,
  writeChainAddresses,
  type ChainContracts,
} from "./deployments-module.ts";
import { MESI_CONTRACTS } from "./mesi-contracts.ts";

function fakeContracts(seed: number): ChainContracts {
  const entries = MESI_CONTRACTS.map((name, index) => {
    const address = `0x${(seed * 100 + index).toString(16).padStart(40, "0")}` as Address;
    return [name, { address, blockNumber: BigInt(seed + index) }] as const;
  });
  return Object.fromEntries(entries) as ChainContracts;
}

describe("deployments module", () => {
  it("renders every ABI as const under the generated header", () => {
    const abis = Object.fromEntries(
      MESI_CONTRACTS.map((name) => [name, [{ type: "error", name: `${name}_E`, inputs: [] }]]),
    );
    const text = renderAbisModule(abis as never);
    assert.ok(text.startsWith("// generated — do not edit\n"));
    assert.match(text, /export const mesiVaultAbi = \[[\s\S]*?\] as const;/);
    assert.match(text, /export const abis = \{\n  MesiToken: mesiTokenAbi,/);
    assert.equal(text.match(/ as const;/g)?.length, MESI_CONTRACTS.length + 1);
  });

  it("round-trips addresses through the module text, chains sorted", () => {
    const text = renderAddressesModule({
      "8453": { MesiToken: { address: "0x01", blockNumber: 7 } },
      "31337": {},
    } as never);
    assert.deepEqual(Object.keys(parseAddressesModule(text)), ["8453", "31337"]);
    assert.deepEqual(parseAddressesModule(text)["8453"], { MesiToken: { address: "0x01", blockNumber: 7 } });
  });

  it("replaces one chain and keeps the others", async () => {
    const dir = await mkdtemp(join(tmpdir(), "mesi-addresses-"));
    try {
      const file = join(dir, "nested", "addresses.ts");
      await writeChainAddresses(1, fakeContracts(1), file);
      await writeChainAddresses(31337, fakeContracts(2), file);
      await writeChainAddresses(1, fakeContracts(3), file);
      const stored = parseAddressesModule(await readFile(file, "utf8"));
      assert.deepEqual(Object.keys(stored), ["1", "31337"]);
      assert.equal(stored["1"]?.MesiToken?.blockNumber, 3);
      assert.equal(stored["31337"]?.MesiToken?.blockNumber, 2);
      assert.equal(stored["31337"]?.OneToOneEscrow?.blockNumber, 2 + MESI_CONTRACTS.length - 1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("refuses to merge into a file edited by hand", async () => {
    const dir = await mkdtemp(join(tmpdir(), "mesi-addresses-"));
    try {
      const file = join(dir, "addresses.ts");
      await writeFile(file, "export const addresses = {};\n");
      await assert.rejects(writeChainAddresses(1, fakeContracts(1), file), /no data markers/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
