// Invite links to private streams. The stream's `inviteSigner` (a key the
// creator's studio holds; ICreatorRegistry.StreamRules) signs EIP-712 typed data
// naming the stream, the invitee (or nobody = whoever holds the link), an expiry
// and a random id. The link carries the claims and the signature as one
// base64url token. Revoking: one invite by id through the gate (POST
// /invites/revoke, signed by the same signer or the creator), or every invite
// at once by rotating `inviteSigner` on-chain.
import { getAddress, isAddress, isHex, recoverTypedDataAddress, type Address, type Hex, type LocalAccount } from "viem";

import type { CheckedInvite } from "./decideAccess.ts";

/** The EIP-712 domain: one per deployment (the registry that holds `inviteSigner`). */
export interface InviteDomain {
  readonly chainId: number;
  readonly registry: Address;
}

/** The EIP-712 domain of invites and revocations (the studio signs with it from the creator's wallet). */
export const inviteEip712Domain = (d: InviteDomain) =>
  ({ name: "Mesi Stream Invite", version: "1", chainId: d.chainId, verifyingContract: d.registry }) as const;
const domainOf = inviteEip712Domain;

export const inviteTypes = {
  StreamInvite: [
    { name: "streamId", type: "uint256" },
    { name: "invitee", type: "address" },
    { name: "expiresAt", type: "uint64" },
    { name: "id", type: "bytes32" },
  ],
  RevokeInvite: [
    { name: "streamId", type: "uint256" },
    { name: "id", type: "bytes32" },
  ],
} as const;

export interface InviteClaims {
  readonly streamId: bigint;
  /** Zero address = whoever holds the link. */
  readonly invitee: Address;
  /** Unix seconds. */
  readonly expiresAt: number;
  /** Random 32 bytes; what a revocation names. */
  readonly id: Hex;
}

export class InviteFormatError extends Error {
  override readonly name = "InviteFormatError";
}

/** Signs an invite with the stream's invite signer and returns the link token. */
export async function signInvite(signer: LocalAccount, domain: InviteDomain, claims: InviteClaims): Promise<string> {
  const signature = await signer.signTypedData({
    domain: domainOf(domain),
    types: inviteTypes,
    primaryType: "StreamInvite",
    message: { ...claims, expiresAt: BigInt(claims.expiresAt) },
  });
  return encodeInviteToken(claims, signature);
}

/** The link token of signed claims (base64url JSON); works in browsers too (no Buffer). */
export function encodeInviteToken(claims: InviteClaims, signature: Hex): string {
  const body = { s: claims.streamId.toString(), i: claims.invitee, e: claims.expiresAt, d: claims.id, sig: signature };
  const bytes = new TextEncoder().encode(JSON.stringify(body));
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Decodes a link token and recovers who signed it; throws {@link InviteFormatError} on a malformed token. */
export async function readInvite(
  token: string,
  domain: InviteDomain,
): Promise<Omit<CheckedInvite, "revoked"> & { readonly id: Hex }> {
  let body: { s?: unknown; i?: unknown; e?: unknown; d?: unknown; sig?: unknown };
  try {
    body = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch {
    throw new InviteFormatError("invite is not a base64url JSON token");
  }
  if (
    typeof body.s !== "string" ||
    !/^\d{1,78}$/.test(body.s) ||
    typeof body.i !== "string" ||
    !isAddress(body.i) ||
    typeof body.e !== "number" ||
    !Number.isSafeInteger(body.e) ||
    body.e < 0 ||
    !isHex(body.d) ||
    body.d.length !== 66 ||
    !isHex(body.sig)
  ) {
    throw new InviteFormatError("invite lacks a field or has a malformed one");
  }
  const claims = { streamId: BigInt(body.s), invitee: getAddress(body.i), expiresAt: body.e, id: body.d };
  let signer: Address;
  try {
    signer = await recoverTypedDataAddress({
      domain: domainOf(domain),
      types: inviteTypes,
      primaryType: "StreamInvite",
      message: { ...claims, expiresAt: BigInt(claims.expiresAt) },
      signature: body.sig,
    });
  } catch {
    throw new InviteFormatError("invite signature is malformed");
  }
  return { ...claims, signer };
}

/** Signs the revocation of one invite (by the invite signer or the creator). */
export function signInviteRevocation(
  account: LocalAccount,
  domain: InviteDomain,
  revocation: { readonly streamId: bigint; readonly id: Hex },
): Promise<Hex> {
  return account.signTypedData({
    domain: domainOf(domain),
    types: inviteTypes,
    primaryType: "RevokeInvite",
    message: revocation,
  });
}

/** Who signed a revocation. */
export function revocationSigner(
  domain: InviteDomain,
  revocation: { readonly streamId: bigint; readonly id: Hex },
  signature: Hex,
): Promise<Address> {
  return recoverTypedDataAddress({
    domain: domainOf(domain),
    types: inviteTypes,
    primaryType: "RevokeInvite",
    message: revocation,
    signature,
  });
}
