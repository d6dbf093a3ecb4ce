import type { abis } from "./generated/abis.ts";

/** A 20-byte hex address, as viem types it. */
export type Address = `0x${string}`;

/** The name of a Mesi contract, as its Solidity source names it. */
export type ContractName = keyof typeof abis;

/** Where one contract lives on one chain, as the deploy step writes it into `addresses.ts`. */
export interface ContractAddress {
  readonly address: Address;
  /** Block of the deployment transaction (where an indexer starts). A number so the module stays JSON. */
  readonly blockNumber: number;
}

/** Contracts that only a local deployment has: TestUSDC, a test stablecoin anyone can mint. */
export type LocalOnlyContractName = "TestUSDC";

/** Every Mesi contract's address on one chain (a production chain has no TestUSDC). */
export type ChainAddresses = { readonly [K in Exclude<ContractName, LocalOnlyContractName>]: ContractAddress } & {
  readonly [K in LocalOnlyContractName]?: ContractAddress;
};

/**
 * One deployed contract: spread it into viem's `readContract` / `writeContract` / `getContract`. It holds only
 * what such a call takes: a `blockNumber` here would be spread too and pin reads to the deployment block.
 */
export interface DeployedContract<K extends ContractName = ContractName> {
  readonly address: Address;
  readonly abi: (typeof abis)[K];
}

/** Every Mesi contract on one chain, with its ABI (TestUSDC only on a local chain). */
export type Deployment = {
  readonly [K in Exclude<ContractName, LocalOnlyContractName>]: DeployedContract<K>;
} & { readonly [K in LocalOnlyContractName]?: DeployedContract<K> };

/** The block each contract was deployed in (where an indexer starts), kept apart from {@link Deployment}. */
export type StartBlocks = { readonly [K in Exclude<ContractName, LocalOnlyContractName>]: bigint } & {
  readonly [K in LocalOnlyContractName]?: bigint;
};
