// A fan's own Mesi account and membership actions, run in the browser through @wagmi/core (loaded on demand).
// Each returns once the transaction is confirmed; failures are thrown as-is for describeError to explain.
import { getAccount, readContract, waitForTransactionReceipt, writeContract, type Config } from "@wagmi/core";
import type { Deployment } from "@mesi/deployments";
import type { Abi, AbiFunction, Address, Hex } from "viem";

import { WalletDisconnectedError } from "$lib/errors";

export interface ChainContext {
  readonly wagmi: Config;
  readonly mesi: Deployment;
  readonly chainId: number;
}

export interface AccountState {
  /** The vault has an open account for this address ({isLedgerOpen}): it can be paid. */
  readonly open: boolean;
  /** The deployed vault lets an account open itself (`openAccount`). */
  readonly canOpen: boolean;
  readonly cleared: bigint;
  readonly pending: bigint;
  readonly feesOwed: bigint;
}

function connected(wagmi: Config): Address {
  const account = getAccount(wagmi);
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

/** The vault's self-service `openAccount`, when the deployed ABI has it (the contracts' hardening adds it). */
export function openAccountFunction(mesi: Deployment): AbiFunction | undefined {
  return (mesi.MesiVault.abi as Abi).find(
    (item): item is AbiFunction => item.type === "function" && item.name === "openAccount" && item.inputs.length === 0,
  );
}

export async function readAccountState(context: ChainContext, address: Address): Promise<AccountState> {
  const vault = { ...context.mesi.MesiVault, chainId: context.chainId };
  const [open, [cleared, pending, feesOwed]] = await Promise.all([
    readContract(context.wagmi, { ...vault, functionName: "isLedgerOpen", args: [address] }),
    readContract(context.wagmi, { ...vault, functionName: "earningsOf", args: [address] }),
  ]);
  return { open, canOpen: openAccountFunction(context.mesi) !== undefined, cleared, pending, feesOwed };
}

/** Opens the connected wallet's Mesi account so others can tip it. */
export async function openAccount(context: ChainContext): Promise<Hex> {
  connected(context.wagmi);
  const fn = openAccountFunction(context.mesi);
  if (fn === undefined) throw new Error("this vault has no openAccount");
  const hash = await writeContract(context.wagmi, {
    address: context.mesi.MesiVault.address,
    abi: [fn],
    functionName: "openAccount",
    chainId: context.chainId,
  });
  return confirmed(context, hash);
}

/** Claims all of the connected wallet's cleared earnings to itself. */
export async function claimEarnings(context: ChainContext): Promise<Hex> {
  const to = connected(context.wagmi);
  const hash = await writeContract(context.wagmi, {
    ...context.mesi.MesiVault,
    chainId: context.chainId,
    functionName: "claim",
    args: [to],
  });
  return confirmed(context, hash);
}

export async function setFollowing(context: ChainContext, creator: Address, follow: boolean): Promise<Hex> {
  connected(context.wagmi);
  const hash = await writeContract(context.wagmi, {
    ...context.mesi.CreatorRegistry,
    chainId: context.chainId,
    functionName: follow ? "follow" : "unfollow",
    args: [creator],
  });
  return confirmed(context, hash);
}

/**
 * Joins `creator`'s tier for `periods` × 30 days. The registry collects through the vault, so the vault needs a
 * $MESI allowance: approve exactly the price when the current allowance is short (the registry has no permit path),
 * then subscribe. `onStep` tells the page which wallet prompt is showing.
 */
export async function subscribe(
  context: ChainContext,
  parameters: { creator: Address; tierId: number; periods: number; price: bigint },
  onStep?: (step: "approve" | "subscribe") => void,
): Promise<Hex> {
  const fan = connected(context.wagmi);
  const total = parameters.price * BigInt(parameters.periods);
  const allowance = await readContract(context.wagmi, {
    ...context.mesi.MesiToken,
    chainId: context.chainId,
    functionName: "allowance",
    args: [fan, context.mesi.MesiVault.address],
  });
  if (allowance < total) {
    onStep?.("approve");
    const approval = await writeContract(context.wagmi, {
      ...context.mesi.MesiToken,
      chainId: context.chainId,
      functionName: "approve",
      args: [context.mesi.MesiVault.address, total],
    });
    await confirmed(context, approval);
  }
  onStep?.("subscribe");
  const hash = await writeContract(context.wagmi, {
    ...context.mesi.CreatorRegistry,
    chainId: context.chainId,
    functionName: "subscribe",
    args: [parameters.creator, parameters.tierId, parameters.periods],
  });
  return confirmed(context, hash);
}
