// The contracts the relayer calls, with their typed ABIs from @mesi/deployments.
import { abis } from "@mesi/deployments";
import type { Address } from "viem";

export const vaultAbi = abis.MesiVault;
export const ticketsAbi = abis.MesiTickets;
export const mesiAbi = abis.MesiToken;
export const converterAbi = abis.StableConverter;
/** Any EIP-3009 + EIP-2612 stablecoin (USDC's interface); TestUSDC locally. */
export const stablecoinAbi = abis.TestUSDC;

export interface MesiAddresses {
  readonly vault: Address;
  readonly tickets: Address;
  readonly mesi: Address;
}

/** IMesiVault.CreditStatus */
export const CreditStatus = { None: 0, Held: 1, Cleared: 2, Reversed: 3 } as const;
export type CreditStatusValue = (typeof CreditStatus)[keyof typeof CreditStatus];

export { PaymentSource, TipChannel } from "./mesiTypes.ts";
