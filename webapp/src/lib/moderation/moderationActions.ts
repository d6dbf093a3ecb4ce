// What a moderator does on chain: resolve a disputed one-to-one with a split (the escrow's `resolve`, passing the
// session's record) and uphold or dismiss an abuse report (AbuseReports.resolveReport). Both check the role on
// chain first, so a wallet without MODERATOR_ROLE is told so and nothing is sent.
import { getAccount, readContract, waitForTransactionReceipt, writeContract } from "@wagmi/core";
import { keccak256, stringToBytes, type Address, type Hex } from "viem";

import { InvalidSplitError, NotModeratorError, WalletDisconnectedError } from "$lib/errors";
import { sessionRecord, type SessionContext } from "$lib/oneToOne/sessionActions";

import { MAX_SPLIT_BPS } from "./split";

export const MODERATOR_ROLE = keccak256(stringToBytes("MODERATOR_ROLE"));

function connected(context: SessionContext): Address {
  const account = getAccount(context.wagmi);
  if (account.address === undefined || account.status !== "connected") {
    throw new WalletDisconnectedError("no wallet is connected");
  }
  return account.address;
}

/** Throws NotModeratorError unless the connected wallet holds MODERATOR_ROLE on `on` (read on chain). */
export async function assertModerator(context: SessionContext, on: "OneToOneEscrow" | "AbuseReports"): Promise<void> {
  const account = connected(context);
  const args = [MODERATOR_ROLE, account] as const;
  const holds =
    on === "OneToOneEscrow"
      ? await readContract(context.wagmi, {
          ...context.mesi.OneToOneEscrow,
          chainId: context.chainId,
          functionName: "hasRole",
          args,
        })
      : await readContract(context.wagmi, {
          ...context.mesi.AbuseReports,
          chainId: context.chainId,
          functionName: "hasRole",
          args,
        });
  if (!holds) throw new NotModeratorError(`${account} does not hold MODERATOR_ROLE on ${on}`);
}

async function confirmed(context: SessionContext, hash: Hex): Promise<Hex> {
  context.onSubmitted?.(hash);
  const receipt = await waitForTransactionReceipt(context.wagmi, { hash, chainId: context.chainId });
  if (receipt.status !== "success") throw new Error(`transaction ${hash} reverted`);
  return hash;
}

/** Splits a disputed session: `creatorBps` of the escrow to the creator (before the fee), the rest to the fan. */
export async function resolveSession(
  context: SessionContext,
  session: { fan: Address; creator: Address; seq: bigint },
  creatorBps: number,
  noteHash: Hex,
): Promise<Hex> {
  if (!Number.isInteger(creatorBps) || creatorBps < 0 || creatorBps > MAX_SPLIT_BPS) {
    throw new InvalidSplitError(`a split is 0–${MAX_SPLIT_BPS} basis points, not ${creatorBps}`);
  }
  await assertModerator(context, "OneToOneEscrow");
  const record = await sessionRecord(context, session.fan, session.creator, session.seq);
  const hash = await writeContract(context.wagmi, {
    ...context.mesi.OneToOneEscrow,
    chainId: context.chainId,
    functionName: "resolve",
    args: [record, creatorBps, noteHash],
  });
  return confirmed(context, hash);
}

/** Upholds or dismisses an open abuse report, committing to the moderator's note by its hash. */
export async function decideReport(
  context: SessionContext,
  reportId: bigint,
  upheld: boolean,
  noteHash: Hex,
): Promise<Hex> {
  await assertModerator(context, "AbuseReports");
  const hash = await writeContract(context.wagmi, {
    ...context.mesi.AbuseReports,
    chainId: context.chainId,
    functionName: "resolveReport",
    args: [reportId, upheld, noteHash],
  });
  return confirmed(context, hash);
}

/** Keeps the note on the webapp's server (moderators only) and returns the hash the decision carries. */
export async function storeNote(subject: { kind: "session" | "report"; ref: string }, text: string): Promise<Hex> {
  const response = await fetch("/api/moderation/notes", {
    method: "POST",
    headers: { "content-type": "application/json" },
    credentials: "same-origin",
    body: JSON.stringify({ ...subject, text }),
  });
  const body = (await response.json().catch(() => ({}))) as { noteHash?: Hex; message?: string };
  if (response.status === 403) throw new NotModeratorError(body.message ?? "not a moderator");
  if (!response.ok || body.noteHash === undefined) {
    throw new Error(body.message ?? `the note could not be stored (${response.status})`);
  }
  return body.noteHash;
}
