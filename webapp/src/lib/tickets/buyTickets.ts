// The ways a fan buys tickets for a stream in $MESI. Each returns the hash of the purchase transaction once the
// network has it; every failure is thrown as-is for describeError to explain.
import { getAccount, readContract, signTypedData, waitForTransactionReceipt, writeContract } from "@wagmi/core";
import { buyAuthorizationTypes, permitTypes, stablecoinBuyAuthorizationTypes } from "@mesi/deployments";
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

/**
 * A signed EIP-2612 permit of `token` ($MESI by default, or a stablecoin with a permit such as USDC) for the vault
 * (which pulls ticket payments) allowing `value`, or none when the allowance already covers `amount`.
 */
async function vaultPermitIfNeeded(
  context: TicketContext,
  fan: Address,
  amount: bigint,
  token: { address: Address; value: bigint } = { address: context.mesi.MesiToken.address, value: maxUint256 },
) {
  const erc20 = { address: token.address, abi: context.mesi.MesiToken.abi, chainId: context.chainId } as const;
  const vault = context.mesi.MesiVault.address;
  const allowance = await readContract(context.wagmi, { ...erc20, functionName: "allowance", args: [fan, vault] });
  if (allowance >= amount) return undefined;
  const nonce = await readContract(context.wagmi, { ...erc20, functionName: "nonces", args: [fan] });
  const permitDeadline = deadline();
  const signature = await signTypedData(context.wagmi, {
    domain: await domainOf(context, erc20.address),
    types: permitTypes,
    primaryType: "Permit",
    message: { owner: fan, spender: vault, value: token.value, nonce, deadline: permitDeadline },
  });
  const { r, s, v, yParity } = parseSignature(signature);
  return { value: token.value, deadline: permitDeadline, v: Number(v ?? BigInt(yParity + 27)), r, s };
}

/** The permit field of a relay request, or nothing (the relayer client sends its bigints as decimal strings). */
function permitBody(permit: Awaited<ReturnType<typeof vaultPermitIfNeeded>>) {
  return permit === undefined ? {} : { permit };
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
    auth, // the relayer client sends bigints as decimal strings
    signature,
    ...permitBody(permit),
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
 * `buyWithStablecoin`. Without gas, see {@link buyTicketsWithStablecoinGasless}.
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

/**
 * USDC without gas: the fan signs a StablecoinBuyAuthorization and (unless the vault's USDC allowance covers it) a USDC
 * permit for exactly `maxStableIn`; the relayer submits `buyWithStablecoinBySig`, and the vault pulls the quote.
 */
export async function buyTicketsWithStablecoinGasless(
  context: TicketContext,
  purchase: StablecoinTicketPurchase,
): Promise<Hex> {
  const fan = connectedFan(context);
  const permit = await vaultPermitIfNeeded(context, fan, purchase.maxStableIn, {
    address: purchase.stablecoin,
    value: purchase.maxStableIn,
  });
  const tickets = { ...context.mesi.MesiTickets, chainId: context.chainId } as const;
  const nonce = await readContract(context.wagmi, { ...tickets, functionName: "nonces", args: [fan] });
  const auth = {
    fan,
    streamId: purchase.streamId,
    quantity: purchase.quantity,
    stablecoin: purchase.stablecoin,
    maxStableIn: purchase.maxStableIn,
    nonce,
    deadline: deadline(),
  };
  const signature = await signTypedData(context.wagmi, {
    domain: await domainOf(context, tickets.address),
    types: stablecoinBuyAuthorizationTypes,
    primaryType: "StablecoinBuyAuthorization",
    message: auth,
  });
  const { requestId } = await context.relayer.relayStablecoinTicket({
    auth, // the relayer client sends bigints as decimal strings
    signature,
    ...permitBody(permit),
  });
  context.onSubmitted?.(undefined);
  return waitForRelayRequest(context.relayer, requestId);
}
