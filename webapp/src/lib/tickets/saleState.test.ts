import { describe, expect, it } from "vitest";

import { saleState } from "./saleState";

describe("saleState", () => {
  const base = { supply: "3", sold: "1", endsAt: "0", closed: false };

  it("counts what is left while open", () => {
    expect(saleState(base, 1_000)).toEqual({ kind: "open", remaining: 2 });
    expect(saleState({ ...base, endsAt: 2_000n }, 1_000)).toEqual({ kind: "open", remaining: 2 });
  });

  it("tells sold out, closed and ended apart (closed first, then ended)", () => {
    expect(saleState({ ...base, sold: 3 }, 1_000)).toEqual({ kind: "soldOut" });
    expect(saleState({ ...base, sold: 3, closed: true }, 1_000)).toEqual({ kind: "closed" });
    expect(saleState({ ...base, endsAt: 1_000 }, 1_000)).toEqual({ kind: "ended" });
  });
});
