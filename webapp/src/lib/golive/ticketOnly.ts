// Whether the ticket-only switch may be turned on: only with a ticket sale (the contract's Tickets_NoSale
// otherwise). Turning it off is always allowed.
export interface SaleSummary {
  /** Zero = no sale configured. */
  readonly price: bigint | string;
}

export type TicketOnlyProblem = "no_sale";

export function checkTicketOnly(sale: SaleSummary | null, enable: boolean): TicketOnlyProblem | null {
  if (!enable) return null;
  if (sale === null || BigInt(sale.price) === 0n) return "no_sale";
  return null;
}
