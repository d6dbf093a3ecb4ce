// The messenger's own address helpers against viem's, which they stand in for in the browser bundle.
import { randomBytes } from "node:crypto";

import { getAddress, isAddress, isAddressEqual } from "viem";
import { describe, expect, it } from "vitest";

import { checksumAddress, isAddressLike, isTransactionHash, sameAddress } from "../src/address.ts";

const randomAddress = (): string => `0x${randomBytes(20).toString("hex")}`;
/** The address with some letters' case flipped: a checksum that is almost always wrong. */
const flipCase = (value: string): string =>
  `0x${[...value.slice(2)].map((c, i) => (i % 3 === 0 ? (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()) : c)).join("")}`;

describe("address helpers", () => {
  it("checksum exactly as viem does, for 2,000 random addresses", () => {
    for (let i = 0; i < 2_000; i++) {
      const value = randomAddress();
      expect(checksumAddress(value)).toBe(getAddress(value));
      expect(checksumAddress(value.toUpperCase().replace("0X", "0x"))).toBe(getAddress(value));
    }
  });

  it("judge addresses as viem does, strict and not, including wrong checksums", () => {
    for (let i = 0; i < 2_000; i++) {
      const good = getAddress(randomAddress());
      for (const value of [
        good,
        good.toLowerCase(),
        flipCase(good),
        `${good}0`,
        good.slice(0, 41),
        `0x${"g".repeat(40)}`,
      ]) {
        expect(isAddressLike(value), value).toBe(isAddress(value));
        expect(isAddressLike(value, { strict: false }), value).toBe(isAddress(value, { strict: false }));
      }
    }
  });

  it("refuse to checksum what is not an address", () => {
    for (const value of ["", "0x", "0x123", `0x${"z".repeat(40)}`, `${"0".repeat(42)}`]) {
      expect(() => checksumAddress(value)).toThrow(/is not an address/);
    }
  });

  it("compare accounts whatever their case, and never match a non-address", () => {
    const a = getAddress(randomAddress());
    expect(sameAddress(a, a.toLowerCase())).toBe(isAddressEqual(a, a.toLowerCase() as `0x${string}`));
    expect(sameAddress(a, getAddress(randomAddress()))).toBe(false);
    expect(sameAddress("nobody", "NOBODY")).toBe(false);
  });

  it("recognise a transaction hash", () => {
    expect(isTransactionHash(`0x${"ab".repeat(32)}`)).toBe(true);
    expect(isTransactionHash(`0x${"ab".repeat(31)}`)).toBe(false);
    expect(isTransactionHash(`0x${"zz".repeat(32)}`)).toBe(false);
  });
});
