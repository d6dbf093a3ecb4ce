// KYF on-chain reads and the fan's and creator's transactions, in the browser through @wagmi/core (loaded on demand).
// The creator's request is checked first: a fan with no valid attestation gets no request (nothing is sent).
import { getAccount, readContract, waitForTransactionReceipt, writeContract, type Config } from "@wagmi/core";
import type { Deployment } from "@mesi/deployments";
import { isAddressEqual, type Address, type Hex } from "viem";

import { WalletDisconnectedError } from "$lib/errors/classes";

import type { DisclosureRecord } from "./disclosureState";
import { KyfFanNotAttestedError } from "./errors";

export interface KyfContext {
  readonly wagmi: Config;
  readonly mesi: Deployment;
  readonly chainId: number;
}

export interface AttestationState {
  /** Level while valid, else 0. */
  readonly level: number;
  /** Unix seconds, 0 when never attested. */
  readonly expiresAt: number;
}

function registry(context: KyfContext) {
  return { ...context.mesi.KyfRegistry, chainId: context.chainId };
}

function connected(wagmi: Config): Address {
  const account = getAccount(wagmi);
  if (account.address === undefined || account.status !== "connected") {
    throw new WalletDisconnectedError("no wallet is connected");
  }
  return account.address;
}

async function confirmed(context: KyfContext, hash: Hex): Promise<Hex> {
  const receipt = await waitForTransactionReceipt(context.wagmi, { hash, chainId: context.chainId });
  if (receipt.status !== "success") throw new Error(`transaction ${hash} reverted`);
  return hash;
}

export async function readAttestation(context: KyfContext, wallet: Address): Promise<AttestationState> {
  const [level, attestation] = await Promise.all([
    readContract(context.wagmi, { ...registry(context), functionName: "levelOf", args: [wallet] }),
    readContract(context.wagmi, { ...registry(context), functionName: "attestationOf", args: [wallet] }),
  ]);
  return { level, expiresAt: Number(attestation.expiresAt) };
}

/** The chain's record of `creator`'s request to `fan`, at the latest block. */
export async function readDisclosureRecord(
  context: KyfContext,
  creator: Address,
  fan: Address,
): Promise<DisclosureRecord> {
  const [record, consentStands, windowSeconds] = await Promise.all([
    readContract(context.wagmi, { ...registry(context), functionName: "disclosureOf", args: [creator, fan] }),
    readContract(context.wagmi, { ...registry(context), functionName: "hasConsented", args: [creator, fan] }),
    readContract(context.wagmi, { ...registry(context), functionName: "consentWindow" }),
  ]);
  return {
    requestedAt: Number(record.requestedAt),
    consentedAt: Number(record.consentedAt),
    consentStands,
    windowSeconds: Number(windowSeconds),
  };
}

/** The connected creator asks `fan` to disclose — only if the fan holds a valid attestation. */
export async function requestDisclosure(context: KyfContext, fan: Address): Promise<Hex> {
  const creator = connected(context.wagmi);
  if (isAddressEqual(creator, fan)) throw new KyfFanNotAttestedError("you cannot ask yourself");
  const level = await readContract(context.wagmi, { ...registry(context), functionName: "levelOf", args: [fan] });
  if (level === 0) throw new KyfFanNotAttestedError(`${fan} has no valid KYF attestation`);
  const hash = await writeContract(context.wagmi, {
    ...registry(context),
    functionName: "requestDisclosure",
    args: [fan],
  });
  return confirmed(context, hash);
}

/** The connected fan consents to share their verified data with `creator`. */
export async function consentTo(context: KyfContext, creator: Address): Promise<Hex> {
  connected(context.wagmi);
  const hash = await writeContract(context.wagmi, { ...registry(context), functionName: "consent", args: [creator] });
  return confirmed(context, hash);
}

/** The connected fan withdraws consent: the creator's next read is refused. */
export async function revokeConsentTo(context: KyfContext, creator: Address): Promise<Hex> {
  connected(context.wagmi);
  const hash = await writeContract(context.wagmi, {
    ...registry(context),
    functionName: "revokeConsent",
    args: [creator],
  });
  return confirmed(context, hash);
}
