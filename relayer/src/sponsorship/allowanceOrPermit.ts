// The one check that the vault may pull a sponsored payment from the fan's tokens ($MESI or a stablecoin), shared by
// gasless tips and ticket purchases: without a permit the allowance already in place must cover the amount; with one, the permit must still
// be valid, cover the amount (unless the allowance already does) and be the fan's own signature for the vault.
import type { Address } from "viem";

import type { ChainClients } from "../chain/clients.ts";
import { BadRequestError } from "../errors.ts";
import type { Permit } from "./requestSchemas.ts";
import { requirePermitSigner } from "./typedSignature.ts";

export interface AllowanceOrPermitCheck {
  readonly fan: Address;
  /** The token the vault pulls; $MESI when not given. */
  readonly token?: Address;
  /** The token as the messages name it; "$MESI" when not given. */
  readonly symbol?: string;
  /** What the vault will pull, in the token's base units. */
  readonly amount: bigint;
  /** The vault's current allowance over the fan's tokens. */
  readonly allowance: bigint;
  /** The permit sent with the request, or undefined for none. */
  readonly permit: Permit | undefined;
  readonly now: bigint;
  /** The payment as the messages name it: "tip" or "purchase". */
  readonly payment: string;
  /** The amount as the permit_too_small message names it, e.g. "the tip 5" or "the 10 the tickets cost". */
  readonly amountDescription: string;
}

/**
 * Throws BadRequestError `insufficient_allowance`, `permit_expired`, `permit_too_small` or `invalid_permit` when the
 * vault could not pull `amount` from the fan; resolves otherwise.
 */
export async function requireAllowanceOrPermit(chain: ChainClients, check: AllowanceOrPermitCheck): Promise<void> {
  const { fan, amount, allowance, permit, now } = check;
  if (permit === undefined) {
    if (allowance < amount) {
      throw new BadRequestError(
        "insufficient_allowance",
        `the vault may spend ${allowance} of ${fan}'s ${check.symbol ?? "$MESI"}, less than ${amount}; sign a permit with the ${check.payment}`,
      );
    }
    return;
  }
  if (permit.deadline < now)
    throw new BadRequestError("permit_expired", `the permit's deadline ${permit.deadline} has passed`);
  if (permit.value < amount && allowance < amount) {
    throw new BadRequestError(
      "permit_too_small",
      `the permit allows ${permit.value}, less than ${check.amountDescription}`,
    );
  }
  await requirePermitSigner(chain, fan, permit, check.token);
}
