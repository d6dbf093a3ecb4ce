// The decision "may creator C read fan F now", over every combination of its inputs.
import type { Address } from "viem";
import { describe, expect, it } from "vitest";

import { decideDisclosure } from "../src/disclosurePolicy.ts";

const creator: Address = "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65";
const fan: Address = "0x976EA74026E726554dB657fA54763abd0C3a0aa9";

describe("decideDisclosure", () => {
  const cases = [
    { registered: true, consented: true, expected: { allow: true } },
    { registered: true, consented: false, expected: { allow: false, reason: "no_consent" } },
    { registered: false, consented: true, expected: { allow: false, reason: "not_registered" } },
    { registered: false, consented: false, expected: { allow: false, reason: "not_registered" } },
  ] as const;
  for (const { registered, consented, expected } of cases) {
    it(`registered=${registered}, consent on-chain=${consented} → ${expected.allow ? "allow" : expected.reason}`, () => {
      const decision = decideDisclosure({ creator, fan, registered, consent: { consented, blockNumber: 42n } });
      expect(decision).toEqual({ ...expected, blockNumber: 42n });
    });
  }

  it("a creator never reads their own record through this path, whatever the chain says", () => {
    const decision = decideDisclosure({
      creator: fan,
      fan: fan.toLowerCase() as Address,
      registered: true,
      consent: { consented: true, blockNumber: 7n },
    });
    expect(decision).toEqual({ allow: false, reason: "self", blockNumber: 7n });
  });

  it("names the block whose state decided", () => {
    const decision = decideDisclosure({
      creator,
      fan,
      registered: true,
      consent: { consented: false, blockNumber: 9n },
    });
    expect(decision.blockNumber).toBe(9n);
  });
});
