import { describe, expect, it } from "vitest";

import {
  apiSearch,
  checkFilters,
  DEFAULT_FILTERS,
  filtersToSearch,
  narrows,
  parseFilters,
  rowMatcher,
} from "./filters";
import type { AuditFilters, AuditRow } from "./types";

const CREATOR = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const FAN = "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc";

describe("filters <-> URL", () => {
  it("round-trips every filter through the page's query string", () => {
    const filters: AuditFilters = {
      ledger: "payments",
      creator: CREATOR.toLowerCase(),
      fan: FAN,
      source: "stablecoin",
      from: "2026-01-01",
      to: "2026-01-31",
      sort: "amount",
      dir: "asc",
    };
    const search = filtersToSearch(filters);
    expect(search.toString()).toBe(
      `ledger=payments&creator=${CREATOR.toLowerCase()}&fan=${FAN}&source=stablecoin&from=2026-01-01&to=2026-01-31&sort=amount&dir=asc`,
    );
    expect(parseFilters(new URLSearchParams(search.toString()))).toEqual({ filters, problems: [] });
  });

  it("leaves defaults out of the URL and reads an empty URL as the defaults", () => {
    expect(filtersToSearch(DEFAULT_FILTERS).toString()).toBe("");
    expect(parseFilters(new URLSearchParams(""))).toEqual({ filters: DEFAULT_FILTERS, problems: [] });
  });

  it("lowercases addresses and accepts upper-case choices", () => {
    const { filters, problems } = parseFilters(new URLSearchParams(`creator=${CREATOR}&source=FIAT&ledger=Tips`));
    expect(problems).toEqual([]);
    expect(filters.creator).toBe(CREATOR.toLowerCase());
    expect(filters.source).toBe("fiat");
    expect(filters.ledger).toBe("tips");
  });

  it("names every bad part and keeps the good ones", () => {
    const { filters, problems } = checkFilters({
      creator: "0x1234",
      fan: FAN,
      source: "gold",
      from: "2026-02-30",
      sort: "size",
    });
    expect(new Set(problems.map((p) => `${p.field}:${p.code}`))).toEqual(
      new Set(["creator:address", "source:choice", "from:date", "sort:choice"]),
    );
    expect(problems).toHaveLength(4);
    expect(filters.creator).toBeNull();
    expect(filters.fan).toBe(FAN);
    expect(filters.source).toBeNull();
    expect(filters.sort).toBe("time");
  });

  it("refuses an inverted date range and drops both dates", () => {
    const { filters, problems } = checkFilters({ from: "2026-03-10", to: "2026-03-01" });
    expect(problems).toEqual([{ field: "to", code: "range" }]);
    expect(filters.from).toBeNull();
    expect(filters.to).toBeNull();
    // One day is a valid range.
    expect(checkFilters({ from: "2026-03-01", to: "2026-03-01" }).problems).toEqual([]);
  });
});

describe("filters -> auditor API", () => {
  it("sends the stablecoin group as both on-chain sources and the days as a [from, to) range in unix seconds", () => {
    const { filters } = checkFilters({ source: "stablecoin", from: "2026-01-01", to: "2026-01-02", fan: FAN });
    const search = apiSearch(filters);
    expect(search.get("source")).toBe("STABLECOIN,RELAYER_STABLECOIN");
    expect(search.get("from")).toBe(String(Date.UTC(2026, 0, 1) / 1000));
    expect(search.get("to")).toBe(String(Date.UTC(2026, 0, 3) / 1000));
    expect(search.get("fan")).toBe(FAN);
    expect(search.has("creator")).toBe(false);
  });
});

describe("refining loaded rows in the browser", () => {
  const base = (extra: Partial<AuditFilters>): AuditFilters => ({ ...DEFAULT_FILTERS, ...extra });

  it("narrows when the new filter only adds conditions or shortens the range", () => {
    expect(narrows(base({}), base({ creator: FAN, source: "fiat", from: "2026-01-01" }))).toBe(true);
    expect(
      narrows(base({ from: "2026-01-01", to: "2026-01-31" }), base({ from: "2026-01-05", to: "2026-01-06" })),
    ).toBe(true);
    expect(narrows(base({ creator: FAN }), base({ creator: null }))).toBe(false);
    expect(narrows(base({ from: "2026-01-05" }), base({ from: "2026-01-01" }))).toBe(false);
    expect(narrows(base({ to: "2026-01-05" }), base({}))).toBe(false);
    expect(narrows(base({}), base({ ledger: "payments" }))).toBe(false);
  });

  it("matches rows as the API filters them: inclusive days in UTC", () => {
    const row = (timestamp: number, source = "MESI"): AuditRow => ({
      id: String(timestamp),
      timestamp,
      blockNumber: 1,
      transactionHash: "0x",
      creator: CREATOR.toLowerCase(),
      fan: FAN,
      source,
      kind: null,
      amount: 1n,
      fee: 0n,
      creditStatus: null,
    });
    const jan1 = Date.UTC(2026, 0, 1) / 1000;
    const match = rowMatcher(base({ from: "2026-01-01", to: "2026-01-01", source: "stablecoin" }));
    expect(match(row(jan1, "RELAYER_STABLECOIN"))).toBe(true);
    expect(match(row(jan1 + 86_399, "STABLECOIN"))).toBe(true);
    expect(match(row(jan1 + 86_400, "STABLECOIN"))).toBe(false);
    expect(match(row(jan1 - 1, "STABLECOIN"))).toBe(false);
    expect(match(row(jan1, "MESI"))).toBe(false);
    expect(rowMatcher(base({ creator: FAN }))(row(jan1))).toBe(false);
  });
});
