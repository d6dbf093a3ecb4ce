// Renders and rewrites the generated modules of the @mesi/deployments package:
// `abis.ts` (from Hardhat artifacts) and `addresses.ts` (chain id → contract →
// address and deployment block, written by the deploy step). Both carry the
// "generated — do not edit" header; addresses.ts keeps its data as JSON
// between markers so that a deploy can replace one chain and keep the others.
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";

import type { Abi, Address } from "viem";

import { MESI_CONTRACTS, type MesiContractName } from "./mesi-contracts.ts";

export const DEPLOYMENTS_SRC = join(import.meta.dirname, "..", "..", "deployments", "src");
export const ABIS_MODULE_PATH = join(DEPLOYMENTS_SRC, "generated", "abis.ts");
export const ADDRESSES_MODULE_PATH = join(DEPLOYMENTS_SRC, "generated", "addresses.ts");

const GENERATED_HEADER = "// generated — do not edit";
const DATA_BEGIN = "/* addresses:begin */";
const DATA_END = "/* addresses:end */";

export interface ContractLocation {
  readonly address: Address;
  readonly blockNumber: bigint;
}

export type ChainContracts = Readonly<Record<MesiContractName, ContractLocation>>;

/** A production deployment's contracts: everything but the local test stablecoin. */
export type ProductionContracts = Omit<ChainContracts, "TestUSDC">;

interface StoredLocation {
  readonly address: Address;
  readonly blockNumber: number;
}
type StoredAddresses = Record<string, Record<string, StoredLocation>>;

function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

/** `abis.ts`: one `<name>Abi` constant per contract and the `abis` map, all `as const`. */
export function renderAbisModule(abis: Readonly<Record<MesiContractName, Abi>>): string {
  const lines = [
    GENERATED_HEADER,
    "// Written by `npm run gen:abis` (scripts/gen-abis.ts) from the Hardhat artifacts.",
    "",
  ];
  for (const name of MESI_CONTRACTS) {
    lines.push(`export const ${lowerFirst(name)}Abi = ${JSON.stringify(abis[name], null, 2)} as const;`, "");
  }
  lines.push("export const abis = {");
  for (const name of MESI_CONTRACTS) lines.push(`  ${name}: ${lowerFirst(name)}Abi,`);
  lines.push("} as const;", "");
  return lines.join("\n");
}

/** `addresses.ts` for the given chains (keys sorted so that rewriting is stable). */
export function renderAddressesModule(byChain: StoredAddresses): string {
  const sorted: StoredAddresses = {};
  for (const chainId of Object.keys(byChain).sort((a, b) => Number(a) - Number(b))) {
    const contracts = byChain[chainId] ?? {};
    sorted[chainId] = Object.fromEntries(MESI_CONTRACTS.flatMap((n) => (contracts[n] ? [[n, contracts[n]]] : [])));
  }
  return [
    GENERATED_HEADER,
    "// Written by the deploy step (`npm run deploy:local`, `npm start`; scripts/lib/deployments-module.ts).",
    "// Chain id → contract → address and deployment block.",
    'import type { ChainAddresses } from "../types.ts";',
    "",
    `export const addresses: Readonly<Record<string, ChainAddresses>> = ${DATA_BEGIN} ${JSON.stringify(
      sorted,
      null,
      2,
    )} ${DATA_END};`,
    "",
  ].join("\n");
}

/** Reads the data of an `addresses.ts` written by {@link renderAddressesModule}. */
export function parseAddressesModule(text: string): StoredAddresses {
  const begin = text.indexOf(DATA_BEGIN);
  const end = text.indexOf(DATA_END);
  if (begin === -1 || end === -1 || end < begin) {
    throw new Error("addresses module has no data markers; was it edited by hand? Delete it to start over");
  }
  return JSON.parse(text.slice(begin + DATA_BEGIN.length, end)) as StoredAddresses;
}

async function writeAtomically(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, text);
  await rename(temporary, path);
}

/**
 * Records one chain's contracts in the addresses module at `path` (default: the
 * package's), keeping every other chain. Returns the path written.
 */
export async function writeChainAddresses(
  chainId: number,
  contracts: ChainContracts | ProductionContracts,
  path: string = ADDRESSES_MODULE_PATH,
): Promise<string> {
  let existing: StoredAddresses = {};
  try {
    existing = parseAddressesModule(await readFile(path, "utf8"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const stored: Record<string, StoredLocation> = {};
  for (const name of MESI_CONTRACTS) {
    const location = (contracts as Partial<ChainContracts>)[name];
    if (location === undefined) {
      if (name === "TestUSDC") continue; // production chains have none
      throw new Error(`writeChainAddresses: no ${name} for chain ${chainId}`);
    }
    stored[name] = { address: location.address, blockNumber: Number(location.blockNumber) };
  }
  existing[String(chainId)] = stored;
  await writeAtomically(path, renderAddressesModule(existing));
  return path;
}
