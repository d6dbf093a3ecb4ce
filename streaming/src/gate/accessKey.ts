// Viewer access keys: a @mesi/auth session token the webapp's server (which
// holds the fan's SIWE session) mints for one stream, for at most 60 seconds.
// The audience names the stream ("stream-gate:<streamId>"), so a key is useless
// for any other stream; the page fetches a fresh one before the last expires.
import { SessionTokenError, signSessionToken, verifySessionToken, type SessionClaims } from "@mesi/auth";
import type { Address } from "viem";

/** Longest life of a viewer access key, in seconds. */
export const MAX_ACCESS_KEY_TTL = 60;

/** The @mesi/auth audience of a key for one stream. */
export const streamGateAudience = (streamId: bigint): string => `stream-gate:${streamId}`;

export interface MintAccessKeyParameters {
  /** The wallet of the signed-in fan (from the SIWE session, never from the request). */
  readonly address: Address;
  readonly streamId: bigint;
  /** The secret shared by the webapp's server and the gate (≥ 32 characters). */
  readonly secret: string;
  /** Default and maximum 60. */
  readonly ttlSeconds?: number;
  readonly now?: number;
}

/** What the webapp's server calls to give a page its `Livepeer-Access-Key`. */
export function mintAccessKey(parameters: MintAccessKeyParameters): string {
  const ttlSeconds = parameters.ttlSeconds ?? MAX_ACCESS_KEY_TTL;
  if (ttlSeconds > MAX_ACCESS_KEY_TTL) throw new Error(`an access key lives at most ${MAX_ACCESS_KEY_TTL} s`);
  return signSessionToken({
    address: parameters.address,
    audience: streamGateAudience(parameters.streamId),
    ttlSeconds,
    secret: parameters.secret,
    now: parameters.now,
  });
}

export type AccessKeyFailure = SessionTokenError["reason"] | "too_long_lived";

export class AccessKeyError extends Error {
  override readonly name = "AccessKeyError";
  constructor(
    readonly reason: AccessKeyFailure,
    message: string,
  ) {
    super(message);
  }
}

/** The wallet a key vouches for on `streamId`, or an {@link AccessKeyError} (forged, expired, other stream…). */
export function verifyAccessKey(key: string, streamId: bigint, secret: string, now?: number): SessionClaims {
  let claims: SessionClaims;
  try {
    claims = verifySessionToken({ token: key, audience: streamGateAudience(streamId), secret, now });
  } catch (error) {
    if (error instanceof SessionTokenError) throw new AccessKeyError(error.reason, error.message);
    throw error;
  }
  if (claims.expiresAt - claims.issuedAt > MAX_ACCESS_KEY_TTL) {
    throw new AccessKeyError("too_long_lived", `access key lives longer than ${MAX_ACCESS_KEY_TTL} s`);
  }
  return claims;
}
