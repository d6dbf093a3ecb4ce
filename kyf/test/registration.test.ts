// The registration rules: an adult, a real calendar date, an ISO 3166-1 country, a plausible legal name.
import { describe, expect, it } from "vitest";

import { ISO_COUNTRY_CODES } from "../src/countries.ts";
import { ageOn, registrationSchema } from "../src/registration.ts";

const now = new Date("2026-12-07T12:00:00Z");
const valid = { legalName: "Ada Lovelace", dateOfBirth: "1990-01-31", country: "gb" };

describe("registrationSchema", () => {
  it("accepts an adult with a real date and country (country upper-cased, name trimmed)", () => {
    expect(registrationSchema(now).parse({ ...valid, legalName: "  Ada Lovelace " })).toEqual({
      legalName: "Ada Lovelace",
      dateOfBirth: "1990-01-31",
      country: "GB",
    });
  });

  it("turns 18 on the birthday, not the day before", () => {
    expect(registrationSchema(now).safeParse({ ...valid, dateOfBirth: "2008-12-07" }).success).toBe(true);
    const minor = registrationSchema(now).safeParse({ ...valid, dateOfBirth: "2008-12-08" });
    expect(minor.success).toBe(false);
    expect(minor.error?.issues[0]?.message).toMatch(/at least 18/);
    expect(ageOn("2008-12-08", now)).toBe(17);
  });

  it("refuses impossible dates, other formats, unknown or reserved countries and odd names", () => {
    const refuse = (patch: Record<string, string>) => registrationSchema(now).safeParse({ ...valid, ...patch }).success;
    expect(refuse({ dateOfBirth: "1990-02-30" })).toBe(false);
    expect(refuse({ dateOfBirth: "31/01/1990" })).toBe(false);
    expect(refuse({ dateOfBirth: "1850-01-01" })).toBe(false);
    expect(refuse({ country: "XK" })).toBe(false);
    expect(refuse({ country: "UK" })).toBe(false);
    expect(refuse({ country: "GBR" })).toBe(false);
    expect(refuse({ legalName: "A" })).toBe(false);
    expect(refuse({ legalName: "<script>" })).toBe(false);
    expect(refuse({ legalName: "Zoë O'Brien-Łukasiewicz" })).toBe(true);
  });

  it("knows the 249 assigned ISO 3166-1 alpha-2 codes", () => {
    expect(ISO_COUNTRY_CODES.size).toBe(249);
  });
});
