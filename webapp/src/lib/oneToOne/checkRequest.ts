// A one-to-one request as typed by a fan, checked against the creator's settings and the fan's balance before
// anything is sent: an amount ≥ the creator's minimum, a whole number of minutes the creator allows.
import { parseAmount, type AmountProblem } from "$lib/amounts/parseAmount";

export interface OneToOneTerms {
  readonly minAmount: bigint;
  readonly minMinutes: number;
  readonly maxMinutes: number;
}

export type RequestProblem =
  | { readonly field: "amount"; readonly problem: AmountProblem; readonly decimals: number }
  | { readonly field: "amount"; readonly problem: "belowMinimum"; readonly minAmount: bigint }
  | { readonly field: "amount"; readonly problem: "moreThanBalance"; readonly balance: bigint }
  | { readonly field: "minutes"; readonly problem: "durationNotAllowed"; readonly min: number; readonly max: number };

export type CheckedRequest =
  | { readonly ok: true; readonly amount: bigint; readonly minutes: number }
  | { readonly ok: false; readonly problems: readonly RequestProblem[] };

export function checkRequest(
  amountText: string,
  minutesText: string,
  terms: OneToOneTerms,
  balance: bigint | null,
  decimals = 18,
): CheckedRequest {
  const problems: RequestProblem[] = [];
  const amount = parseAmount(amountText, decimals);
  if (!amount.ok) problems.push({ field: "amount", problem: amount.problem, decimals });
  else if (amount.value < terms.minAmount)
    problems.push({ field: "amount", problem: "belowMinimum", minAmount: terms.minAmount });
  else if (balance !== null && amount.value > balance)
    problems.push({ field: "amount", problem: "moreThanBalance", balance });
  const text = minutesText.trim();
  const minutes = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(minutes >= terms.minMinutes && minutes <= terms.maxMinutes)) {
    problems.push({ field: "minutes", problem: "durationNotAllowed", min: terms.minMinutes, max: terms.maxMinutes });
  }
  if (problems.length > 0 || !amount.ok) return { ok: false, problems };
  return { ok: true, amount: amount.value, minutes };
}
