import { describe, expect, it } from "vitest";

import { chainClockOffset, formatCountdown, formatElapsed } from "./countdown";

describe("formatCountdown", () => {
  it("reads as minutes:seconds, then hours, then days; never negative", () => {
    expect(formatCountdown(0)).toBe("0:00");
    expect(formatCountdown(247)).toBe("4:07");
    expect(formatCountdown(3600 + 5 * 60 + 59)).toBe("1 h 05 min");
    expect(formatCountdown(86_400 * 3 + 4 * 3600 + 10)).toBe("3 d 4 h");
    expect(formatCountdown(-30)).toBe("0:00");
  });
});

describe("chainClockOffset", () => {
  it("follows a chain whose time was moved ahead, and never runs behind the wall clock", () => {
    expect(chainClockOffset(1_000_000 + 86_401, 1_000_000)).toBe(86_401);
    expect(chainClockOffset(999_990, 1_000_000)).toBe(0);
  });
});

describe("formatElapsed", () => {
  it("seconds, then whole minutes, then hours and days", () => {
    expect(formatElapsed(0)).toBe("0 s");
    expect(formatElapsed(12)).toBe("12 s");
    expect(formatElapsed(59 * 60 + 59)).toBe("59 min");
    expect(formatElapsed(2 * 3600 + 5 * 60)).toBe("2 h 05 min");
    expect(formatElapsed(3 * 86_400 + 4 * 3600)).toBe("3 d 4 h");
  });
});
