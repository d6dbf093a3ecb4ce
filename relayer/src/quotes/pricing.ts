// Fiat price of a $MESI amount at the configured rate, in the currency's minor
// unit (cents for USD, yen for JPY: see currencies.ts), rounded up so the
// platform never sells below the rate.

export interface FiatRate {
  /** Fiat major units per whole $MESI = numerator / denominator. */
  readonly numerator: bigint;
  readonly denominator: bigint;
}

export const MESI_DECIMALS = 18n;

export function fiatMinorFor(mesiAmount: bigint, rate: FiatRate, currencyDecimals: number): bigint {
  const numerator = mesiAmount * rate.numerator * 10n ** BigInt(currencyDecimals);
  const denominator = rate.denominator * 10n ** MESI_DECIMALS;
  return (numerator + denominator - 1n) / denominator;
}
