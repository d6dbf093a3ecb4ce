// Who may join a one-to-one call: only its fan and its creator, only while the accepted session runs (chain time,
// from the escrow's events through the index). Pure, like decideAccess.
import type { Address } from "viem";

import type { OneToOneCall } from "../gate/decideAccess.ts";

export type CallRole = "creator" | "fan";

export type CallDecision =
  | { readonly allow: true; readonly role: CallRole; readonly endsAt: number }
  | { readonly allow: false; readonly reason: "unknown_call" | "not_participant" | "not_started" | "ended" };

const same = (a: Address, b: Address) => a.toLowerCase() === b.toLowerCase();

/** `call` is the accepted session as the index has it (undefined: none with this id is accepted). */
export function decideCall(
  call: (OneToOneCall & { readonly creator: Address }) | undefined,
  wallet: Address,
  now: number,
): CallDecision {
  if (call === undefined) return { allow: false, reason: "unknown_call" };
  const role: CallRole | null = same(wallet, call.creator) ? "creator" : same(wallet, call.fan) ? "fan" : null;
  if (role === null) return { allow: false, reason: "not_participant" };
  if (now < call.startedAt) return { allow: false, reason: "not_started" };
  if (now >= call.endsAt) return { allow: false, reason: "ended" };
  return { allow: true, role, endsAt: call.endsAt };
}

/** Sentences for refusals (the webapp keeps its own localized copy). */
export const CALL_REFUSALS: Record<Exclude<CallDecision, { allow: true }>["reason"], string> = {
  unknown_call: "no accepted one-to-one call has this id",
  not_participant: "only the fan who paid and the creator may join this call",
  not_started: "this call has not started yet",
  ended: "this call has ended",
};
