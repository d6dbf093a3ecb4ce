// KYF errors the pages show through describeError.

/** The KYF verifier answered with an error (`{ error, message }`): its message is written for people. */
export class KyfServiceError extends Error {
  override readonly name = "KyfServiceError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A creator asked a fan who has no valid attestation: nothing was sent. */
export class KyfFanNotAttestedError extends Error {
  override readonly name = "KyfFanNotAttestedError";
}

/** The KYF verifier is not configured for this deployment. */
export class KyfUnavailableError extends Error {
  override readonly name = "KyfUnavailableError";
}
