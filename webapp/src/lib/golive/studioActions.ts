// What a creator does on chain from the studio: create a stream with its rules, change the rules, go live or end,
// open/change and close a ticket sale, switch ticket-only, accept a one-to-one. Each waits for its receipt.
// Inputs are checked (saleInput.ts, streamRules.ts, ticketOnly.ts) before any of these is called.
import { getAccount, getPublicClient, waitForTransactionReceipt, writeContract, type Config } from "@wagmi/core";
import { readSessionState, type ChainAddresses, type Deployment } from "@mesi/deployments";
import { parseEventLogs, type Address, type Hex } from "viem";

import { WalletDisconnectedError } from "$lib/errors";

import type { SaleInput } from "./saleInput";
import type { StreamRules } from "./streamRules";

export interface StudioContext {
  readonly wagmi: Config;
  readonly mesi: Deployment;
  readonly addresses: ChainAddresses;
  readonly chainId: number;
  readonly onSubmitted?: (hash: Hex) => void;
}

function creatorOf(context: StudioContext): Address {
  const account = getAccount(context.wagmi);
  if (account.address === undefined || account.status !== "connected") {
    throw new WalletDisconnectedError("no wallet is connected");
  }
  return account.address;
}

async function confirmed(context: StudioContext, hash: Hex) {
  context.onSubmitted?.(hash);
  const receipt = await waitForTransactionReceipt(context.wagmi, { hash, chainId: context.chainId });
  if (receipt.status !== "success") throw new Error(`transaction ${hash} reverted`);
  return receipt;
}

/** Creates a stream and returns its id (from the StreamCreated event). */
export async function createStream(context: StudioContext, rules: StreamRules, metadataURI: string): Promise<bigint> {
  creatorOf(context);
  const hash = await writeContract(context.wagmi, {
    ...context.mesi.CreatorRegistry,
    chainId: context.chainId,
    functionName: "createStream",
    args: [rules, metadataURI],
  });
  const receipt = await confirmed(context, hash);
  const [created] = parseEventLogs({
    abi: context.mesi.CreatorRegistry.abi,
    eventName: "StreamCreated",
    logs: receipt.logs,
  });
  if (created === undefined) throw new Error("the registry created no stream");
  return created.args.streamId;
}

export async function updateStreamRules(context: StudioContext, streamId: bigint, rules: StreamRules): Promise<Hex> {
  creatorOf(context);
  const hash = await writeContract(context.wagmi, {
    ...context.mesi.CreatorRegistry,
    chainId: context.chainId,
    functionName: "updateStreamRules",
    args: [streamId, rules],
  });
  return (await confirmed(context, hash)).transactionHash;
}

export async function setLive(context: StudioContext, streamId: bigint, live: boolean): Promise<Hex> {
  creatorOf(context);
  const hash = await writeContract(context.wagmi, {
    ...context.mesi.CreatorRegistry,
    chainId: context.chainId,
    functionName: "setLive",
    args: [streamId, live],
  });
  return (await confirmed(context, hash)).transactionHash;
}

export async function configureSale(context: StudioContext, streamId: bigint, sale: SaleInput): Promise<Hex> {
  creatorOf(context);
  const hash = await writeContract(context.wagmi, {
    ...context.mesi.MesiTickets,
    chainId: context.chainId,
    functionName: "configureSale",
    args: [streamId, sale.price, sale.supply, sale.transferable, sale.endsAt],
  });
  return (await confirmed(context, hash)).transactionHash;
}

export async function closeSale(context: StudioContext, streamId: bigint): Promise<Hex> {
  creatorOf(context);
  const hash = await writeContract(context.wagmi, {
    ...context.mesi.MesiTickets,
    chainId: context.chainId,
    functionName: "closeSale",
    args: [streamId],
  });
  return (await confirmed(context, hash)).transactionHash;
}

export async function setTicketOnly(context: StudioContext, streamId: bigint, enabled: boolean): Promise<Hex> {
  creatorOf(context);
  const hash = await writeContract(context.wagmi, {
    ...context.mesi.MesiTickets,
    chainId: context.chainId,
    functionName: "setTicketOnly",
    args: [streamId, enabled],
  });
  return (await confirmed(context, hash)).transactionHash;
}

/** The sale as the contract has it now (price 0 = none). */
export async function readSale(context: StudioContext, streamId: bigint) {
  const client = getPublicClient(context.wagmi, { chainId: context.chainId });
  if (client === undefined) throw new Error(`no client for chain ${context.chainId}`);
  return client.readContract({ ...context.mesi.MesiTickets, functionName: "saleOf", args: [streamId] });
}

/** Accepts a fan's one-to-one request (the session's record rebuilt from the escrow's events): the clock starts. */
export async function acceptSession(context: StudioContext, sessionId: bigint): Promise<Hex> {
  creatorOf(context);
  const client = getPublicClient(context.wagmi, { chainId: context.chainId });
  if (client === undefined) throw new Error(`no client for chain ${context.chainId}`);
  const escrow = context.addresses.OneToOneEscrow;
  const { record } = await readSessionState(
    client,
    { address: escrow.address, blockNumber: BigInt(escrow.blockNumber) },
    sessionId,
  );
  const hash = await writeContract(context.wagmi, {
    ...context.mesi.OneToOneEscrow,
    chainId: context.chainId,
    functionName: "accept",
    args: [record],
  });
  return (await confirmed(context, hash)).transactionHash;
}
