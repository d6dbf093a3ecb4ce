// The ways a fan buys tickets for a stream in $MESI. Each returns the hash of the purchase transaction once the
// network has it; every failure is thrown as-is for describeError to explain.
import { getAccount, readContract, signTypedData, waitForTransactionReceipt, writeContract } from "@wagmi/core";
import { buyAuthorizationTypes, permitTypes } from "@mesi/deployments";
import { maxUint256, parseSignature, type Address, type Hex } from "viem";

import { WalletDisconnectedError } from "$lib/errors";
import { ensureAllowance } from "$lib/wallet/ensureAllowance";
import type { TipContext } from "$lib/tips/sendTip";
import { waitForRelayRequest } from "$lib/tips/waitForRelay";

/** The same dependencies as a tip: wagmi, the contracts, the relayer and a callback once signed or sent. */
export type TicketContext = TipContext;

export interface TicketPurchase {
  readonly streamId: bigint;
  readonly quantity: number;
  /** Price × quantity as the fan saw it: the contract refuses to charge more (Tickets_PriceTooHigh). */
  readonly maxTotalPrice: bigint;
}

const SIGNATURE_TTL_SECONDS = 30n * 60n;
const deadline = () => BigInt(Math.floor(Date.now() / 1000)) + SIGNATURE_TTL_SECONDS;

function connectedFan(context: TicketContext): Address {
  const account = getAccount(context.wagmi);
  if (account.address === undefined || account.status !== "connected") {
    throw new WalletDisconnectedError("no wallet is connected");
  }
  return account.address;
}

async function confirmed(context: TicketContext, hash: Hex): Promise<Hex> {
  const receipt = await waitForTransactionReceipt(context.wagmi, { hash, chainId: context.chainId });
  if (receipt.status !== "success") throw new Error(`transaction ${hash} reverted`);
  return hash;
}

async function domainOf(context: TicketContext, address: Address) {
  const [, name, version, chainId, verifyingContract] = await readContract(context.wagmi, {
    address,
    abi: context.mesi.MesiToken.abi,
    functionName: "eip712Domain",
    chainId: context.chainId,
  });
  return { name, version, chainId: Number(chainId), verifyingContract };
}

/** A signed EIP-2612 permit for the vault (which pulls ticket payments), or none when the allowance covers `amount`. */
async function vaultPermitIfNeeded(context: TicketContext, fan: Address, amount: bigint) {
  const token = { ...context.mesi.MesiToken, chainId: context.chainId } as const;
  const vault = context.mesi.MesiVault.address;
  const allowance = await readContract(context.wagmi, { ...token, functionName: "allowance", args: [fan, vault] });
  if (allowance >= amount) return undefined;
  const nonce = await readContract(context.wagmi, { ...token, functionName: "nonces", args: [fan] });
  const permitDeadline = deadline();
  const signature = await signTypedData(context.wagmi, {
    domain: await domainOf(context, token.address),
    types: permitTypes,
    primaryType: "Permit",
    message: { owner: fan, spender: vault, value: maxUint256, nonce, deadline: permitDeadline },
  });
  const { r, s, v, yParity } = parseSignature(signature);
  return { value: maxUint256, deadline: permitDeadline, v: Number(v ?? BigInt(yParity + 27)), r, s };
}

/** $MESI from the wallet: `buy` when the vault's allowance covers the price, else one `buyWithPermit` (no approve). */
export async function buyTicketsWithMesi(context: TicketContext, purchase: TicketPurchase): Promise<Hex> {
  const fan = connectedFan(context);
  const permit = await vaultPermitIfNeeded(context, fan, purchase.maxTotalPrice);
  const tickets = { ...context.mesi.MesiTickets, chainId: context.chainId } as const;
  const hash =
    permit === undefined
      ? await writeContract(context.wagmi, {
          ...tickets,
          functionName: "buy",
          args: [purchase.streamId, purchase.quantity, purchase.maxTotalPrice],
        })
      : await writeContract(context.wagmi, {
          ...tickets,
          functionName: "buyWithPermit",
          args: [purchase.streamId, purchase.quantity, purchase.maxTotalPrice, permit],
        });
  context.onSubmitted?.(hash);
  return confirmed(context, hash);
}

/** $MESI without gas: the fan signs a BuyAuthorization (and a permit once); the relayer submits `buyBySig`. */
export async function buyTicketsGasless(context: TicketContext, purchase: TicketPurchase): Promise<Hex> {
  const fan = connectedFan(context);
  const permit = await vaultPermitIfNeeded(context, fan, purchase.maxTotalPrice);
  const tickets = { ...context.mesi.MesiTickets, chainId: context.chainId } as const;
  const nonce = await readContract(context.wagmi, { ...tickets, functionName: "nonces", args: [fan] });
  const auth = {
    fan,
    streamId: purchase.streamId,
    quantity: purchase.quantity,
    maxTotalPrice: purchase.maxTotalPrice,
    nonce,
    deadline: deadline(),
  };
  const signature = await signTypedData(context.wagmi, {
    domain: await domainOf(context, tickets.address),
    types: buyAuthorizationTypes,
    primaryType: "BuyAuthorization",
    message: auth,
  });
  const { requestId } = await context.relayer.relayTicket({
    auth: {
      ...auth,
      streamId: auth.streamId.toString(),
      maxTotalPrice: auth.maxTotalPrice.toString(),
      nonce: auth.nonce.toString(),
      deadline: auth.deadline.toString(),
    },
    signature,
    ...(permit === undefined
      ? {}
      : { permit: { ...permit, value: permit.value.toString(), deadline: permit.deadline.toString() } }),
  });
  context.onSubmitted?.(undefined);
  return waitForRelayRequest(context.relayer, requestId);
}

export interface StablecoinTicketPurchase extends TicketPurchase {
  /** A listed stablecoin (TestUSDC locally; the configured USDC on a real chain). */
  readonly stablecoin: Address;
  /** The most stablecoin the fan pays: the converter's quote plus a small margin (Tickets_PriceTooHigh beyond). */
  readonly maxStableIn: bigint;
}

/**
 * USDC from the wallet (the fan pays gas): approve the vault once if its allowance is short, then
 * `buyWithStablecoin`. The contracts have no signed (EIP-3009) ticket purchase, so there is no gasless USDC path.
 */
export async function buyTicketsWithStablecoin(
  context: TicketContext,
  purchase: StablecoinTicketPurchase,
): Promise<Hex> {
  await ensureAllowance(context.wagmi, {
    chainId: context.chainId,
    token: purchase.stablecoin,
    owner: connectedFan(context),
    spender: context.mesi.MesiVault.address,
    amount: purchase.maxStableIn,
  });
  const hash = await writeContract(context.wagmi, {
    ...context.mesi.MesiTickets,
    chainId: context.chainId,
    functionName: "buyWithStablecoin",
    args: [purchase.streamId, purchase.quantity, purchase.stablecoin, purchase.maxStableIn],
  });
  context.onSubmitted?.(hash);
  return confirmed(context, hash);
}
