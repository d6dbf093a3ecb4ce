// EIP-1559 fees: the node's estimate, and the bump a replacement needs (nodes
// refuse a replacement that raises both fees by less than 10 %).
import type { Chain, PublicClient, Transport } from "viem";

export interface Fees {
  readonly maxFeePerGas: bigint;
  readonly maxPriorityFeePerGas: bigint;
}

export async function estimateFees(publicClient: PublicClient<Transport, Chain>): Promise<Fees> {
  const { maxFeePerGas, maxPriorityFeePerGas } = await publicClient.estimateFeesPerGas({ type: "eip1559" });
  return { maxFeePerGas, maxPriorityFeePerGas };
}

function raise(value: bigint, percent: number): bigint {
  const raised = (value * BigInt(100 + percent) + 99n) / 100n;
  return raised > value ? raised : value + 1n;
}

/** Fees for a replacement: at least `percent` above the previous ones, and never below the current estimate. */
export function bumpFees(previous: Fees, current: Fees, percent: number): Fees {
  const bump = Math.max(percent, 10);
  const priority = [raise(previous.maxPriorityFeePerGas, bump), current.maxPriorityFeePerGas].reduce((a, b) =>
    a > b ? a : b,
  );
  let maxFee = [raise(previous.maxFeePerGas, bump), current.maxFeePerGas].reduce((a, b) => (a > b ? a : b));
  if (maxFee < priority) maxFee = priority;
  return { maxFeePerGas: maxFee, maxPriorityFeePerGas: priority };
}

/** Each fee held to the ceiling (the priority fee never above the max fee). */
export function capFees(fees: Fees, ceiling: Fees): Fees {
  const maxFeePerGas = fees.maxFeePerGas < ceiling.maxFeePerGas ? fees.maxFeePerGas : ceiling.maxFeePerGas;
  let maxPriorityFeePerGas =
    fees.maxPriorityFeePerGas < ceiling.maxPriorityFeePerGas ? fees.maxPriorityFeePerGas : ceiling.maxPriorityFeePerGas;
  if (maxPriorityFeePerGas > maxFeePerGas) maxPriorityFeePerGas = maxFeePerGas;
  return { maxFeePerGas, maxPriorityFeePerGas };
}

/** True when `next` raises both fees of `previous` by the 10 % a node needs to accept a replacement. */
export function isReplacementBump(previous: Fees, next: Fees): boolean {
  return (
    next.maxFeePerGas >= raise(previous.maxFeePerGas, 10) &&
    next.maxPriorityFeePerGas >= raise(previous.maxPriorityFeePerGas, 10)
  );
}

/** The configured fee ceiling (tx.maxFeePerGas, tx.maxPriorityFeePerGas): no transaction is signed above it. */
export function feeCeilingOf(config: {
  readonly tx: { readonly maxFeePerGas: bigint; readonly maxPriorityFeePerGas: bigint };
}): Fees {
  return { maxFeePerGas: config.tx.maxFeePerGas, maxPriorityFeePerGas: config.tx.maxPriorityFeePerGas };
}
