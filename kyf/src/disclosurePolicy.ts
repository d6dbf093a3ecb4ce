// The one decision: may creator C read fan F's registration data now? Yes only when the fan is registered here and,
// at the block just read, the fan's on-chain consent to C stands (consent to C's latest request, with the fan's
// attestation still valid — KyfRegistry.hasConsented). Nobody else ever reads the data.
import { isAddressEqual, type Address } from "viem";

import type { ConsentFacts } from "./chain.ts";

export type DisclosureRefusal = "self" | "not_registered" | "no_consent";

export type DisclosureDecision =
  | { readonly allow: true; readonly blockNumber: bigint }
  | { readonly allow: false; readonly reason: DisclosureRefusal; readonly blockNumber: bigint };

export interface DisclosureQuestion {
  readonly creator: Address;
  readonly fan: Address;
  /** Whether the verifier holds registration data for the fan. */
  readonly registered: boolean;
  /** Read from the chain for this question, at its latest block. */
  readonly consent: ConsentFacts;
}

export function decideDisclosure(question: DisclosureQuestion): DisclosureDecision {
  const { blockNumber } = question.consent;
  if (isAddressEqual(question.creator, question.fan)) return { allow: false, reason: "self", blockNumber };
  if (!question.registered) return { allow: false, reason: "not_registered", blockNumber };
  if (!question.consent.consented) return { allow: false, reason: "no_consent", blockNumber };
  return { allow: true, blockNumber };
}
