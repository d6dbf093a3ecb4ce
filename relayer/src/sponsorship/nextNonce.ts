// The nonce check every signed gasless authorization (tip, ticket purchase) gets before its signature is checked:
// the contract takes only the signer's next nonce, so a used one is a replay and a later one can't land yet.
import type { Address } from "viem";

import { BadRequestError } from "../errors.ts";

export interface NextNonceCheck {
  readonly signer: Address;
  /** The nonce the authorization names. */
  readonly signed: bigint;
  /** The signer's next nonce, as the contract reads it now. */
  readonly next: bigint;
  /** The nonce as the messages name it: "nonce" or "ticket nonce". */
  readonly label: string;
  /** Who takes it, as the messages name it: "the vault" or "MesiTickets". */
  readonly contract: string;
}

/** Throws BadRequestError `nonce_used` or `nonce_not_next` (409, with the next nonce) unless `signed` is `next`. */
export function requireNextNonce({ signer, signed, next, label, contract }: NextNonceCheck): void {
  if (signed < next)
    throw new BadRequestError(
      "nonce_used",
      `${label} ${signed} of ${signer} is already used (next is ${next})`,
      { nextNonce: next.toString() },
      409,
    );
  if (signed > next)
    throw new BadRequestError(
      "nonce_not_next",
      `${label} ${signed} is ahead: ${contract} expects ${next}`,
      { nextNonce: next.toString() },
      409,
    );
}
