import type { ChainAddresses } from "@mesi/deployments";
import { describe, expect, it } from "vitest";

import { ConfigError } from "./errors";
import { parseStablecoinConfig } from "./stablecoin";

const TEST_USDC = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const BASE_USDC = "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913";
const withTestUsdc = { TestUSDC: { address: TEST_USDC, blockNumber: 1 } } as unknown as ChainAddresses;
const production = {} as unknown as ChainAddresses;

describe("parseStablecoinConfig", () => {
  it("uses the local deployment's TestUSDC on a local chain", () => {
    expect(parseStablecoinConfig({ chainId: 31337, addresses: withTestUsdc })).toEqual({
      address: TEST_USDC,
      symbol: "USDC",
      decimals: 6,
    });
  });

  it("uses the configured address on a real chain, checksummed", () => {
    const parsed = parseStablecoinConfig({
      chainId: 8453,
      addresses: production,
      configuredAddress: BASE_USDC.toLowerCase(),
    });
    expect(parsed.address).toBe(BASE_USDC);
  });

  it("prefers the configured address over TestUSDC, even locally", () => {
    expect(
      parseStablecoinConfig({ chainId: 31337, addresses: withTestUsdc, configuredAddress: BASE_USDC }).address,
    ).toBe(BASE_USDC);
  });

  it("refuses a real chain without a configured stablecoin", () => {
    expect(() => parseStablecoinConfig({ chainId: 8453, addresses: production })).toThrow(ConfigError);
    expect(() => parseStablecoinConfig({ chainId: 84532, addresses: withTestUsdc })).toThrow(
      /chain 84532 is not a local chain: set PUBLIC_STABLECOIN_ADDRESS/,
    );
  });

  it("refuses a configured value that is not an address", () => {
    expect(() => parseStablecoinConfig({ chainId: 8453, addresses: production, configuredAddress: "0x1234" })).toThrow(
      /PUBLIC_STABLECOIN_ADDRESS is not an address: "0x1234"/,
    );
  });

  it("refuses a local chain whose deployment lists no TestUSDC", () => {
    expect(() => parseStablecoinConfig({ chainId: 31337, addresses: production })).toThrow(/has no TestUSDC/);
  });
});
