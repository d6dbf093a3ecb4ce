// POST /relay/ticket: an EIP-712 BuyAuthorization for MesiTickets.buyBySig,
// with an optional EIP-2612 permit for the vault. Checked before anything is
// stored: quantity, deadline, nonce, signature (EOA or ERC-1271 wallet), the
// sale as MesiTickets will judge it, balance and allowance or permit, then a
// simulation; then queued with its gas reserved and its seats held (seats of
// card payments and other queued purchases are not for sale) until it is
// on-chain or has failed.
import { buyAuthorizationTypes } from "@mesi/deployments";

import { mesiAbi } from "../chain/contracts.ts";
import { BadRequestError } from "../errors.ts";
import { parseOrThrow, uint } from "./requestSchemas.ts";
import { nowSeconds, type GaslessDeps, type RelayAccepted } from "./sponsoredQueue.ts";
import {
  checkOrderFields,
  checkSaleForOrder,
  checkTicketAuthorization,
  givenPermit,
  priceAboveMaxError,
  readTicketState,
  submitTicketOrder,
  ticketAuthorizationMessage,
  ticketRequestSchemaWith,
} from "./ticketPurchase.ts";
import { requireAllowanceOrPermit } from "./allowanceOrPermit.ts";

export const ticketRequestSchema = ticketRequestSchemaWith({ maxTotalPrice: uint });

export async function submitTicketBySig(deps: GaslessDeps, body: unknown): Promise<RelayAccepted> {
  const request = parseOrThrow(ticketRequestSchema, body, "invalid_ticket_request");
  const { auth, signature } = request;
  const permit = givenPermit(request.permit);
  const now = nowSeconds(deps);
  checkOrderFields(auth, now);

  const { chain: clients } = deps;
  const { publicClient, addresses } = clients;
  const price = { maxTotalPrice: auth.maxTotalPrice };
  const [{ nonce, sale, paused }, balance, allowance] = await Promise.all([
    readTicketState(deps, auth),
    publicClient.readContract({ address: addresses.mesi, abi: mesiAbi, functionName: "balanceOf", args: [auth.fan] }),
    publicClient.readContract({
      address: addresses.mesi,
      abi: mesiAbi,
      functionName: "allowance",
      args: [auth.fan, addresses.vault],
    }),
  ]);
  await checkTicketAuthorization(deps, auth, nonce, {
    types: buyAuthorizationTypes,
    primaryType: "BuyAuthorization",
    message: ticketAuthorizationMessage(auth, price),
    signature,
  });
  const { unsold, total } = await checkSaleForOrder(deps, auth, sale, paused, now);
  if (total > auth.maxTotalPrice) throw priceAboveMaxError(auth, total, auth.maxTotalPrice, "$MESI", sale.price);

  // The money: balance, then allowance or permit.
  if (balance < total) {
    throw new BadRequestError(
      "insufficient_balance",
      `${auth.fan} holds ${balance} $MESI base units, less than the ${total} the tickets cost`,
    );
  }
  await requireAllowanceOrPermit(clients, {
    token: addresses.mesi,
    symbol: "$MESI",
    fan: auth.fan,
    amount: total,
    allowance,
    permit,
    now,
    payment: "purchase",
    amountDescription: `the ${total} the tickets cost`,
  });

  return await submitTicketOrder(deps, { order: auth, price, signature, permit, unsold });
}
