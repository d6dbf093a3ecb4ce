// Amounts typed by a person become base-unit bigints here, exactly: no floats anywhere, no upper limit.
import { parseUnits } from "./units";

export type AmountProblem = "empty" | "not_a_number" | "negative" | "zero" | "too_many_decimals";

export type ParsedAmount =
  | { readonly ok: true; readonly value: bigint }
  | { readonly ok: false; readonly problem: AmountProblem; readonly decimals: number };

const NUMBER = /^\d+(\.\d*)?$|^\.\d+$/;

/**
 * Parses what a fan typed ("1,250.5", "0.000001", "99999999999") into base units of a token with `decimals`.
 * Group separators (",", "_", spaces) are ignored; the decimal point is ".".
 */
export function parseAmount(input: string, decimals: number): ParsedAmount {
  const text = input.trim().replace(/[\s,_]/g, "");
  if (text === "") return { ok: false, problem: "empty", decimals };
  if (text.startsWith("-")) return { ok: false, problem: "negative", decimals };
  if (!NUMBER.test(text)) return { ok: false, problem: "not_a_number", decimals };
  const fraction = text.split(".")[1] ?? "";
  if (fraction.replace(/0+$/, "").length > decimals) return { ok: false, problem: "too_many_decimals", decimals };
  const value = parseUnits(text.endsWith(".") ? text.slice(0, -1) : text, decimals);
  if (value === 0n) return { ok: false, problem: "zero", decimals };
  return { ok: true, value };
}
