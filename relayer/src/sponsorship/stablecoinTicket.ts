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

import { converterAbi, stablecoinAbi, vaultAbi } from "../chain/contracts.ts";
import { BadRequestError } from "../errors.ts";
import { address, parseOrThrow, uint } from "./requestSchemas.ts";
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

export const stablecoinTicketRequestSchema = ticketRequestSchemaWith({ stablecoin: address, maxStableIn: uint });

export async function submitStablecoinTicket(deps: GaslessDeps, body: unknown): Promise<RelayAccepted> {
  const request = parseOrThrow(stablecoinTicketRequestSchema, body, "invalid_stablecoin_ticket_request");
  const { auth, signature } = request;
  const permit = givenPermit(request.permit);
  const now = nowSeconds(deps);
  checkOrderFields(auth, now);

  const { chain: clients } = deps;
  const { publicClient, addresses } = clients;
  const price = { stablecoin: auth.stablecoin, maxStableIn: auth.maxStableIn };
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
    message: ticketAuthorizationMessage(auth, price),
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

  return await submitTicketOrder(deps, { order: auth, price, signature, permit, unsold });
}
