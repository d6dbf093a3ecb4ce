// The four ways a fan pays a tip. Each returns the hash of the transaction that credits the creator, once the
// network has it; every failure is thrown as-is for describeError to explain.
import {
  getAccount,
  readContract,
  signTypedData,
  waitForTransactionReceipt,
  writeContract,
  type Config,
} from "@wagmi/core";
import { permitTypes, receiveWithAuthorizationTypes, tipAuthorizationTypes, type Deployment } from "@mesi/deployments";
import { maxUint256, parseSignature, toHex, type Address, type Hex } from "viem";

import { WalletDisconnectedError } from "$lib/errors";
import { ensureAllowance } from "$lib/wallet/ensureAllowance";
import type { RelayerClient } from "$lib/relayer/client";

import { encodeTipData, type TipChannel } from "./tipData";
import { waitForRelayRequest } from "./waitForRelay";

export interface TipParameters {
  readonly creator: Address;
  readonly amount: bigint;
  readonly channel: TipChannel;
  readonly channelRef: Hex;
  readonly memoHash: Hex;
}

export interface TipContext {
  readonly wagmi: Config;
  readonly mesi: Deployment;
  readonly chainId: number;
  readonly relayer: RelayerClient;
  /** Called once the fan has signed or sent, before the network confirms. */
  readonly onSubmitted?: (hash: Hex | undefined) => void;
}

function connectedFan(wagmi: Config): Address {
  const account = getAccount(wagmi);
  if (account.address === undefined || account.status !== "connected") {
    throw new WalletDisconnectedError("no wallet is connected");
  }
  return account.address;
}

async function confirmed(context: TipContext, hash: Hex): Promise<Hex> {
  const receipt = await waitForTransactionReceipt(context.wagmi, { hash, chainId: context.chainId });
  if (receipt.status !== "success") throw new Error(`transaction ${hash} reverted`);
  return hash;
}

/** $MESI from the wallet: one ERC-1363 `transferAndCall` into the vault, no approval. */
export async function sendWalletTip(context: TipContext, tip: TipParameters): Promise<Hex> {
  connectedFan(context.wagmi);
  const hash = await writeContract(context.wagmi, {
    ...context.mesi.MesiToken,
    chainId: context.chainId,
    functionName: "transferAndCall",
    args: [
      context.mesi.MesiVault.address,
      tip.amount,
      encodeTipData(tip.creator, tip.channel, tip.channelRef, tip.memoHash),
    ],
  });
  context.onSubmitted?.(hash);
  return confirmed(context, hash);
}

const SIGNATURE_TTL_SECONDS = 30n * 60n;

function deadline(): bigint {
  return BigInt(Math.floor(Date.now() / 1000)) + SIGNATURE_TTL_SECONDS;
}

async function domainOf(context: TipContext, address: Address) {
  const [, name, version, chainId, verifyingContract] = await readContract(context.wagmi, {
    address,
    abi: context.mesi.MesiToken.abi,
    functionName: "eip712Domain",
    chainId: context.chainId,
  });
  return { name, version, chainId: Number(chainId), verifyingContract };
}

/**
 * A signed permit for the vault to pull `amount` $MESI, or none when the allowance already covers it. The
 * permit is for the maximum, so later gasless tips need only one signature.
 */
async function permitIfNeeded(context: TipContext, fan: Address, amount: bigint) {
  const allowance = await readContract(context.wagmi, {
    ...context.mesi.MesiToken,
    chainId: context.chainId,
    functionName: "allowance",
    args: [fan, context.mesi.MesiVault.address],
  });
  if (allowance >= amount) return undefined;
  const nonce = await readContract(context.wagmi, {
    ...context.mesi.MesiToken,
    chainId: context.chainId,
    functionName: "nonces",
    args: [fan],
  });
  const permitDeadline = deadline();
  const signature = await signTypedData(context.wagmi, {
    domain: await domainOf(context, context.mesi.MesiToken.address),
    types: permitTypes,
    primaryType: "Permit",
    message: {
      owner: fan,
      spender: context.mesi.MesiVault.address,
      value: maxUint256,
      nonce,
      deadline: permitDeadline,
    },
  });
  const { r, s, v, yParity } = parseSignature(signature);
  return { value: maxUint256, deadline: permitDeadline, v: Number(v ?? BigInt(yParity + 27)), r, s };
}

