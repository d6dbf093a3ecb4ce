import { abis } from "@mesi/deployments";
import { decodeAbiParameters, keccak256, stringToBytes, zeroHash } from "viem";
import { describe, expect, it } from "vitest";

import { encodeTipData, memoHashOf, TipChannel } from "./tipData";

const creator = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8" as const;

describe("tip data", () => {
  it("encodes 128 bytes that decode to the vault's (creator, channel, ref, memoHash)", () => {
    const ref = keccak256(stringToBytes("link"));
    const data = encodeTipData(creator, TipChannel.TipLink, ref, memoHashOf("Great set!"));
    expect((data.length - 2) / 2).toBe(128);
    const [c, ch, r, m] = decodeAbiParameters(
      [{ type: "address" }, { type: "uint8" }, { type: "bytes32" }, { type: "bytes32" }],
      data,
    );
    expect([c, ch, r, m]).toEqual([creator, 3, ref, keccak256(stringToBytes("Great set!"))]);
  });

  it("uses the channel numbering of the contracts' TipChannel enum", () => {
    const encode = abis.MesiVault.find((item) => item.type === "function" && item.name === "encodeTipData");
    expect(encode?.inputs[1]?.internalType).toBe("enum MesiTypes.TipChannel");
    expect(TipChannel).toEqual({ Profile: 0, Messenger: 1, Stream: 2, TipLink: 3 });
  });

  it("hashes an empty memo to zero", () => {
    expect(memoHashOf("  ")).toBe(zeroHash);
  });
});
