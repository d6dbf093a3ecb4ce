// What a creator types to open or change a ticket sale, checked before anything is sent: the price (in $MESI,
// > 0 and within the contract's uint128), the supply (a whole number, 1 to the contract's uint32, not below what
// is already sold), transferability and an optional end in the future (the contract's uint40 seconds).
import { MESI_DECIMALS, parseAmount, type AmountProblem } from "$lib/amounts";

/** The contract stores the price as uint128. */
export const MAX_TICKET_PRICE = 2n ** 128n - 1n;
/** …and the supply as uint32. */
export const MAX_TICKET_SUPPLY = 2 ** 32 - 1;

export type SaleProblem =
  | { readonly field: "price"; readonly problem: AmountProblem | "too_high" }
  | { readonly field: "supply"; readonly problem: "empty" | "not_whole" | "zero" | "too_high" | "below_sold" }
  | { readonly field: "endsAt"; readonly problem: "not_a_date" | "in_the_past" };

export interface SaleInput {
  readonly price: bigint;
  readonly supply: number;
  readonly transferable: boolean;
  /** Unix seconds; 0 = no end. */
  readonly endsAt: number;
}

export interface SaleForm {
  readonly price: string;
  readonly supply: string;
  readonly transferable: boolean;
  /** `<input type="datetime-local">` value in the creator's time zone, or "" for no end. */
  readonly endsAt: string;
}

export function parseSaleInput(
  form: SaleForm,
  options: { readonly nowSeconds: number; readonly sold?: number },
): { ok: true; value: SaleInput } | { ok: false; problems: SaleProblem[] } {
  const problems: SaleProblem[] = [];
  const price = parseAmount(form.price, MESI_DECIMALS);
  if (!price.ok) problems.push({ field: "price", problem: price.problem });
  else if (price.value > MAX_TICKET_PRICE) problems.push({ field: "price", problem: "too_high" });

  const supplyText = form.supply.trim().replace(/[\s,_]/g, "");
  let supply = 0;
  if (supplyText === "") problems.push({ field: "supply", problem: "empty" });
  else if (!/^\d+$/.test(supplyText)) problems.push({ field: "supply", problem: "not_whole" });
  else if (BigInt(supplyText) === 0n) problems.push({ field: "supply", problem: "zero" });
  else if (BigInt(supplyText) > BigInt(MAX_TICKET_SUPPLY)) problems.push({ field: "supply", problem: "too_high" });
  else if (Number(supplyText) < (options.sold ?? 0)) problems.push({ field: "supply", problem: "below_sold" });
  else supply = Number(supplyText);

  let endsAt = 0;
  if (form.endsAt.trim() !== "") {
    const ms = new Date(form.endsAt).getTime();
    if (Number.isNaN(ms) || ms / 1000 >= 2 ** 40) problems.push({ field: "endsAt", problem: "not_a_date" });
    else if (Math.floor(ms / 1000) <= options.nowSeconds) problems.push({ field: "endsAt", problem: "in_the_past" });
    else endsAt = Math.floor(ms / 1000);
  }
  if (problems.length > 0 || !price.ok) return { ok: false, problems };
  return { ok: true, value: { price: price.value, supply, transferable: form.transferable, endsAt } };
}
