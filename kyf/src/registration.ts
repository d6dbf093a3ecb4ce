// The registration data a fan gives once (legal name, date of birth, country) and the rules it must meet. Browser-safe:
// the webapp checks the same schema before sending, the service checks it again before storing.
import { z } from "zod";

import { ISO_COUNTRY_CODES } from "./countries.ts";

/** Youngest age accepted, in whole years. */
export const MINIMUM_AGE = 18;
const MAXIMUM_AGE = 130;
export const MAX_LEGAL_NAME_LENGTH = 200;

export interface RegistrationData {
  /** The name on the fan's identity document. */
  readonly legalName: string;
  /** `YYYY-MM-DD`. */
  readonly dateOfBirth: string;
  /** ISO 3166-1 alpha-2, upper case. */
  readonly country: string;
}

/** Whole years between a `YYYY-MM-DD` birth date and `now` (UTC calendar). */
export function ageOn(dateOfBirth: string, now: Date): number {
  const [year, month, day] = dateOfBirth.split("-").map(Number) as [number, number, number];
  let age = now.getUTCFullYear() - year;
  const beforeBirthday = now.getUTCMonth() + 1 < month || (now.getUTCMonth() + 1 === month && now.getUTCDate() < day);
  if (beforeBirthday) age -= 1;
  return age;
}

function isCalendarDate(value: string): boolean {
  const [year, month, day] = value.split("-").map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** The schema as of `now` (the adult check depends on the day). */
export function registrationSchema(now: Date = new Date()) {
  return z.object({
    legalName: z
      .string()
      .trim()
      .min(2, "Give your full legal name.")
      .max(MAX_LEGAL_NAME_LENGTH, `Use at most ${MAX_LEGAL_NAME_LENGTH} characters.`)
      // Letters of any script, spaces, and the marks names use (hyphen, apostrophe, period).
      .regex(/^[\p{L}\p{M}][\p{L}\p{M} .'’-]*$/u, "Use letters, spaces, hyphens, apostrophes and periods only."),
    dateOfBirth: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, "Enter your date of birth.")
      .refine(isCalendarDate, "That date does not exist.")
      .refine((value) => ageOn(value, now) >= MINIMUM_AGE, `You must be at least ${MINIMUM_AGE} to verify.`)
      .refine((value) => ageOn(value, now) <= MAXIMUM_AGE, "Check the year of birth."),
    country: z
      .string()
      .trim()
      .transform((value) => value.toUpperCase())
      .refine((value) => ISO_COUNTRY_CODES.has(value), "Choose your country."),
  }) satisfies z.ZodType<RegistrationData, z.ZodTypeDef, unknown>;
}

export { ISO_COUNTRY_CODES } from "./countries.ts";
