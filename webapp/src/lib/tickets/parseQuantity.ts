// A ticket quantity typed by a fan, checked against what is left for sale: a whole number from 1 to `remaining`.

export type QuantityProblem = "empty" | "not_whole" | "zero" | "moreThanLeft";

export type ParsedQuantity =
  { readonly ok: true; readonly value: number } | { readonly ok: false; readonly problem: QuantityProblem };

/** Parses "3" into 3; `remaining` is the supply still for sale (null while unknown). */
export function parseQuantity(input: string, remaining: number | null): ParsedQuantity {
  const text = input.trim();
  if (text === "") return { ok: false, problem: "empty" };
  if (!/^\d+$/.test(text)) return { ok: false, problem: "not_whole" };
  const value = Number(text);
  if (value === 0) return { ok: false, problem: "zero" };
  if (!Number.isSafeInteger(value) || (remaining !== null && value > remaining)) {
    return { ok: false, problem: "moreThanLeft" };
  }
  return { ok: true, value };
}
