import { describe, expect, it } from "vitest";

import { dailySeries, dayStart } from "./earningsSeries";

const row = (date: number, tips: string, tickets = "0") => ({
  date,
  tipVolume: tips,
  ticketVolume: tickets,
  subscriptionVolume: "0",
  oneToOneVolume: "0",
  fees: "0",
  earned: "0",
  claimed: "0",
});

describe("dailySeries", () => {
  it("fills missing days with zero and stacks the sources", () => {
    const d0 = dayStart(1_700_000_000);
    const series = dailySeries(
      [row(d0, "1500000000000000000", "2000000000000000000"), row(d0 + 2 * 86_400, "1")],
      d0,
      d0 + 2 * 86_400,
    );
    expect(series.days).toEqual([d0, d0 + 86_400, d0 + 2 * 86_400]);
    expect(series.bySource.tipVolume).toEqual([1.5, 0, 1e-18]);
    expect(series.stacked.ticketVolume).toEqual([3.5, 0, 1e-18]);
    expect(series.stacked.oneToOneVolume).toEqual(series.stacked.ticketVolume);
  });
});
