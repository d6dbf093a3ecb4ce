import { describe, expect, it } from "vitest";

import { parseAddress } from "./parseAddress";

const me = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

describe("parseAddress", () => {
  it("accepts lower case and checksummed addresses, returning the checksummed form", () => {
    expect(parseAddress(" 0x70997970c51812dc3a010c7d01b50e0d17dc79c8 ")).toEqual({ ok: true, address: me });
    expect(parseAddress(me)).toEqual({ ok: true, address: me });
  });

  it("refuses a bad checksum, a short address, the zero address and oneself (unless allowed)", () => {
    expect(parseAddress("0x70997970C51812DC3a010C7d01b50e0d17dc79C8")).toEqual({ ok: false, problem: "invalid" });
    expect(parseAddress("0x1234")).toEqual({ ok: false, problem: "invalid" });
    expect(parseAddress("")).toEqual({ ok: false, problem: "empty" });
    expect(parseAddress("0x0000000000000000000000000000000000000000")).toEqual({ ok: false, problem: "zero" });
    expect(parseAddress(me.toLowerCase(), me)).toEqual({ ok: false, problem: "self" });
    expect(parseAddress(me, me, { allowSelf: true })).toEqual({ ok: true, address: me });
  });
});
