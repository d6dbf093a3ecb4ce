export { parseAmount, type AmountProblem, type ParsedAmount } from "./parseAmount";
export { formatAmount, formatFiat, formatToken, type FormatAmountOptions } from "./formatAmount";
export { splitFee, BPS_DENOMINATOR, type FeeSplit } from "./fee";

/** $MESI has 18 decimals, like ether. */
export const MESI_DECIMALS = 18;
export { formatUnits, parseUnits } from "./units";
