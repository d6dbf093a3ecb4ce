// POST /relay/stablecoin-ticket: an EIP-712 StablecoinBuyAuthorization for
// MesiTickets.buyWithStablecoinBySig, with an optional EIP-2612 permit of the
// stablecoin for the vault (USDC has both EIP-2612 and EIP-3009; the permit
// lets the vault pull exactly the quote at submission, at most the signed
// maximum). Checked before anything is stored, as a $MESI ticket
// (ticketPurchase.ts): quantity, deadline, nonce, signature, the sale; then the
// price in the stablecoin at the converter's quote against the signed
// maximum, the fan's stablecoin balance and allowance or permit, a simulation;
// then queued within the fan's sponsorship with its seats held.
import { stablecoinBuyAuthorizationTypes } from "@mesi/deployments";

import { converterAbi, stablecoinAbi, ticketsAbi, vaultAbi } from "../chain/contracts.ts";
import { BadRequestError } from "../errors.ts";
import type { TicketBySigPayload } from "../outbox/operations.ts";
import { address, parseOrThrow, uint } from "./requestSchemas.ts";
import {
  NO_PERMIT,
  nowSeconds,
  permitPayload,
  simulateSponsored,
  type GaslessDeps,
  type RelayAccepted,
} from "./sponsoredQueue.ts";
import {
  checkOrderFields,
  checkSaleForOrder,
  checkTicketAuthorization,
  priceAboveMaxError,
  queueTicketPurchase,
  readTicketState,
  ticketRequestSchemaWith,
} from "./ticketPurchase.ts";
import { requireAllowanceOrPermit } from "./allowanceOrPermit.ts";

export const stablecoinTicketRequestSchema = ticketRequestSchemaWith({ stablecoin: address, maxStableIn: uint });

export async function submitStablecoinTicket(deps: GaslessDeps, body: unknown): Promise<RelayAccepted> {
  const request = parseOrThrow(stablecoinTicketRequestSchema, body, "invalid_stablecoin_ticket_request");
  const { auth, signature } = request;
  // A permit of value 0 is "no permit", as the contract reads it.
  const permit = request.permit !== undefined && request.permit.value !== 0n ? request.permit : undefined;
  const now = nowSeconds(deps);
  checkOrderFields(auth, now);

  const { chain: clients } = deps;
  const { publicClient, addresses } = clients;
  const authArgs = {
    fan: auth.fan,
    streamId: auth.streamId,
    quantity: auth.quantity,
    stablecoin: auth.stablecoin,
    maxStableIn: auth.maxStableIn,
    nonce: auth.nonce,
    deadline: auth.deadline,
  };
  const notAToken = () => {
    throw new BadRequestError("unknown_stablecoin", `${auth.stablecoin} is not an ERC-20 token on this chain`);
  };
  const [{ nonce, sale, paused }, balance, allowance] = await Promise.all([
    readTicketState(deps, auth),
    publicClient
      .readContract({ address: auth.stablecoin, abi: stablecoinAbi, functionName: "balanceOf", args: [auth.fan] })
      .catch(notAToken),
    publicClient
      .readContract({
        address: auth.stablecoin,
        abi: stablecoinAbi,
        functionName: "allowance",
        args: [auth.fan, addresses.vault],
      })
      .catch(notAToken),
  ]);
  await checkTicketAuthorization(deps, auth, nonce, {
    types: stablecoinBuyAuthorizationTypes,
    primaryType: "StablecoinBuyAuthorization",
    message: authArgs,
    signature,
  });
  const { unsold, total } = await checkSaleForOrder(deps, auth, sale, paused, now);

  // The price in the stablecoin, as MesiTickets quotes it at submission.
  const converter = await publicClient.readContract({
    address: addresses.vault,
    abi: vaultAbi,
    functionName: "converter",
  });
  const stableIn = await publicClient
    .readContract({
      address: converter,
      abi: converterAbi,
      functionName: "quoteStableIn",
      args: [auth.stablecoin, total],
    })
    .catch(() => {
      throw new BadRequestError("unlisted_stablecoin", `${auth.stablecoin} is not listed on Mesi's converter`);
    });
  if (stableIn > auth.maxStableIn) throw priceAboveMaxError(auth, stableIn, auth.maxStableIn, "stablecoin", sale.price);
  if (balance < stableIn) {
    throw new BadRequestError(
      "insufficient_balance",
      `${auth.fan} holds ${balance} base units of ${auth.stablecoin}, less than the ${stableIn} the tickets cost`,
    );
  }
  await requireAllowanceOrPermit(clients, {
    token: auth.stablecoin,
    symbol: "stablecoin",
    fan: auth.fan,
    amount: stableIn,
    allowance,
    permit,
    now,
    payment: "purchase",
    amountDescription: `the ${stableIn} the tickets cost`,
  });

  const permitArgs = permit ?? NO_PERMIT;
  const estimate = await simulateSponsored(clients, {
    address: addresses.tickets,
    abi: ticketsAbi,
    functionName: "buyWithStablecoinBySig",
    args: [authArgs, signature, permitArgs],
  });
  const payload: TicketBySigPayload = {
    auth: {
      fan: auth.fan,
      streamId: auth.streamId.toString(),
      quantity: auth.quantity,
      stablecoin: auth.stablecoin,
      maxStableIn: auth.maxStableIn.toString(),
      nonce: auth.nonce.toString(),
      deadline: auth.deadline.toString(),
    },
    signature,
    permit: permitPayload(permitArgs),
  };
  return await queueTicketPurchase(deps, auth, unsold, estimate, payload);
}
