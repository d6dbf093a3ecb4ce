import { decodeAbiParameters, size } from "viem";
import { describe, expect, it } from "vitest";

import { encodeSessionRequestData } from "./requestData";

describe("encodeSessionRequestData", () => {
  it("is abi.encode(creator, uint8 minutes): 64 bytes, unlike a tip's 128", () => {
    const creator = "0x00000000000000000000000000000000000000a1";
    const data = encodeSessionRequestData(creator, 15);
    expect(size(data)).toBe(64);
    expect(decodeAbiParameters([{ type: "address" }, { type: "uint8" }], data)).toEqual([
      "0x00000000000000000000000000000000000000A1",
      15,
    ]);
  });
});
