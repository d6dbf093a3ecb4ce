// The errors Mesi's own code raises. No imports: any page may throw or test for them without loading viem.

/** An answer from the relayer's HTTP API that was not 2xx: `{ error, message }`. */
export class RelayerRequestError extends Error {
  override readonly name = "RelayerRequestError";
  readonly status: number;
  readonly code: string;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(status: number, code: string, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
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
