// What a fan does with a one-to-one on chain: request (ERC-1363, one transaction, no approval), cancel before
// acceptance, consent to a KYF disclosure, report within the dispute window; and what the creator does: set the
// one-to-one settings, accept or decline a request, release a session once its dispute window has passed (claiming
// is $lib/account/actions' claimEarnings).
// Calls after the request take the session's record, rebuilt from the escrow's events (@mesi/deployments'
// readSessionState).
import { getAccount, getPublicClient, waitForTransactionReceipt, writeContract, type Config } from "@wagmi/core";
import { readSessionState, sessionIdOf, type ChainAddresses, type Deployment } from "@mesi/deployments";
import type { Address, Hex } from "viem";

import { WalletDisconnectedError } from "$lib/errors";

import { encodeSessionRequestData } from "./requestData";

export interface SessionContext {
  readonly wagmi: Config;
  readonly mesi: Deployment;
  readonly addresses: ChainAddresses;
  readonly chainId: number;
  readonly onSubmitted?: (hash: Hex) => void;
}

/** The connected wallet (the fan or, for creator calls, the creator). */
function connectedFan(context: SessionContext): Address {
  const account = getAccount(context.wagmi);
  if (account.address === undefined || account.status !== "connected") {
    throw new WalletDisconnectedError("no wallet is connected");
  }
  return account.address;
}

async function confirmed(context: SessionContext, hash: Hex): Promise<Hex> {
  context.onSubmitted?.(hash);
  const receipt = await waitForTransactionReceipt(context.wagmi, { hash, chainId: context.chainId });
  if (receipt.status !== "success") throw new Error(`transaction ${hash} reverted`);
  return hash;
}

/** Escrows `amount` for a `minutes`-minute call: `transferAndCall(vault, amount, abi.encode(creator, minutes))`. */
export async function requestSession(
  context: SessionContext,
  request: { creator: Address; amount: bigint; minutes: number },
): Promise<Hex> {
  connectedFan(context);
  const hash = await writeContract(context.wagmi, {
    ...context.mesi.MesiToken,
    chainId: context.chainId,
    functionName: "transferAndCall",
    args: [context.mesi.MesiVault.address, request.amount, encodeSessionRequestData(request.creator, request.minutes)],
  });
  return confirmed(context, hash);
}

/** The current record of the fan's `seq`-th session with `creator`, from the escrow's events. */
export async function sessionRecord(context: SessionContext, fan: Address, creator: Address, seq: bigint) {
  const client = getPublicClient(context.wagmi, { chainId: context.chainId });
  if (client === undefined) throw new Error(`no client for chain ${context.chainId}`);
  const escrow = context.addresses.OneToOneEscrow;
  const state = await readSessionState(
    client,
    { address: escrow.address, blockNumber: BigInt(escrow.blockNumber) },
    sessionIdOf(fan, creator, seq),
  );
  return state.record;
}

type EscrowCall = "cancel" | "report" | "accept" | "decline" | "release" | "expire";

async function withRecord(
  context: SessionContext,
  pair: { fan: Address; creator: Address },
  seq: bigint,
  call: EscrowCall,
  evidenceHash?: Hex,
): Promise<Hex> {
  const record = await sessionRecord(context, pair.fan, pair.creator, seq);
  const escrow = { ...context.mesi.OneToOneEscrow, chainId: context.chainId } as const;
  const hash =
    call === "report"
      ? await writeContract(context.wagmi, { ...escrow, functionName: "report", args: [record, evidenceHash!] })
      : await writeContract(context.wagmi, { ...escrow, functionName: call, args: [record] });
  return confirmed(context, hash);
}

/** Withdraws a request the creator has not accepted (or gets an expired one's refund): the escrow refunds. */
export function cancelSession(context: SessionContext, creator: Address, seq: bigint): Promise<Hex> {
  return withRecord(context, { fan: connectedFan(context), creator }, seq, "cancel");
}

/** Reports an accepted session within its dispute window (also when blocked): the funds freeze for a moderator. */
export function reportSession(context: SessionContext, creator: Address, seq: bigint, evidenceHash: Hex): Promise<Hex> {
  return withRecord(context, { fan: connectedFan(context), creator }, seq, "report", evidenceHash);
}

/** Consents to share the fan's verified registration data with `creator`, as the creator asked. */
export async function consentKyf(context: SessionContext, creator: Address): Promise<Hex> {
  connectedFan(context);
  const hash = await writeContract(context.wagmi, {
    ...context.mesi.KyfRegistry,
    chainId: context.chainId,
    functionName: "consent",
    args: [creator],
  });
  return confirmed(context, hash);
}

/** The creator accepts a fan's request: the call's clock starts now. */
export function acceptSession(context: SessionContext, fan: Address, seq: bigint): Promise<Hex> {
  return withRecord(context, { fan, creator: connectedFan(context) }, seq, "accept");
}

/** The creator declines a fan's request: the escrow refunds the fan. */
export function declineSession(context: SessionContext, fan: Address, seq: bigint): Promise<Hex> {
  return withRecord(context, { fan, creator: connectedFan(context) }, seq, "decline");
}

/** Moves a finished session's escrow to the creator's earnings, once its dispute window has passed. */
export function releaseSession(context: SessionContext, fan: Address, seq: bigint): Promise<Hex> {
  return withRecord(context, { fan, creator: connectedFan(context) }, seq, "release");
}

/** Saves the creator's one-to-one settings (checked beforehand with checkSettings). */
export async function saveSettings(
  context: SessionContext,
  settings: { enabled: boolean; minAmount: bigint; minMinutes: number; maxMinutes: number },
): Promise<Hex> {
  connectedFan(context);
  const hash = await writeContract(context.wagmi, {
    ...context.mesi.OneToOneEscrow,
    chainId: context.chainId,
    functionName: "setSettings",
    args: [settings],
  });
  return confirmed(context, hash);
}

/** Refunds a request its creator left unanswered past its time (the escrow lets anyone do this). */
export function expireSession(context: SessionContext, fan: Address, seq: bigint): Promise<Hex> {
  return withRecord(context, { fan, creator: connectedFan(context) }, seq, "expire");
}
