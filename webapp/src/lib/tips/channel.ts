// Where a tip was given, as the contracts number it. No imports, so every page may use it on first load.

/** Where a tip was given (MesiTypes.TipChannel). */
export const TipChannel = { Profile: 0, Messenger: 1, Stream: 2, TipLink: 3 } as const;
export type TipChannel = (typeof TipChannel)[keyof typeof TipChannel];

/** The channel reference of a tip that has none (bytes32 zero). */
export const NO_CHANNEL_REF = `0x${"0".repeat(64)}` as const;
