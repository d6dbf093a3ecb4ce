// The fiat reconciliation report (auditor API `GET /audit/reconcile`) as one list of card payments: each matched
// to its on-chain credit or reversal, or flagged with what differs. Mismatches come first.

export interface ChainCredit {
  readonly paymentRef: string;
  readonly status: string;
  readonly amount: string;
  readonly creditTransactionHash: string;
}

export interface RelayerRecord {
  readonly paymentRef: string;
  readonly amount: string;
  readonly status: string;
}

export interface ReconcileReport {
  readonly block: string | null;
  readonly relayerRecords: number;
  readonly chainCredits: number;
  readonly matched: number;
  readonly matches: readonly { paymentRef: string; relayer: RelayerRecord; chain: ChainCredit | null }[];
  readonly mismatches: readonly {
    kind: string;
    paymentRef: string;
    detail: string;
    relayer: RelayerRecord | null;
    chain: ChainCredit | null;
  }[];
}

export interface ReconcileLine {
  readonly paymentRef: string;
  /** null: matched; else the mismatch kind. */
  readonly problem: string | null;
  readonly detail: string | null;
  readonly relayerStatus: string | null;
  readonly relayerAmount: bigint | null;
  readonly chainStatus: string | null;
  readonly chainAmount: bigint | null;
  readonly transactionHash: string | null;
}

const big = (value: string | undefined | null): bigint | null => {
  if (value === undefined || value === null || !/^\d+$/.test(String(value))) return null;
  return BigInt(value);
};

export function reconcileLines(report: ReconcileReport): ReconcileLine[] {
  const line = (
    paymentRef: string,
    problem: string | null,
    detail: string | null,
    relayer: RelayerRecord | null,
    chain: ChainCredit | null,
  ): ReconcileLine => ({
    paymentRef,
    problem,
    detail,
    relayerStatus: relayer ? String(relayer.status) : null,
    relayerAmount: relayer ? big(String(relayer.amount)) : null,
    chainStatus: chain?.status ?? null,
    chainAmount: chain ? big(chain.amount) : null,
    transactionHash: chain?.creditTransactionHash ?? null,
  });
  return [
    ...report.mismatches.map((m) => line(m.paymentRef, m.kind, m.detail, m.relayer, m.chain)),
    ...report.matches.map((m) => line(m.paymentRef, null, null, m.relayer, m.chain)),
  ];
}
