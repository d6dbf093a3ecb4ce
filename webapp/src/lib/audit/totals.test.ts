import { describe, expect, it } from "vitest";

import { dailySeries } from "./daily";
import { rowFromApi, sortRows } from "./rows";
import { totalsFromApi, totalsOf } from "./totals";

const WEI = 10n ** 18n;
// Amounts beyond 2^53 (and beyond 2^64): a float would lose the last digits.
const rows = [
  {
    id: "a",
    timestamp: "1767225600",
    blockNumber: "10",
    source: "MESI",
    amount: (123456789n * WEI + 1n).toString(),
    fee: "3",
  },
  { id: "b", timestamp: "1767225700", blockNumber: "11", source: "FIAT", amount: "18446744073709551617", fee: "1" },
  { id: "c", timestamp: "1767398400", blockNumber: "12", source: "RELAYER_STABLECOIN", amount: "5", fee: "0" },
  { id: "d", timestamp: "1767398401", blockNumber: "13", source: "STABLECOIN", amount: "7", fee: "2" },
].map((r) => rowFromApi({ ...r, transactionHash: "0x", creator: "0xc", fan: "0xf", creditStatus: null }));

describe("totals", () => {
  it("adds amounts and fees exactly in base units, per source group", () => {
    const totals = totalsOf(rows);
    const amount = 123456789n * WEI + 1n + 18446744073709551617n + 5n + 7n;
    expect(totals).toEqual({
      count: 4,
      amount,
      fee: 6n,
      net: amount - 6n,
      bySource: [
        { source: "mesi", count: 1, amount: 123456789n * WEI + 1n, fee: 3n },
        { source: "stablecoin", count: 2, amount: 12n, fee: 2n },
        { source: "fiat", count: 1, amount: 18446744073709551617n, fee: 1n },
      ],
    });
    expect(totalsOf([])).toEqual({ count: 0, amount: 0n, fee: 0n, net: 0n, bySource: [] });
  });

  it("reads the API's totals in the same shape, merging the two stablecoin sources", () => {
    const totals = totalsFromApi({
      count: 3,
      amount: "18446744073709551629",
      fee: "3",
      bySource: [
        { group: "FIAT", count: 1, amount: "18446744073709551617", fee: "1" },
        { group: "STABLECOIN", count: 1, amount: "7", fee: "2" },
        { group: "RELAYER_STABLECOIN", count: 1, amount: "5", fee: "0" },
      ],
    });
    expect(totals.net).toBe(18446744073709551626n);
    expect(totals.bySource).toEqual([
      { source: "stablecoin", count: 2, amount: 12n, fee: 2n },
      { source: "fiat", count: 1, amount: 18446744073709551617n, fee: 1n },
    ]);
  });
});

describe("sorting and daily sums", () => {
  it("sorts by amount as bigints, not as text or floats", () => {
    expect(sortRows(rows, "amount", "asc").map((r) => r.id)).toEqual(["c", "d", "b", "a"]);
    expect(sortRows(rows, "time", "desc").map((r) => r.id)).toEqual(["d", "c", "b", "a"]);
  });

  it("sums each UTC day per source, with empty days in between", () => {
    const daily = dailySeries(rows);
    expect(daily.days).toEqual([1767225600, 1767312000, 1767398400]);
    expect(daily.sums.mesi).toEqual([123456789n * WEI + 1n, 0n, 0n]);
    expect(daily.sums.fiat).toEqual([18446744073709551617n, 0n, 0n]);
    expect(daily.sums.stablecoin).toEqual([0n, 0n, 12n]);
  });
});
