// A session token lets the webapp's server, which holds the fan's SIWE session,
// vouch for a wallet to another Mesi service (the stream gate, the message hub)
// without sharing a database: `v1.<payload>.<mac>`, HMAC-SHA256 over the
// payload with a secret both sides are configured with. Tokens are bound to one
// audience and expire quickly, so a leaked one is worth little.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

import { getAddress, isAddress, type Address } from "viem";

const VERSION = "v1";
const ADDRESS_FORM = /^0x[0-9a-fA-F]{40}$/;

/** What a token says: this wallet signed in, for this service, until `expiresAt`. */
export interface SessionClaims {
  /** The signed-in wallet (checksummed). */
  readonly address: Address;
  /** The service the token is for, e.g. `"stream-gate"`, `"message-hub"`. */
  readonly audience: string;
  /** Unix seconds. */
  readonly issuedAt: number;
  /** Unix seconds; the token is refused from this second on. */
  readonly expiresAt: number;
  /** Random id, so a service can refuse a token it has seen (replay). */
  readonly id: string;
}

export type SessionTokenFailure = "malformed" | "bad_signature" | "expired" | "wrong_audience" | "not_yet_valid";

/** Raised by {@link verifySessionToken}; `reason` says which check refused the token. */
export class SessionTokenError extends Error {
  override readonly name = "SessionTokenError";
  readonly reason: SessionTokenFailure;

  constructor(reason: SessionTokenFailure, message: string) {
    super(message);
    this.reason = reason;
  }
}

export interface SignSessionTokenParameters {
  readonly address: Address;
  readonly audience: string;
  /** Seconds the token lives; at most a day. */
  readonly ttlSeconds: number;
  readonly secret: string;
  /** Unix seconds; defaults to the system clock. */
  readonly now?: number;
}

const MIN_SECRET_LENGTH = 32;

function assertSecret(secret: string): void {
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new Error(`session secret must be at least ${MIN_SECRET_LENGTH} characters`);
  }
}

function mac(secret: string, body: string): Buffer {
  return createHmac("sha256", secret).update(body).digest();
}

/** Signs a token that {@link verifySessionToken} accepts for `audience` until `now + ttlSeconds`. */
export function signSessionToken(parameters: SignSessionTokenParameters): string {
  assertSecret(parameters.secret);
  if (!isAddress(parameters.address)) throw new Error(`not an address: ${parameters.address}`);
  if (!Number.isInteger(parameters.ttlSeconds) || parameters.ttlSeconds <= 0 || parameters.ttlSeconds > 86_400) {
    throw new Error(`ttlSeconds must be an integer in 1..86400, got ${parameters.ttlSeconds}`);
  }
  const issuedAt = parameters.now ?? Math.floor(Date.now() / 1000);
  const claims: SessionClaims = {
    address: getAddress(parameters.address),
    audience: parameters.audience,
    issuedAt,
    expiresAt: issuedAt + parameters.ttlSeconds,
    id: randomBytes(12).toString("base64url"),
  };
  const payload = Buffer.from(JSON.stringify(claims)).toString("base64url");
  const body = `${VERSION}.${payload}`;
  return `${body}.${mac(parameters.secret, body).toString("base64url")}`;
}

export interface VerifySessionTokenParameters {
  readonly token: string;
  readonly audience: string;
  readonly secret: string;
  /** Unix seconds; defaults to the system clock. */
  readonly now?: number;
}

/** The token's claims, or a {@link SessionTokenError} naming the check that refused it. */
export function verifySessionToken(parameters: VerifySessionTokenParameters): SessionClaims {
  assertSecret(parameters.secret);
  const parts = parameters.token.split(".");
  if (parts.length !== 3 || parts[0] !== VERSION) {
    throw new SessionTokenError("malformed", "session token is not in the v1.<payload>.<mac> form");
  }
  const body = `${parts[0]}.${parts[1]}`;
  const given = Buffer.from(parts[2]!, "base64url");
  const expected = mac(parameters.secret, body);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new SessionTokenError("bad_signature", "session token signature does not match");
  }
  let claims: SessionClaims;
  try {
    claims = JSON.parse(Buffer.from(parts[1]!, "base64url").toString("utf8")) as SessionClaims;
  } catch {
    throw new SessionTokenError("malformed", "session token payload is not JSON");
  }
  if (
    typeof claims.address !== "string" ||
    !ADDRESS_FORM.test(claims.address) ||
    typeof claims.audience !== "string" ||
    !Number.isInteger(claims.issuedAt) ||
    !Number.isInteger(claims.expiresAt) ||
    typeof claims.id !== "string"
  ) {
    throw new SessionTokenError("malformed", "session token payload lacks a field");
  }
  const now = parameters.now ?? Math.floor(Date.now() / 1000);
  if (claims.audience !== parameters.audience) {
    throw new SessionTokenError(
      "wrong_audience",
      `session token is for ${claims.audience}, not ${parameters.audience}`,
    );
  }
  if (now >= claims.expiresAt) throw new SessionTokenError("expired", "session token has expired");
  if (claims.issuedAt > now + 30) throw new SessionTokenError("not_yet_valid", "session token is issued in the future");
  // The MAC proves the payload is what signSessionToken wrote, and it writes the checksummed form: checksumming
  // again per request cost two keccak hashes whenever viem's 8,192-entry address caches miss (a gate serving
  // 10,000 fans missed on every request: ~4x the verify time).
  return claims;
}
