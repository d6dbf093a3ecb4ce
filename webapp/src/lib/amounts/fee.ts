// What the creator receives from a payment, as the vault computes it: fee = amount × bps / 10,000, rounded down.
export const BPS_DENOMINATOR = 10_000n;

export interface FeeSplit {
  readonly fee: bigint;
  readonly toCreator: bigint;
}

export function splitFee(amount: bigint, feeBps: bigint): FeeSplit {
  const fee = (amount * feeBps) / BPS_DENOMINATOR;
  return { fee, toCreator: amount - fee };
}
