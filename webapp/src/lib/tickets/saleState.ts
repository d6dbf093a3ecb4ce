// Where a ticket sale stands for a buyer: open (with how many are left), sold out, closed by the creator, or past
// its end. Read from the contract's `saleOf` or the index's TicketSale, whichever is newer.

export interface SaleFacts {
  readonly supply: bigint | number | string;
  readonly sold: bigint | number | string;
  /** Unix seconds; 0 = no end. */
  readonly endsAt: bigint | number | string;
  readonly closed: boolean;
}

export type SaleState =
  | { readonly kind: "open"; readonly remaining: number }
  | { readonly kind: "soldOut" }
  | { readonly kind: "closed" }
  | { readonly kind: "ended" };

export function saleState(sale: SaleFacts, nowSeconds: number): SaleState {
  if (sale.closed) return { kind: "closed" };
  const endsAt = Number(sale.endsAt);
  if (endsAt !== 0 && endsAt <= nowSeconds) return { kind: "ended" };
  const remaining = Number(sale.supply) - Number(sale.sold);
  return remaining <= 0 ? { kind: "soldOut" } : { kind: "open", remaining };
}
