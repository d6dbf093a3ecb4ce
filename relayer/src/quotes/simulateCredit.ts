// What the contract would say to a card payment's credit, asked before the
// card is charged: the exact call the engine will send (vault.credit for a
// tip, tickets.buyWithCredit for a ticket), from this instance's hot wallet,
// simulated against the latest block. Whatever the contract checks (a blocked
// fan, a creator without an account, a closed or sold-out sale, a pause) is
// found here, by the contract's own code and error, never by a list of names
// kept in the relayer. An empty float is no reason to refuse: the credit waits
// for it (see txEngine's float handling).
import { encodeFunctionData, keccak256, toBytes, type Address, type Hex } from "viem";

import type { ChainClients } from "../chain/clients.ts";
import { PaymentSource, ticketsAbi, vaultAbi } from "../chain/contracts.ts";
import { decodeRevert, formatRevert, isRevert } from "../chain/revert.ts";
import { BadRequestError, UnavailableError } from "../errors.ts";

export interface CardCredit {
  readonly quoteId: string;
  readonly fan: Address;
  readonly creator: Address;
  readonly purpose: "tip" | "ticket";
  readonly mesiAmount: bigint;
  readonly channel: number;
  readonly channelRef: Hex;
  readonly streamId?: string | null;
  readonly quantity?: number | null;
}

/** Errors that do not make a payment uncreditable: the credit waits until they clear. */
const WAITS = new Set(["Vault_FloatInsufficient"]);

/** Throws 422 `would_revert` (with the contract's error in `revert`) when the credit would be refused. */
export async function simulateCardCredit(chain: ChainClients, credit: CardCredit): Promise<void> {
  // A reference no real payment has: the simulated credit is judged like the real one, on everything else.
  const paymentRef = keccak256(toBytes(`mesi-quote-simulation:${credit.quoteId}`));
  const call =
    credit.purpose === "ticket"
      ? {
          to: chain.addresses.tickets,
          data: encodeFunctionData({
            abi: ticketsAbi,
            functionName: "buyWithCredit",
            args: [paymentRef, credit.fan, BigInt(credit.streamId ?? 0), credit.quantity ?? 1, PaymentSource.Fiat],
          }),
        }
      : {
          to: chain.addresses.vault,
          data: encodeFunctionData({
            abi: vaultAbi,
            functionName: "credit",
            args: [
              {
                paymentRef,
                fan: credit.fan,
                creator: credit.creator,
                amount: credit.mesiAmount,
                source: PaymentSource.Fiat,
                channel: credit.channel,
                channelRef: credit.channelRef,
              },
            ],
          }),
        };
  try {
    await chain.publicClient.call({ account: chain.signer.address, ...call });
  } catch (error) {
    const decoded = decodeRevert(error);
    if (decoded === undefined && !isRevert(error)) {
      throw new UnavailableError("could not check the payment against the chain; try again");
    }
    if (decoded !== undefined && WAITS.has(decoded.name)) return;
    throw new BadRequestError(
      "would_revert",
      `this payment would be refused on-chain (${formatRevert(decoded, error)}), so the card was not charged`,
      { revert: decoded?.name ?? null },
      422,
    );
  }
}
