import { describe, expect, it } from "vitest";

import { staleBlocks } from "./indexLag";
import { pageFromParam, pageOf, pageWindow } from "./paging";

describe("paging", () => {
  it("asks for one row more than a page, skipping the pages before", () => {
    expect(pageWindow(0, 10)).toEqual({ first: 11, skip: 0 });
    expect(pageWindow(3, 10)).toEqual({ first: 11, skip: 30 });
    expect(() => pageWindow(-1)).toThrow(RangeError);
    expect(() => pageWindow(1.5)).toThrow(RangeError);
  });

  it("keeps a page of rows and tells whether another follows", () => {
    const eleven = Array.from({ length: 11 }, (_, i) => i);
    expect(pageOf(eleven, 10)).toEqual({ rows: eleven.slice(0, 10), hasNext: true });
    expect(pageOf(eleven.slice(0, 10), 10)).toEqual({ rows: eleven.slice(0, 10), hasNext: false });
    expect(pageOf([], 10)).toEqual({ rows: [], hasNext: false });
  });

  it("reads ?page= as 1-based and falls back to the first page", () => {
    expect(pageFromParam("2")).toBe(1);
    expect(pageFromParam(null)).toBe(0);
    expect(pageFromParam("0")).toBe(0);
    expect(pageFromParam("-3")).toBe(0);
    expect(pageFromParam("x")).toBe(0);
    expect(pageFromParam("2.5")).toBe(0);
  });
});

describe("staleBlocks", () => {
  it("reports the lag only beyond the tolerance", () => {
    expect(staleBlocks(100, 105n, 5)).toBeNull();
    expect(staleBlocks(100, 106n, 5)).toBe(6);
    expect(staleBlocks(100, null, 5)).toBeNull();
  });
});
