// Sign-In with Ethereum (EIP-4361): a nonce cookie, a verified signature, then an httpOnly session cookie
// holding a signed token (see @mesi/auth). Later services (stream gate, message hub) get short-lived tokens
// minted from this session.
import type { Cookies } from "@sveltejs/kit";
import { SessionTokenError, signSessionToken, verifySessionToken } from "@mesi/auth";
import { createPublicClient, http, type Address, type Hex } from "viem";
import { generateSiweNonce, parseSiweMessage } from "viem/siwe";

import { serverConfig } from "./config";

export const SESSION_COOKIE = "mesi_session";
const NONCE_COOKIE = "mesi_siwe_nonce";
const SESSION_AUDIENCE = "webapp";
// @mesi/auth signs tokens for at most a day (signSessionToken refuses longer): a week here made every sign-in fail.
export const SESSION_TTL_SECONDS = 24 * 3600;

export interface Session {
  readonly address: Address;
  readonly chainId: number;
  readonly expiresAt: number;
}

function cookieOptions(url: URL, maxAge: number) {
  return { path: "/", httpOnly: true, sameSite: "lax" as const, secure: url.protocol === "https:", maxAge };
}

/** Starts a sign-in: a fresh nonce, remembered in an httpOnly cookie for ten minutes. */
export function issueNonce(cookies: Cookies, url: URL): string {
  const nonce = generateSiweNonce();
  cookies.set(NONCE_COOKIE, nonce, cookieOptions(url, 600));
  return nonce;
}

export class SignInError extends Error {
  override readonly name = "SignInError";
}

/** Checks a signed SIWE message against the nonce cookie, this site and the chain; sets the session cookie. */
export async function completeSignIn(cookies: Cookies, url: URL, message: string, signature: Hex): Promise<Session> {
  const config = serverConfig();
  const nonce = cookies.get(NONCE_COOKIE);
  if (nonce === undefined) throw new SignInError("the sign-in request expired; start again");
  const fields = parseSiweMessage(message);
  if (fields.address === undefined) throw new SignInError("the message names no address");
  if (fields.domain !== url.host) throw new SignInError(`the message is for ${String(fields.domain)}, not ${url.host}`);
  if (fields.chainId !== config.public.chainId) throw new SignInError("the message is for another network");
  const client = createPublicClient({ transport: http(config.public.rpcUrl) });
  const valid = await client.verifySiweMessage({ message, signature, domain: url.host, nonce });
  if (!valid) throw new SignInError("the signature does not match the message");
  cookies.delete(NONCE_COOKIE, { path: "/" });
  const token = signSessionToken({
    address: fields.address,
    audience: SESSION_AUDIENCE,
    ttlSeconds: SESSION_TTL_SECONDS,
    secret: config.sessionSecret,
  });
  cookies.set(SESSION_COOKIE, token, cookieOptions(url, SESSION_TTL_SECONDS));
  return readSession(token) as Session;
}

/** The session a cookie proves, or null (missing, forged or expired). */
export function readSession(token: string | undefined): Session | null {
  if (token === undefined) return null;
  try {
    const claims = verifySessionToken({ token, audience: SESSION_AUDIENCE, secret: serverConfig().sessionSecret });
    return { address: claims.address, chainId: serverConfig().public.chainId, expiresAt: claims.expiresAt };
  } catch (error) {
    if (error instanceof SessionTokenError) return null;
    throw error;
  }
}

export function endSession(cookies: Cookies): void {
  cookies.delete(SESSION_COOKIE, { path: "/" });
}

/** Services that accept a token minted from the session. */
export const SERVICE_AUDIENCES = ["stream-gate", "message-hub", "kyf-verifier"] as const;
export type ServiceAudience = (typeof SERVICE_AUDIENCES)[number];

/** A token (≤ 60 s) that vouches for the signed-in wallet to one other Mesi service. */
export function mintServiceToken(session: Session, audience: ServiceAudience, ttlSeconds = 60): string {
  return signSessionToken({
    address: session.address,
    audience,
    ttlSeconds: Math.min(ttlSeconds, 60),
    secret: serverConfig().sessionSecret,
  });
}
