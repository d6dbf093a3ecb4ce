// Keys to a one-to-one call's signaling: a @mesi/auth session token the webapp's server (holding the SIWE
// session) mints for one session id, for at most 60 seconds. The audience names the session, so a key for one
// call opens no other; the gate still checks that the wallet is the call's fan or creator.
import { SessionTokenError, signSessionToken, verifySessionToken, type SessionClaims } from "@mesi/auth";
import type { Address } from "viem";

/** Longest life of a call key, in seconds. */
export const MAX_CALL_KEY_TTL = 60;

export const callAudience = (sessionId: bigint): string => `one-to-one-call:${sessionId}`;

export interface MintCallKeyParameters {
  /** The signed-in wallet (from the SIWE session, never from the request). */
  readonly address: Address;
  readonly sessionId: bigint;
  readonly secret: string;
  /** Default and maximum 60. */
  readonly ttlSeconds?: number;
  readonly now?: number;
}

export function mintCallKey(parameters: MintCallKeyParameters): string {
  const ttlSeconds = parameters.ttlSeconds ?? MAX_CALL_KEY_TTL;
  if (ttlSeconds > MAX_CALL_KEY_TTL) throw new Error(`a call key lives at most ${MAX_CALL_KEY_TTL} s`);
  return signSessionToken({
    address: parameters.address,
    audience: callAudience(parameters.sessionId),
    ttlSeconds,
    secret: parameters.secret,
    now: parameters.now,
  });
}

export class CallKeyError extends Error {
  override readonly name = "CallKeyError";
  constructor(
    readonly reason: SessionTokenError["reason"] | "too_long_lived",
    message: string,
  ) {
    super(message);
  }
}

/** The wallet a key vouches for on call `sessionId`, or a {@link CallKeyError}. */
export function verifyCallKey(key: string, sessionId: bigint, secret: string, now?: number): SessionClaims {
  let claims: SessionClaims;
  try {
    claims = verifySessionToken({ token: key, audience: callAudience(sessionId), secret, now });
  } catch (error) {
    if (error instanceof SessionTokenError) throw new CallKeyError(error.reason, error.message);
    throw error;
  }
  if (claims.expiresAt - claims.issuedAt > MAX_CALL_KEY_TTL) {
    throw new CallKeyError("too_long_lived", `call key lives longer than ${MAX_CALL_KEY_TTL} s`);
  }
  return claims;
}
