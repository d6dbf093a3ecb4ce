// A creator's one-to-one settings as typed in the studio, checked before anything is sent, with the escrow's own
// rules (IOneToOneEscrow.setSettings): whole minutes with 5 <= shortest <= longest <= 30; a minimum above zero
// while on, and one no session amount exceeds (2^96 - 1 base units).
import { parseAmount, type AmountProblem } from "$lib/amounts/parseAmount";

/** The escrow's duration bounds, in minutes. */
export const SESSION_MINUTES = { min: 5, max: 30 } as const;
/** The largest minimum a creator may set: a session's amount is a uint96. */
export const MAX_SESSION_AMOUNT = (1n << 96n) - 1n;

export interface SettingsForm {
  readonly enabled: boolean;
  readonly minAmountText: string;
  readonly minMinutesText: string;
  readonly maxMinutesText: string;
}

export interface CheckedSettingsValue {
  readonly enabled: boolean;
  readonly minAmount: bigint;
  readonly minMinutes: number;
  readonly maxMinutes: number;
}

export type SettingsProblem =
  | { readonly field: "minAmount"; readonly problem: AmountProblem; readonly decimals: number }
  | { readonly field: "minAmount"; readonly problem: "tooLarge"; readonly max: bigint }
  | {
      readonly field: "minMinutes" | "maxMinutes";
      readonly problem: "outOfRange";
      readonly min: number;
      readonly max: number;
    }
  | { readonly field: "maxMinutes"; readonly problem: "belowShortest"; readonly shortest: number };

export type CheckedSettings =
  | { readonly ok: true; readonly settings: CheckedSettingsValue }
  | { readonly ok: false; readonly problems: readonly SettingsProblem[] };

function wholeMinutes(text: string): number | null {
  const trimmed = text.trim();
  if (!/^\d{1,3}$/.test(trimmed)) return null;
  const value = Number(trimmed);
  return value >= SESSION_MINUTES.min && value <= SESSION_MINUTES.max ? value : null;
}

export function checkSettings(form: SettingsForm, decimals = 18): CheckedSettings {
  const problems: SettingsProblem[] = [];
  let minAmount = 0n;
  // Switched off, an empty minimum is fine (the escrow takes 0); anything typed must still be a valid amount.
  const amountText = form.minAmountText.trim();
  if (form.enabled || amountText !== "") {
    const parsed = parseAmount(amountText, decimals);
    if (!parsed.ok && !(parsed.problem === "zero" && !form.enabled)) {
      problems.push({ field: "minAmount", problem: parsed.problem, decimals });
    } else if (parsed.ok && parsed.value > MAX_SESSION_AMOUNT) {
      problems.push({ field: "minAmount", problem: "tooLarge", max: MAX_SESSION_AMOUNT });
    } else if (parsed.ok) {
      minAmount = parsed.value;
    }
  }
  const range = { problem: "outOfRange", min: SESSION_MINUTES.min, max: SESSION_MINUTES.max } as const;
  const minMinutes = wholeMinutes(form.minMinutesText);
  const maxMinutes = wholeMinutes(form.maxMinutesText);
  if (minMinutes === null) problems.push({ field: "minMinutes", ...range });
  if (maxMinutes === null) problems.push({ field: "maxMinutes", ...range });
  else if (minMinutes !== null && maxMinutes < minMinutes) {
    problems.push({ field: "maxMinutes", problem: "belowShortest", shortest: minMinutes });
  }
  if (problems.length > 0 || minMinutes === null || maxMinutes === null) return { ok: false, problems };
  return { ok: true, settings: { enabled: form.enabled, minAmount, minMinutes, maxMinutes } };
}
