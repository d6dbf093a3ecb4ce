// The auditor explorer's domain types: what the URL holds, and one ledger row as the explorer keeps it.

/** Which ledger the explorer shows: tips only, or every payment (tips, tickets, subscriptions, one-to-one). */
export type Ledger = "tips" | "payments";

/** How a person names a payment's source; stablecoin covers the fan's own and the relayer's gasless ones. */
export type SourceGroup = "mesi" | "stablecoin" | "fiat";

export type SortKey = "time" | "amount" | "creator" | "fan" | "source";
export type SortDirection = "asc" | "desc";

/** Everything a shared explorer link holds. Dates are UTC calendar days, both inclusive. */
export interface AuditFilters {
  readonly ledger: Ledger;
  /** Lowercase 0x address, or null for every creator. */
  readonly creator: string | null;
  readonly fan: string | null;
  readonly source: SourceGroup | null;
  /** `YYYY-MM-DD` (UTC), inclusive. */
  readonly from: string | null;
  /** `YYYY-MM-DD` (UTC), inclusive. */
  readonly to: string | null;
  readonly sort: SortKey;
  readonly dir: SortDirection;
}

export type FilterField = "creator" | "fan" | "source" | "from" | "to" | "ledger" | "sort" | "dir";

export interface FilterProblem {
  readonly field: FilterField;
  readonly code: "address" | "date" | "range" | "choice";
}

/** One tip or payment, as the auditor API exports it, with amounts as bigint base units. */
export interface AuditRow {
  readonly id: string;
  /** Unix seconds of the block. */
  readonly timestamp: number;
  readonly blockNumber: number;
  readonly transactionHash: string;
  readonly creator: string;
  readonly fan: string;
  /** The on-chain source: MESI, STABLECOIN, FIAT or RELAYER_STABLECOIN. */
  readonly source: string;
  /** Payments only: TIP, TICKET, SUBSCRIPTION, ONE_TO_ONE. */
  readonly kind: string | null;
  readonly amount: bigint;
  readonly fee: bigint;
  /** Fiat and relayer credits: HELD, CLEARED or REVERSED. */
  readonly creditStatus: string | null;
}

export interface SourceTotal {
  readonly source: SourceGroup;
  readonly count: number;
  readonly amount: bigint;
  readonly fee: bigint;
}

export interface Totals {
  readonly count: number;
  readonly amount: bigint;
  readonly fee: bigint;
  /** amount − fee: what the creators were credited. */
  readonly net: bigint;
  readonly bySource: readonly SourceTotal[];
}
