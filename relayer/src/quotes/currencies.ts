// The card currencies the relayer accepts, each with its ISO 4217 minor unit
// (digits after the decimal point): a price is computed in that unit, so ¥100
// is 100, not 10000. A currency missing here is refused when the configuration
// is parsed. Stripe's zero-decimal currencies are ISO's 0-digit ones; its
// three-decimal ones are ISO's 3-digit ones.
export const CURRENCY_MINOR_UNITS = {
  aed: 2,
  aud: 2,
  bgn: 2,
  bhd: 3,
  bif: 0,
  brl: 2,
  cad: 2,
  chf: 2,
  clp: 0,
  cny: 2,
  czk: 2,
  djf: 0,
  dkk: 2,
  eur: 2,
  gbp: 2,
  gnf: 0,
  hkd: 2,
  huf: 2,
  idr: 2,
  ils: 2,
  inr: 2,
  isk: 0,
  jod: 3,
  jpy: 0,
  kmf: 0,
  krw: 0,
  kwd: 3,
  mga: 0,
  mxn: 2,
  myr: 2,
  nok: 2,
  nzd: 2,
  omr: 3,
  php: 2,
  pln: 2,
  pyg: 0,
  ron: 2,
  rwf: 0,
  sek: 2,
  sgd: 2,
  thb: 2,
  tnd: 3,
  try: 2,
  twd: 2,
  ugx: 0,
  usd: 2,
  vnd: 0,
  vuv: 0,
  xaf: 0,
  xof: 0,
  xpf: 0,
  zar: 2,
} as const satisfies Record<string, 0 | 2 | 3>;

export type Currency = keyof typeof CURRENCY_MINOR_UNITS;

export function isCurrency(code: string): code is Currency {
  return Object.hasOwn(CURRENCY_MINOR_UNITS, code);
}

export function minorUnitsOf(currency: Currency): number {
  return CURRENCY_MINOR_UNITS[currency];
}

/** An amount in minor units as a person reads it: "1,234.50 USD", "1,234 JPY", "1.250 KWD". */
export function formatMinor(minor: bigint, currency: Currency): string {
  const digits = minorUnitsOf(currency);
  const scale = 10n ** BigInt(digits);
  const whole = (minor / scale).toLocaleString("en-US");
  const fraction = digits === 0 ? "" : `.${(minor % scale).toString().padStart(digits, "0")}`;
  return `${whole}${fraction} ${currency.toUpperCase()}`;
}
