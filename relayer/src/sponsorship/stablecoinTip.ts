// POST /relay/stablecoin-tip: an EIP-3009 receiveWithAuthorization of a
// stablecoin to the vault, bound to one tip (its nonce is the vault's hash of
// the tip, MesiVault.tipWithStablecoinAuthorization). The stablecoin's own
// EIP-712 domain (ERC-5267) is read from the chain; only an EOA can sign it
// (the call carries v, r, s).
import { receiveWithAuthorizationTypes } from "@mesi/deployments";
import { parseSignature, zeroHash } from "viem";
import { z } from "zod";

import { stablecoinAbi, vaultAbi } from "../chain/contracts.ts";
import { BadRequestError } from "../errors.ts";
import type { StablecoinTipPayload } from "../outbox/operations.ts";
import { address, bytes32, parseOrThrow, signatureHex, uint } from "./requestSchemas.ts";
import {
  nowSeconds,
  queueSponsored,
  simulateSponsored,
  type GaslessDeps,
  type RelayAccepted,
} from "./sponsoredQueue.ts";
import { eip712DomainOf, isSignedBy } from "./typedSignature.ts";

export const stablecoinTipRequestSchema = z
  .object({
    auth: z
      .object({
        fan: address,
        stablecoin: address,
        creator: address,
        stableAmount: uint,
        minMesiOut: uint,
        channel: z.number().int().min(0).max(3),
        channelRef: bytes32.default(zeroHash),
        memoHash: bytes32.default(zeroHash),
        validAfter: uint,
        validBefore: uint,
        salt: bytes32,
      })
      .strict(),
    signature: signatureHex,
  })
  .strict();

export async function submitStablecoinTip(deps: GaslessDeps, body: unknown): Promise<RelayAccepted> {
  const request = parseOrThrow(stablecoinTipRequestSchema, body, "invalid_stablecoin_tip_request");
  const { auth } = request;
  const now = nowSeconds(deps);
  if (auth.stableAmount === 0n) throw new BadRequestError("amount_zero", "stableAmount must be greater than zero");
  if (auth.fan === auth.creator) throw new BadRequestError("self_payment", "a fan cannot tip themselves");
  if (auth.validBefore <= now)
    throw new BadRequestError("authorization_expired", `the authorization expired at ${auth.validBefore} (now ${now})`);
  if (auth.validAfter > now)
    throw new BadRequestError(
      "authorization_not_yet_valid",
      `the authorization is valid only after ${auth.validAfter}`,
    );

  const { chain } = deps;
  const { publicClient, addresses } = chain;
  const authArgs = { ...auth };
  const [nonce, balance, domain] = await Promise.all([
    publicClient.readContract({
      address: addresses.vault,
      abi: vaultAbi,
      functionName: "stablecoinTipNonce",
      args: [authArgs],
    }),
    publicClient
      .readContract({ address: auth.stablecoin, abi: stablecoinAbi, functionName: "balanceOf", args: [auth.fan] })
      .catch(() => {
        throw new BadRequestError("unknown_stablecoin", `${auth.stablecoin} is not an ERC-20 token on this chain`);
      }),
    eip712DomainOf(chain, auth.stablecoin).catch(() => {
      throw new BadRequestError(
        "unsupported_stablecoin",
        `${auth.stablecoin} does not publish its EIP-712 domain (ERC-5267)`,
      );
    }),
  ]);
  const used = await publicClient.readContract({
    address: auth.stablecoin,
    abi: stablecoinAbi,
    functionName: "authorizationState",
    args: [auth.fan, nonce],
  });
  if (used)
    throw new BadRequestError("nonce_used", `this authorization (nonce ${nonce}) was already used`, undefined, 409);
  const { r, s, v } = parseSignature(request.signature);
  const yParityV = v ?? 27n;
  const signed = await isSignedBy(chain, {
    typedData: {
      domain,
      types: receiveWithAuthorizationTypes,
      primaryType: "ReceiveWithAuthorization",
      message: {
        from: auth.fan,
        to: addresses.vault,
        value: auth.stableAmount,
        validAfter: auth.validAfter,
        validBefore: auth.validBefore,
        nonce,
      },
    },
    signer: auth.fan,
    signature: request.signature,
    contractWallets: false,
  });
  if (!signed)
    throw new BadRequestError("invalid_signature", `the signature is not ${auth.fan}'s authorization for this tip`);
  if (balance < auth.stableAmount) {
    throw new BadRequestError(
      "insufficient_balance",
      `${auth.fan} holds ${balance} base units of ${auth.stablecoin}, less than ${auth.stableAmount}`,
    );
  }
  const payload: StablecoinTipPayload = {
    auth: {
      ...auth,
      stableAmount: auth.stableAmount.toString(),
      minMesiOut: auth.minMesiOut.toString(),
      validAfter: auth.validAfter.toString(),
      validBefore: auth.validBefore.toString(),
    },
    nonce,
    v: Number(yParityV),
    r,
    s,
  };
  const estimate = await simulateSponsored(chain, {
    address: addresses.vault,
    abi: vaultAbi,
    functionName: "tipWithStablecoinAuthorization",
    args: [authArgs, Number(yParityV), r, s],
  });
  return await queueSponsored(deps, {
    kind: "stablecoinTip",
    dedupeKey: `${auth.stablecoin}:${auth.fan}:${nonce}`,
    fan: auth.fan,
    estimate,
    payload,
  });
}
