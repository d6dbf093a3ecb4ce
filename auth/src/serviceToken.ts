// A bearer token one Mesi service presents to another over loopback/internal HTTP (the stream gate asking the
// message hub who is in a group). Derived from the secret both already share, per purpose, so no new secret
// has to be configured and a token for one internal route opens no other.
import { createHmac, timingSafeEqual } from "node:crypto";

/** The token for `purpose` (a fixed route name, e.g. "group-streams"). */
export function serviceToken(secret: string, purpose: string): string {
  return createHmac("sha256", secret).update(`mesi-service:${purpose}`).digest("base64url");
}

/** Whether `presented` is the token for `purpose`; constant time. */
export function isServiceToken(presented: string | undefined, secret: string, purpose: string): boolean {
  if (presented === undefined) return false;
  const expected = Buffer.from(serviceToken(secret, purpose));
  const given = Buffer.from(presented);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
