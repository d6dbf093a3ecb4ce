// The contracts' enums as plain constants (no ABI import), so code the SQLite worker loads can use them.

/** MesiTypes.PaymentSource */
export const PaymentSource = { Mesi: 0, Stablecoin: 1, Fiat: 2, RelayerStablecoin: 3 } as const;

/** MesiTypes.TipChannel */
export const TipChannel = { Profile: 0, Messenger: 1, Stream: 2, TipLink: 3 } as const;
