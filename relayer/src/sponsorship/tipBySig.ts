// POST /relay/tip: an EIP-712 TipAuthorization for MesiVault.tipBySig, with an
// optional EIP-2612 permit for the vault. Checked before anything is stored:
// amount, deadline, nonce, signature (EOA or ERC-1271 wallet), balance and
// allowance or permit, then a simulation; then queued with its gas reserved.
import { tipAuthorizationTypes } from "@mesi/deployments";
import { zeroHash } from "viem";
import { z } from "zod";

import { mesiAbi, vaultAbi } from "../chain/contracts.ts";
import { BadRequestError } from "../errors.ts";
import type { TipBySigPayload } from "../outbox/operations.ts";
import { requireAllowanceOrPermit } from "./allowanceOrPermit.ts";
import { requireNextNonce } from "./nextNonce.ts";
import { address, bytes32, parseOrThrow, permitSchema, signatureHex, uint } from "./requestSchemas.ts";
import {
  NO_PERMIT,
  nowSeconds,
  permitPayload,
  queueSponsored,
  simulateSponsored,
  type GaslessDeps,
  type RelayAccepted,
} from "./sponsoredQueue.ts";
import { eip712DomainOf, isSignedBy } from "./typedSignature.ts";

export const tipRequestSchema = z
  .object({
    auth: z
      .object({
        fan: address,
        creator: address,
        amount: uint,
        channel: z.number().int().min(0).max(3),
        channelRef: bytes32.default(zeroHash),
        memoHash: bytes32.default(zeroHash),
        nonce: uint,
        deadline: uint,
      })
      .strict(),
    signature: signatureHex,
    permit: permitSchema.optional(),
  })
  .strict();

export async function submitTipBySig(deps: GaslessDeps, body: unknown): Promise<RelayAccepted> {
  const request = parseOrThrow(tipRequestSchema, body, "invalid_tip_request");
  const { auth, signature } = request;
  const permit = request.permit ?? NO_PERMIT;
  const now = nowSeconds(deps);
  if (auth.amount === 0n) throw new BadRequestError("amount_zero", "amount must be greater than zero");
  if (auth.fan === auth.creator) throw new BadRequestError("self_payment", "a fan cannot tip themselves");
  if (auth.deadline < now)
    throw new BadRequestError(
      "signature_expired",
      `the authorization's deadline ${auth.deadline} has passed (now ${now})`,
    );

  const { chain } = deps;
  const { publicClient, addresses } = chain;
  const authArgs = {
    fan: auth.fan,
    creator: auth.creator,
    amount: auth.amount,
    channel: auth.channel,
    channelRef: auth.channelRef,
    memoHash: auth.memoHash,
    nonce: auth.nonce,
    deadline: auth.deadline,
  };
  const [nonce, domain, balance, allowance] = await Promise.all([
    publicClient.readContract({ address: addresses.vault, abi: vaultAbi, functionName: "nonces", args: [auth.fan] }),
    eip712DomainOf(chain, addresses.vault),
    publicClient.readContract({ address: addresses.mesi, abi: mesiAbi, functionName: "balanceOf", args: [auth.fan] }),
    publicClient.readContract({
      address: addresses.mesi,
      abi: mesiAbi,
      functionName: "allowance",
      args: [auth.fan, addresses.vault],
    }),
  ]);
  requireNextNonce({ signer: auth.fan, signed: auth.nonce, next: nonce, label: "nonce", contract: "the vault" });
  const signed = await isSignedBy(chain, {
    typedData: { domain, types: tipAuthorizationTypes, primaryType: "TipAuthorization", message: authArgs },
    signer: auth.fan,
    signature,
    contractWallets: true,
  });
  if (!signed)
    throw new BadRequestError(
      "invalid_signature",
      `the signature is not ${auth.fan}'s TipAuthorization for these fields`,
    );
  if (balance < auth.amount) {
    throw new BadRequestError(
      "insufficient_balance",
      `${auth.fan} holds ${balance} $MESI base units, less than ${auth.amount}`,
    );
  }
  await requireAllowanceOrPermit(chain, {
    fan: auth.fan,
    amount: auth.amount,
    allowance,
    permit: request.permit,
    now,
    payment: "tip",
    amountDescription: `the tip ${auth.amount}`,
  });

  const payload: TipBySigPayload = {
    auth: {
      ...auth,
      amount: auth.amount.toString(),
      nonce: auth.nonce.toString(),
      deadline: auth.deadline.toString(),
    },
    signature,
    permit: permitPayload(permit),
  };
  const estimate = await simulateSponsored(chain, {
    address: addresses.vault,
    abi: vaultAbi,
    functionName: "tipBySig",
    args: [authArgs, signature, permit],
  });
  return await queueSponsored(deps, {
    kind: "tipBySig",
    dedupeKey: `${auth.fan}:${auth.nonce}`,
    fan: auth.fan,
    estimate,
    payload,
  });
}
