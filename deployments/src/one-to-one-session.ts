// A one-to-one session's record (IOneToOneEscrow.Session), rebuilt from the
// escrow's events. The contract stores only a commitment to the record; every
// call after the request (accept, decline, cancel, expire, requestKyf,
// expireKyf, report, release, resolve) takes the whole record back.
import { encodeAbiParameters, keccak256, parseEventLogs, type Hex, type Log, type PublicClient } from "viem";

import { abis } from "./generated/abis.ts";
import type { Address } from "./types.ts";

/** IOneToOneEscrow.Status by name. */
export const SessionStatus = {
  None: 0,
  Requested: 1,
  Accepted: 2,
  Declined: 3,
  Cancelled: 4,
  Expired: 5,
  KyfExpired: 6,
  Disputed: 7,
  Released: 8,
  Resolved: 9,
} as const;

/** IOneToOneEscrow.Session as viem encodes and decodes it: what the escrow's commitment covers. */
export interface OneToOneSessionRecord {
  readonly fan: Address;
  readonly creator: Address;
  readonly amount: bigint;
  readonly minutes_: number;
  readonly requestedAt: number;
  /** Seconds the request stays open (snapshot at request time). */
  readonly requestTtl: number;
  /** Seconds after the session's end during which the fan may report (snapshot at request time). */
  readonly disputeWindow: number;
  /** 0 until the creator asks for KYF. */
  readonly kyfDeadline: number;
  /** 0 until accepted. */
  readonly startedAt: number;
}

const PAIR_KEY_MASK = (1n << 192n) - 1n;

/** The id of the `seq`-th session (1, 2, …) of `fan` with `creator`, as IOneToOneEscrow.sessionIdOf computes it. */
export function sessionIdOf(fan: Address, creator: Address, seq: bigint): bigint {
  const pairHash = keccak256(encodeAbiParameters([{ type: "address" }, { type: "address" }], [fan, creator]));
  return ((BigInt(pairHash) & PAIR_KEY_MASK) << 64n) | seq;
}

/** Raised when the logs hold no SessionRequested for the session. */
export class SessionRecordNotFoundError extends Error {
  override readonly name = "SessionRecordNotFoundError";
  readonly sessionId: bigint;

  constructor(sessionId: bigint) {
    super(`no SessionRequested event for one-to-one session ${sessionId} in the logs given`);
    this.sessionId = sessionId;
  }
}

/** A session's record (what the escrow's calls take) and its status (kept beside the commitment on chain). */
export interface OneToOneSessionState {
  readonly sessionId: bigint;
  readonly record: OneToOneSessionRecord;
  /** A {@link SessionStatus} value. */
  readonly status: number;
}

/**
 * Folds the escrow's logs (in chain order; other contracts' logs and other
 * sessions are skipped) into the current record and status of `sessionId`.
 */
export function sessionStateFromLogs(logs: readonly Log[], sessionId: bigint): OneToOneSessionState {
  let record: OneToOneSessionRecord | undefined;
  let status: number = SessionStatus.None;
  for (const log of parseEventLogs({ abi: abis.OneToOneEscrow, logs: [...logs], strict: true })) {
    if (!("sessionId" in log.args) || log.args.sessionId !== sessionId) continue;
    if (log.eventName === "SessionRequested") {
      const a = log.args;
      record = {
        fan: a.fan,
        creator: a.creator,
        amount: a.amount,
        minutes_: a.minutes_,
        requestedAt: a.requestedAt,
        requestTtl: a.expiresAt - a.requestedAt,
        disputeWindow: a.disputeWindow,
        kyfDeadline: 0,
        startedAt: 0,
      };
      status = SessionStatus.Requested;
      continue;
    }
    if (record === undefined) continue;
    switch (log.eventName) {
      case "SessionKyfRequested":
        record = { ...record, kyfDeadline: log.args.deadline };
        break;
      case "SessionAccepted":
        record = { ...record, startedAt: log.args.startedAt };
        status = SessionStatus.Accepted;
        break;
      case "SessionDisputed":
        status = SessionStatus.Disputed;
        break;
      case "SessionRefunded":
        status = log.args.status;
        break;
      case "SessionReleased":
        status = SessionStatus.Released;
        break;
      case "SessionResolved":
        status = SessionStatus.Resolved;
        break;
    }
  }
  if (record === undefined) throw new SessionRecordNotFoundError(sessionId);
  return { sessionId, record, status };
}

/** The record alone, as every escrow call after the request takes it. */
export function sessionRecordFromLogs(logs: readonly Log[], sessionId: bigint): OneToOneSessionRecord {
  return sessionStateFromLogs(logs, sessionId).record;
}

/**
 * Reads the escrow's logs from its deployment block and rebuilds the current
 * record and status of `sessionId` (fine for a local chain and tests; an app
 * reads them from the subgraph's OneToOneSession).
 */
export async function readSessionState(
  client: Pick<PublicClient, "getLogs">,
  escrow: { readonly address: Address; readonly blockNumber?: bigint },
  sessionId: bigint,
): Promise<OneToOneSessionState> {
  const topic: Hex = `0x${sessionId.toString(16).padStart(64, "0")}`;
  const logs = await client.getLogs({ address: escrow.address, fromBlock: escrow.blockNumber ?? 0n });
  return sessionStateFromLogs(
    logs.filter((log) => log.topics[1] === topic),
    sessionId,
  );
}

/** {@link readSessionState}'s record alone. */
export async function readSessionRecord(
  client: Pick<PublicClient, "getLogs">,
  escrow: { readonly address: Address; readonly blockNumber?: bigint },
  sessionId: bigint,
): Promise<OneToOneSessionRecord> {
  return (await readSessionState(client, escrow, sessionId)).record;
}
