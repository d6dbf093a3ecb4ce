import { sessionIdOf } from "@mesi/deployments";
import { describe, expect, it } from "vitest";

import { sessionBelongsTo } from "./sessionBelongsTo";

describe("sessionBelongsTo", () => {
  const fan = "0x00000000000000000000000000000000000000aa" as const;
  const creator = "0x00000000000000000000000000000000000000bb" as const;
  it("matches the pair the id was made from, in that order", () => {
    const id = sessionIdOf(fan, creator, 3n);
    expect(sessionBelongsTo(id, fan, creator)).toBe(true);
    expect(sessionBelongsTo(id, creator, fan)).toBe(false);
    expect(sessionBelongsTo(3n, fan, creator)).toBe(false);
  });
});
