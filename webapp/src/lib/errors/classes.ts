// The errors Mesi's own code raises. No imports: any page may throw or test for them without loading viem.

/** The gasless payment a relayer request asked for, so a refusal can be told in that payment's words. */
export type RelayerAction = "tip" | "stablecoinTip" | "ticket" | "stablecoinTicket";

/** An answer from the relayer's HTTP API that was not 2xx: `{ error, message }`. */
export class RelayerRequestError extends Error {
  override readonly name = "RelayerRequestError";
  readonly status: number;
  readonly code: string;
  readonly details: Readonly<Record<string, unknown>>;
  /** Which gasless payment was refused (unset for quotes, status reads and other services' answers). */
  readonly action: RelayerAction | undefined;

  constructor(
    status: number,
    code: string,
    message: string,
    details: Record<string, unknown> = {},
    action?: RelayerAction,
  ) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
    this.action = action;
  }
}

/** The relayer could not be reached at all. */
export class RelayerUnreachableError extends Error {
  override readonly name = "RelayerUnreachableError";
}

/** The wallet went away in the middle of a flow. */
export class WalletDisconnectedError extends Error {
  override readonly name = "WalletDisconnectedError";
}

/** The connected wallet lacks MODERATOR_ROLE on the contract that decides; nothing was sent. */
export class NotModeratorError extends Error {
  override readonly name = "NotModeratorError";
}

/** A moderator's split outside 0–10,000 basis points; nothing was sent. */
export class InvalidSplitError extends Error {
  override readonly name = "InvalidSplitError";
}

/** The converter has not quoted a USDC price yet, or this deployment lists no stablecoin; nothing was sent. */
export class StablecoinUnavailableError extends Error {
  override readonly name = "StablecoinUnavailableError";
  constructor(message = "no stablecoin quote") {
    super(message);
  }
}

/** A card payment that did not go through (Stripe's message for the payer, or the relayer's quote was unusable). */
export class CardPaymentError extends Error {
  override readonly name = "CardPaymentError";
}
