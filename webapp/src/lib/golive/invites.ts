// Invite links to a private stream, signed by the creator's wallet (the stream's invite signer, see
// streamRules.ts) with the gate's EIP-712 types, and revoked one by one through the gate. The studio remembers
// the links it made in this browser so the creator can copy or revoke them later.
import { getAccount, signTypedData, type Config } from "@wagmi/core";
import { encodeInviteToken, inviteEip712Domain, inviteTypes } from "@mesi/streaming/invite";
import { toHex, zeroAddress, type Address, type Hex } from "viem";

import { WalletDisconnectedError } from "$lib/errors";

export interface InviteLink {
  readonly streamId: string;
  readonly id: Hex;
  /** Unix seconds. */
  readonly expiresAt: number;
  readonly token: string;
  readonly createdAt: number;
  readonly revoked: boolean;
}

export interface InviteContext {
  readonly wagmi: Config;
  readonly chainId: number;
  /** The CreatorRegistry: the EIP-712 domain's verifying contract. */
  readonly registry: Address;
}

export class GateRequestError extends Error {
  override readonly name = "GateRequestError";
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Longest life of an invite the studio makes: 30 days. */
export const MAX_INVITE_HOURS = 24 * 30;

function signer(context: InviteContext): Address {
  const account = getAccount(context.wagmi);
  if (account.address === undefined || account.status !== "connected") {
    throw new WalletDisconnectedError("no wallet is connected");
  }
  return account.address;
}

/** Signs an invite anyone holding the link may use, valid for `hours`. */
export async function createInvite(
  context: InviteContext,
  streamId: bigint,
  hours: number,
  nowSeconds: number,
): Promise<InviteLink> {
  const account = signer(context);
  const id = toHex(crypto.getRandomValues(new Uint8Array(32)));
  const claims = { streamId, invitee: zeroAddress, expiresAt: nowSeconds + Math.round(hours * 3600), id } as const;
  const signature = await signTypedData(context.wagmi, {
    account,
    domain: inviteEip712Domain({ chainId: context.chainId, registry: context.registry }),
    types: inviteTypes,
    primaryType: "StreamInvite",
    message: { ...claims, expiresAt: BigInt(claims.expiresAt) },
  });
  return {
    streamId: streamId.toString(),
    id,
    expiresAt: claims.expiresAt,
    token: encodeInviteToken(claims, signature),
    createdAt: nowSeconds,
    revoked: false,
  };
}

/** Revokes one invite: the creator signs RevokeInvite and the gate stops admitting its holders at once. */
export async function revokeInvite(context: InviteContext, gateUrl: string, invite: InviteLink): Promise<void> {
  const account = signer(context);
  const streamId = BigInt(invite.streamId);
  const signature = await signTypedData(context.wagmi, {
    account,
    domain: inviteEip712Domain({ chainId: context.chainId, registry: context.registry }),
    types: inviteTypes,
    primaryType: "RevokeInvite",
    message: { streamId, id: invite.id },
  });
  const response = await fetch(`${gateUrl}/invites/revoke`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ streamId: invite.streamId, id: invite.id, signature }),
  }).catch(() => {
    throw new GateRequestError(0, "the stream gate is unreachable");
  });
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { error?: string };
    throw new GateRequestError(response.status, body.error ?? `the gate answered ${response.status}`);
  }
}

/** The viewer's link: the stream page with the invite token. */
export function inviteUrl(origin: string, invite: Pick<InviteLink, "streamId" | "token">): string {
  return `${origin}/live/${invite.streamId}?invite=${invite.token}`;
}

const storageKey = (creator: Address) => `mesi.invites.${creator.toLowerCase()}`;

export function loadInvites(creator: Address): InviteLink[] {
  try {
    const raw = localStorage.getItem(storageKey(creator));
    return raw === null ? [] : (JSON.parse(raw) as InviteLink[]);
  } catch {
    return [];
  }
}

export function saveInvites(creator: Address, invites: readonly InviteLink[]): void {
  try {
    localStorage.setItem(storageKey(creator), JSON.stringify(invites));
  } catch {
    // storage full or disabled: the links still work, the studio just forgets them
  }
}
