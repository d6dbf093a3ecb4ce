// Dates and countdowns for the KYF pages, through Intl.
import { m } from "$lib/i18n";

import { formatTimeLeft } from "./disclosureState";

const dateTime = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });
const dateOnly = new Intl.DateTimeFormat("en", { dateStyle: "long", timeZone: "UTC" });
const regions = new Intl.DisplayNames(["en"], { type: "region" });

export const formatWhen = (unixSeconds: number): string => dateTime.format(new Date(unixSeconds * 1000));
/** A `YYYY-MM-DD` calendar date, without shifting it into the reader's time zone. */
export const formatBirthDate = (isoDate: string): string => dateOnly.format(new Date(`${isoDate}T00:00:00Z`));
export const countryName = (code: string): string => regions.of(code) ?? code;
export function timeLeft(seconds: number): string {
  const { days, hours, minutes } = formatTimeLeft(seconds);
  return m.kyf.timeLeft(days, hours, minutes);
}
