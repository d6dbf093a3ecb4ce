import { describe, expect, it } from "vitest";

import { disclosureView, formatTimeLeft } from "./disclosureState";

const window = 48 * 3_600;
const base = { requestedAt: 1_000, consentedAt: 0, consentStands: false, windowSeconds: window };

describe("disclosureView", () => {
  it("never asked", () => {
    expect(disclosureView({ ...base, requestedAt: 0 }, 5_000)).toEqual({
      stage: "none",
      deadline: null,
      secondsLeft: null,
    });
  });
  it("asked, waiting, with the 48-hour deadline and the time left", () => {
    expect(disclosureView(base, 1_000 + 3_600)).toEqual({
      stage: "pending",
      deadline: 1_000 + window,
      secondsLeft: window - 3_600,
    });
  });
  it("overdue once the deadline passes without consent", () => {
    expect(disclosureView(base, 1_000 + window).stage).toBe("overdue");
  });
  it("consented while the chain says consent stands", () => {
    expect(disclosureView({ ...base, consentedAt: 1_200, consentStands: true }, 2_000).stage).toBe("consented");
  });
  it("withdrawn after a revocation (the request stays, consent does not)", () => {
    expect(disclosureView({ ...base, everWithdrawn: true }, 2_000).stage).toBe("withdrawn");
    // A consent given again after a withdrawal counts.
    expect(disclosureView({ ...base, consentStands: true, consentedAt: 1_500, everWithdrawn: true }, 2_000).stage).toBe(
      "consented",
    );
  });
});

describe("formatTimeLeft", () => {
  it("splits seconds into days, hours and minutes", () => {
    expect(formatTimeLeft(47 * 3_600 + 59 * 60 + 30)).toEqual({ days: 1, hours: 23, minutes: 59 });
    expect(formatTimeLeft(-5)).toEqual({ days: 0, hours: 0, minutes: 0 });
  });
});
