// Which stablecoin the pages quote and pay in, per chain. A local chain (`npm start`, tests) lists TestUSDC in its
// deployment; a real chain has no TestUSDC, so its USDC address must be configured — a deployment without one is
// refused when the configuration is parsed, not when a fan first tries to pay.
import type { ChainAddresses } from "@mesi/deployments";
import { getAddress, isAddress, type Address } from "viem";

import { ConfigError } from "./errors";

/** Chains that only ever run on this machine: anvil/Hardhat (31337) and the old default dev chain id (1337). */
export const LOCAL_CHAIN_IDS: ReadonlySet<number> = new Set([31337, 1337]);

export interface StablecoinConfig {
  readonly address: Address;
  readonly symbol: string;
  readonly decimals: number;
}

export interface StablecoinSettings {
  readonly chainId: number;
  readonly addresses: ChainAddresses;
  /** PUBLIC_STABLECOIN_ADDRESS, when set. */
  readonly configuredAddress?: string | undefined;
}

/** The stablecoin for `chainId`: the configured address, else (local chains only) the deployment's TestUSDC. */
export function parseStablecoinConfig(settings: StablecoinSettings): StablecoinConfig {
  const { chainId, addresses, configuredAddress } = settings;
  if (configuredAddress !== undefined) {
    if (!isAddress(configuredAddress)) {
      throw new ConfigError(`PUBLIC_STABLECOIN_ADDRESS is not an address: "${configuredAddress}"`);
    }
    return { address: getAddress(configuredAddress), symbol: "USDC", decimals: 6 };
  }
  if (!LOCAL_CHAIN_IDS.has(chainId)) {
    throw new ConfigError(
      `chain ${chainId} is not a local chain: set PUBLIC_STABLECOIN_ADDRESS to the USDC listed on its StableConverter`,
    );
  }
  const local = addresses.TestUSDC?.address;
  if (local === undefined || !isAddress(local)) {
    throw new ConfigError(`the local deployment for chain ${chainId} has no TestUSDC; set PUBLIC_STABLECOIN_ADDRESS`);
  }
  return { address: getAddress(local), symbol: "USDC", decimals: 6 };
}
