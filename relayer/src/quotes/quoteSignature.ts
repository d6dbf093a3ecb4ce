// A quote bound to the fan who asked for it. Before a quote may hold ticket
// seats (or, when sent, for a tip) the fan signs the request with their wallet
// — EIP-712 typed data, which any browser wallet can sign with no extra
// service; a smart-contract wallet signs through ERC-1271. The signature is
// fresh (issuedAt within QUOTE_SIGNATURE_MAX_AGE_S of now) so an old one
// cannot be replayed to hold seats again and again.
//
// The webapp signs `quoteTypedData(request, chainId)` with
// `walletClient.signTypedData(...)` and sends `{ ...request, issuedAt, signature }`.
import { quoteRequestDomain, quoteRequestTypes } from "@mesi/deployments";
import { zeroHash, type Address, type Hex, type TypedDataDomain } from "viem";

import type { ChainClients } from "../chain/clients.ts";
import { BadRequestError, UnavailableError } from "../errors.ts";

export const QUOTE_SIGNATURE_MAX_AGE_S = 300;

export { quoteRequestTypes };

export interface SignedQuoteFields {
  readonly fan: Address;
  readonly creator: Address;
  readonly purpose: "tip" | "ticket";
  /** Omitted fields are signed as 0 (mesiAmount of a ticket, streamId and quantity of a tip). */
  readonly mesiAmount?: string | undefined;
  readonly streamId?: string | undefined;
  readonly quantity?: number | undefined;
  readonly channel?: number | undefined;
  readonly channelRef?: Hex | undefined;
  /** Unix seconds when the fan signed. */
  readonly issuedAt: string;
}

export function quoteDomain(chainId: number): TypedDataDomain {
  return quoteRequestDomain(chainId);
}

/** The typed data a fan signs for a quote request. */
export function quoteTypedData(fields: SignedQuoteFields, chainId: number) {
  return {
    domain: quoteDomain(chainId),
    types: quoteRequestTypes,
    primaryType: "QuoteRequest" as const,
    message: {
      fan: fields.fan,
      creator: fields.creator,
      purpose: fields.purpose,
      mesiAmount: BigInt(fields.mesiAmount ?? 0),
      streamId: BigInt(fields.streamId ?? 0),
      quantity: fields.quantity ?? (fields.purpose === "ticket" ? 1 : 0),
      channel: fields.channel ?? 0,
      channelRef: fields.channelRef ?? zeroHash,
      issuedAt: BigInt(fields.issuedAt),
    },
  };
}

/** Throws 400 `invalid_quote_signature` / `quote_signature_expired` unless `fan` signed these fields just now. */
export async function verifyQuoteSignature(
  chain: ChainClients,
  fields: SignedQuoteFields,
  signature: Hex,
  nowMs: number,
): Promise<void> {
  const age = Math.floor(nowMs / 1000) - Number(fields.issuedAt);
  if (age > QUOTE_SIGNATURE_MAX_AGE_S || age < -60) {
    throw new BadRequestError(
      "quote_signature_expired",
      `the quote request was signed ${age}s ago; sign it again (a signature is good for ${QUOTE_SIGNATURE_MAX_AGE_S}s)`,
    );
  }
  let valid: boolean;
  try {
    valid = await chain.publicClient.verifyTypedData({
      address: fields.fan,
      signature,
      ...quoteTypedData(fields, chain.chain.id),
    });
  } catch {
    throw new UnavailableError("could not check the quote signature against the chain; try again");
  }
  if (!valid) {
    throw new BadRequestError(
      "invalid_quote_signature",
      "the signature does not match this quote request and fan (EIP-712 QuoteRequest, domain Mesi Relayer v1)",
    );
  }
}