/** $MESI without gas: the fan signs a TipAuthorization (and a permit once); the relayer submits and pays. */
export async function sendGaslessTip(context: TipContext, tip: TipParameters): Promise<Hex> {
  const fan = connectedFan(context.wagmi);
  const permit = await permitIfNeeded(context, fan, tip.amount);
  const nonce = await readContract(context.wagmi, {
    ...context.mesi.MesiVault,
    chainId: context.chainId,
    functionName: "nonces",
    args: [fan],
  });
  const auth = {
    fan,
    creator: tip.creator,
    amount: tip.amount,
    channel: tip.channel,
    channelRef: tip.channelRef,
    memoHash: tip.memoHash,
    nonce,
    deadline: deadline(),
  };
  const signature = await signTypedData(context.wagmi, {
    domain: await domainOf(context, context.mesi.MesiVault.address),
    types: tipAuthorizationTypes,
    primaryType: "TipAuthorization",
    message: auth,
  });
  const { requestId } = await context.relayer.relayTip({
    auth, // the relayer client sends bigints as decimal strings
    signature,
    ...(permit === undefined ? {} : { permit }),
  });
  context.onSubmitted?.(undefined);
  return waitForRelayRequest(context.relayer, requestId);
}

export interface StablecoinTipParameters extends Omit<TipParameters, "amount"> {
  readonly stablecoin: Address;
  readonly stableAmount: bigint;
  /** The least $MESI the fan accepts for `stableAmount` (the quote minus a small slippage margin). */
  readonly minMesiOut: bigint;
}

/** USDC without gas: the fan signs an EIP-3009 `receiveWithAuthorization` that only the vault can use. */
export async function sendGaslessStablecoinTip(context: TipContext, tip: StablecoinTipParameters): Promise<Hex> {
  const fan = connectedFan(context.wagmi);
  const now = BigInt(Math.floor(Date.now() / 1000));
  const salt = toHex(crypto.getRandomValues(new Uint8Array(32)));
  const auth = {
    fan,
    stablecoin: tip.stablecoin,
    creator: tip.creator,
    stableAmount: tip.stableAmount,
    minMesiOut: tip.minMesiOut,
    channel: tip.channel,
    channelRef: tip.channelRef,
    memoHash: tip.memoHash,
    validAfter: 0n,
    validBefore: now + SIGNATURE_TTL_SECONDS,
    salt,
  };
  // The authorization's nonce commits to the whole tip, so the signature can't be replayed for another creator.
  const nonce = await readContract(context.wagmi, {
    ...context.mesi.MesiVault,
    chainId: context.chainId,
    functionName: "stablecoinTipNonce",
    args: [auth],
  });
  const signature = await signTypedData(context.wagmi, {
    domain: await domainOf(context, tip.stablecoin),
    types: receiveWithAuthorizationTypes,
    primaryType: "ReceiveWithAuthorization",
    message: {
      from: fan,
      to: context.mesi.MesiVault.address,
      value: tip.stableAmount,
      validAfter: auth.validAfter,
      validBefore: auth.validBefore,
      nonce,
    },
  });
  const { requestId } = await context.relayer.relayStablecoinTip({
    auth, // the relayer client sends bigints as decimal strings
    signature,
  });
  context.onSubmitted?.(undefined);
  return waitForRelayRequest(context.relayer, requestId);
}

/** USDC paid from the wallet (the fan pays gas): approve once if needed, then `tipWithStablecoin`. */
export async function sendDirectStablecoinTip(context: TipContext, tip: StablecoinTipParameters): Promise<Hex> {
  await ensureAllowance(context.wagmi, {
    chainId: context.chainId,
    token: tip.stablecoin,
    owner: connectedFan(context.wagmi),
    spender: context.mesi.MesiVault.address,
    amount: tip.stableAmount,
  });
  const hash = await writeContract(context.wagmi, {
    ...context.mesi.MesiVault,
    chainId: context.chainId,
    functionName: "tipWithStablecoin",
    args: [tip.stablecoin, tip.creator, tip.stableAmount, tip.minMesiOut, tip.channel, tip.channelRef, tip.memoHash],
  });
  context.onSubmitted?.(hash);
  return confirmed(context, hash);
}
