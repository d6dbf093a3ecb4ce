// Errors the HTTP layer turns into clear responses. Each carries a stable
// machine-readable `code`, an HTTP status and a message a person can act on.

export class RelayerError extends Error {
  override readonly name: string = "RelayerError";
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

/** The caller sent something wrong: 400 (or 404/409/422 as given). Not retryable as is. */
export class BadRequestError extends RelayerError {
  override readonly name = "BadRequestError";
  constructor(code: string, message: string, details?: Record<string, unknown>, status = 400) {
    super(code, message, status, details);
  }
}

/** The fan's monthly gas sponsorship is spent: 402 with how to pay gas themselves. */
export class SponsorshipExhaustedError extends RelayerError {
  override readonly name = "SponsorshipExhaustedError";
  constructor(message: string, details: Record<string, unknown>) {
    super("sponsorship_exhausted", message, 402, details);
  }
}

/** A dependency (chain node, database) failed; the caller may retry. */
export class UnavailableError extends RelayerError {
  override readonly name = "UnavailableError";
  constructor(message: string, details?: Record<string, unknown>) {
    super("unavailable", message, 503, details);
  }
}

export function toJsonSafe(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (_key, inner: unknown) => (typeof inner === "bigint" ? inner.toString() : inner)),
  );
}
