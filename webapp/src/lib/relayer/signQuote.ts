// A card-payment quote is bound to the fan: they sign the request (EIP-712, domain "Mesi Relayer") and the
// relayer checks the signature before the quote may hold ticket seats.
import { quoteRequestDomain, quoteRequestTypes } from "@mesi/deployments";
import { signTypedData, type Config } from "@wagmi/core";
import { zeroHash, type Address, type Hex } from "viem";

export interface QuoteRequestFields {
  readonly fan: Address;
  readonly creator: Address;
  readonly purpose: "tip" | "ticket";
  readonly mesiAmount?: bigint;
  readonly streamId?: bigint;
  readonly quantity?: number;
  readonly channel?: number;
  readonly channelRef?: Hex;
}

/** The quote request body with `issuedAt` and the fan's `signature`, ready for `POST /quotes`. */
export async function signQuoteRequest(wagmi: Config, chainId: number, fields: QuoteRequestFields) {
  const issuedAt = BigInt(Math.floor(Date.now() / 1000));
  const message = {
    fan: fields.fan,
    creator: fields.creator,
    purpose: fields.purpose,
    mesiAmount: fields.mesiAmount ?? 0n,
    streamId: fields.streamId ?? 0n,
    quantity: fields.quantity ?? (fields.purpose === "ticket" ? 1 : 0),
    channel: fields.channel ?? 0,
    channelRef: fields.channelRef ?? zeroHash,
    issuedAt,
  };
  const signature = await signTypedData(wagmi, {
    domain: quoteRequestDomain(chainId),
    types: quoteRequestTypes,
    primaryType: "QuoteRequest",
    message,
  });
  return {
    fan: fields.fan,
    creator: fields.creator,
    purpose: fields.purpose,
    ...(fields.mesiAmount === undefined ? {} : { mesiAmount: fields.mesiAmount.toString() }),
    ...(fields.streamId === undefined ? {} : { streamId: fields.streamId.toString() }),
    ...(fields.quantity === undefined ? {} : { quantity: fields.quantity }),
    ...(fields.channel === undefined ? {} : { channel: fields.channel }),
    ...(fields.channelRef === undefined ? {} : { channelRef: fields.channelRef }),
    issuedAt: issuedAt.toString(),
    signature,
  };
}
