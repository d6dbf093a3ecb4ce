// The creator's on-chain actions from the studio, run in the browser through @wagmi/core (loaded on demand). Each
// returns once the transaction is confirmed; failures are thrown as-is for describeError to explain.
import { getAccount, readContract, waitForTransactionReceipt, writeContract } from "@wagmi/core";
import type { Address, Hex } from "viem";

import type { ChainContext } from "$lib/account/actions";
import { WalletDisconnectedError } from "$lib/errors";

function connected(context: ChainContext): Address {
  const account = getAccount(context.wagmi);
  if (account.address === undefined || account.status !== "connected") {
    throw new WalletDisconnectedError("no wallet is connected");
  }
  return account.address;
}

async function confirmed(context: ChainContext, hash: Hex): Promise<Hex> {
  const receipt = await waitForTransactionReceipt(context.wagmi, { hash, chainId: context.chainId });
  if (receipt.status !== "success") throw new Error(`transaction ${hash} reverted`);
  return hash;
}

/** Puts a profile document's URI on chain: `register` the first time, `updateProfile` after. */
export async function saveProfileUri(context: ChainContext, uri: string, registered: boolean): Promise<Hex> {
  connected(context);
  const hash = await writeContract(context.wagmi, {
    ...context.mesi.CreatorRegistry,
    chainId: context.chainId,
    functionName: registered ? "updateProfile" : "register",
    args: [uri],
  });
  return confirmed(context, hash);
}

export async function createTier(
  context: ChainContext,
  tier: { pricePer30Days: bigint; rank: number; trialDays: number; metadataURI: string },
): Promise<Hex> {
  connected(context);
  const hash = await writeContract(context.wagmi, {
    ...context.mesi.CreatorRegistry,
    chainId: context.chainId,
    functionName: "createTier",
    args: [tier.pricePer30Days, tier.rank, tier.trialDays, tier.metadataURI],
  });
  return confirmed(context, hash);
}

export async function updateTier(
  context: ChainContext,
  tier: { tierId: number; pricePer30Days: bigint; active: boolean },
): Promise<Hex> {
  connected(context);
  const hash = await writeContract(context.wagmi, {
    ...context.mesi.CreatorRegistry,
    chainId: context.chainId,
    functionName: "updateTier",
    args: [tier.tierId, tier.pricePer30Days, tier.active],
  });
  return confirmed(context, hash);
}

/** Blocks or unblocks a fan in the vault's block list (every payment path reads it). */
export async function setBlocked(context: ChainContext, fan: Address, blocked: boolean): Promise<Hex> {
  connected(context);
  const hash = await writeContract(context.wagmi, {
    ...context.mesi.MesiVault,
    chainId: context.chainId,
    functionName: blocked ? "blockFan" : "unblockFan",
    args: [fan],
  });
  return confirmed(context, hash);
}

export async function isBlocked(context: ChainContext, creator: Address, fan: Address): Promise<boolean> {
  return readContract(context.wagmi, {
    ...context.mesi.MesiVault,
    chainId: context.chainId,
    functionName: "isBlocked",
    args: [creator, fan],
  });
}

/** The vault's ledger for a creator: (cleared, pending, feesOwed). */
export async function readEarnings(
  context: ChainContext,
  creator: Address,
): Promise<{ cleared: bigint; pending: bigint; feesOwed: bigint }> {
  const [cleared, pending, feesOwed] = await readContract(context.wagmi, {
    ...context.mesi.MesiVault,
    chainId: context.chainId,
    functionName: "earningsOf",
    args: [creator],
  });
  return { cleared, pending, feesOwed };
}

/** Claims all cleared earnings to `to` (the creator or another address). */
export async function claimTo(context: ChainContext, to: Address): Promise<Hex> {
  connected(context);
  const hash = await writeContract(context.wagmi, {
    ...context.mesi.MesiVault,
    chainId: context.chainId,
    functionName: "claim",
    args: [to],
  });
  return confirmed(context, hash);
}
