import { parseEther, zeroAddress } from "viem";
import { describe, expect, it } from "vitest";

import { MAX_TICKET_PRICE, parseSaleInput } from "./saleInput";
import { checkTitle, parseStreamRules, streamMetadataUri } from "./streamRules";
import { checkTicketOnly } from "./ticketOnly";

const creator = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8" as const;
const now = 1_800_000_000;
const sale = (over: Partial<Parameters<typeof parseSaleInput>[0]> = {}) =>
  parseSaleInput({ price: "50", supply: "100", transferable: false, endsAt: "", ...over }, { nowSeconds: now });

describe("parseSaleInput", () => {
  it("turns a valid form into base units", () => {
    expect(sale({ price: "12.5", supply: "1,000", transferable: true })).toEqual({
      ok: true,
      value: { price: parseEther("12.5"), supply: 1000, transferable: true, endsAt: 0 },
    });
  });
  it("refuses zero supply, a non-whole supply and one below the tickets already sold", () => {
    expect(sale({ supply: "0" })).toEqual({ ok: false, problems: [{ field: "supply", problem: "zero" }] });
    expect(sale({ supply: "2.5" })).toEqual({ ok: false, problems: [{ field: "supply", problem: "not_whole" }] });
    expect(sale({ supply: "4294967296" })).toEqual({
      ok: false,
      problems: [{ field: "supply", problem: "too_high" }],
    });
    const below = parseSaleInput(
      { price: "1", supply: "3", transferable: false, endsAt: "" },
      { nowSeconds: now, sold: 4 },
    );
    expect(below).toEqual({ ok: false, problems: [{ field: "supply", problem: "below_sold" }] });
  });
  it("refuses a zero price and one beyond the contract's uint128", () => {
    expect(sale({ price: "0" })).toEqual({ ok: false, problems: [{ field: "price", problem: "zero" }] });
    const tooHigh = (MAX_TICKET_PRICE / 10n ** 18n + 1n).toString();
    expect(sale({ price: tooHigh })).toEqual({ ok: false, problems: [{ field: "price", problem: "too_high" }] });
  });
  it("takes an end in the future and refuses one in the past", () => {
    const future = new Date((now + 3600) * 1000).toISOString().slice(0, 16);
    const parsed = sale({ endsAt: future });
    expect(parsed.ok && parsed.value.endsAt > now).toBe(true);
    const past = new Date((now - 60) * 1000).toISOString().slice(0, 16);
    expect(sale({ endsAt: past })).toEqual({ ok: false, problems: [{ field: "endsAt", problem: "in_the_past" }] });
  });
});

describe("parseStreamRules", () => {
  const form = {
    access: "private" as const,
    followers: false,
    minTierRank: "",
    minTipped: "",
    invites: false,
    kyfLevel: 0,
  };
  it("public streams carry no private criteria", () => {
    expect(parseStreamRules({ ...form, access: "public", followers: true, minTipped: "5" }, creator)).toEqual({
      ok: true,
      value: {
        isPrivate: false,
        followers: false,
        minTierRank: 0,
        minTipped: 0n,
        inviteSigner: zeroAddress,
        kyfLevel: 0,
      },
    });
  });
  it("a private stream needs a way in; invites are signed by the creator", () => {
    expect(parseStreamRules(form, creator)).toEqual({ ok: false, problems: ["no_way_in"] });
    expect(parseStreamRules({ ...form, invites: true, minTipped: "10", kyfLevel: 2 }, creator)).toEqual({
      ok: true,
      value: {
        isPrivate: true,
        followers: false,
        minTierRank: 0,
        minTipped: parseEther("10"),
        inviteSigner: creator,
        kyfLevel: 2,
      },
    });
  });
  it("refuses a bad rank, tipped minimum or KYF level", () => {
    expect(parseStreamRules({ ...form, minTierRank: "300" }, creator)).toEqual({
      ok: false,
      problems: ["tier_rank_invalid"],
    });
    expect(parseStreamRules({ ...form, minTipped: "-1", followers: true }, creator)).toEqual({
      ok: false,
      problems: ["min_tipped_invalid"],
    });
    expect(parseStreamRules({ ...form, followers: true, kyfLevel: 4 }, creator)).toEqual({
      ok: false,
      problems: ["kyf_level_invalid"],
    });
  });
  it("titles and their metadata document", () => {
    expect(checkTitle("  ")).toBe("title_empty");
    expect(checkTitle("x".repeat(81))).toBe("title_too_long");
    const uri = streamMetadataUri("Friday — live ✨");
    const json = new TextDecoder().decode(Uint8Array.from(atob(uri.split(",")[1]!), (c) => c.charCodeAt(0)));
    expect(JSON.parse(json)).toEqual({ title: "Friday — live ✨" });
  });
});

describe("checkTicketOnly", () => {
  it("refuses to switch on without a sale, always allows switching off", () => {
    expect(checkTicketOnly(null, true)).toBe("no_sale");
    expect(checkTicketOnly({ price: "0" }, true)).toBe("no_sale");
    expect(checkTicketOnly({ price: 5n }, true)).toBeNull();
    expect(checkTicketOnly(null, false)).toBeNull();
  });
});
