// Solidity enum values → schema enum names (string enums in the store).

/** MesiTypes.PaymentSource. */
export function paymentSourceName(value: i32): string {
  if (value == 0) return "MESI";
  if (value == 1) return "STABLECOIN";
  if (value == 2) return "FIAT";
  if (value == 3) return "RELAYER_STABLECOIN";
  throw new Error("unknown PaymentSource " + value.toString());
}

/** MesiTypes.TipChannel. */
export function tipChannelName(value: i32): string {
  if (value == 0) return "PROFILE";
  if (value == 1) return "MESSENGER";
  if (value == 2) return "STREAM";
  if (value == 3) return "TIP_LINK";
  throw new Error("unknown TipChannel " + value.toString());
}

/** IOneToOneEscrow.Status (None is never emitted). */
export function sessionStatusName(value: i32): string {
  if (value == 1) return "REQUESTED";
  if (value == 2) return "ACCEPTED";
  if (value == 3) return "DECLINED";
  if (value == 4) return "CANCELLED";
  if (value == 5) return "EXPIRED";
  if (value == 6) return "KYF_EXPIRED";
  if (value == 7) return "DISPUTED";
  if (value == 8) return "RELEASED";
  if (value == 9) return "RESOLVED";
  throw new Error("unknown session Status " + value.toString());
}

/** IAbuseReports.Category. */
export function reportCategoryName(value: i32): string {
  if (value == 0) return "OTHER";
  if (value == 1) return "BLOCKED_AFTER_PAYMENT";
  if (value == 2) return "NO_SHOW";
  if (value == 3) return "HARASSMENT";
  if (value == 4) return "FRAUD";
  if (value == 5) return "ILLEGAL_CONTENT";
  throw new Error("unknown report Category " + value.toString());
}

export const SOURCE_FIAT = "FIAT";
export const PURPOSE_TIP: i32 = 0;
