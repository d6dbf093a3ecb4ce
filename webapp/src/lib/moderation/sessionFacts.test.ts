import { describe, expect, it } from "vitest";

import type { BlockChangeRow, DisputedSessionRow } from "./queries";
import { sessionFacts } from "./sessionFacts";

const fan = "0x00000000000000000000000000000000000000aa" as const;
const creator = "0x00000000000000000000000000000000000000bb" as const;
const session: DisputedSessionRow = {
  id: "1",
  sessionId: "1",
  seq: "1",
  fan: { id: fan },
  creator: { id: creator },
  amount: "100",
  minutes: 5,
  status: "DISPUTED",
  requestedAt: "1000",
  startedAt: "1010",
  endsAt: "1310",
  disputeEndsAt: "90000",
  evidenceHash: "0x01",
  creatorBps: null,
  creatorAmount: null,
  fanAmount: null,
  fee: null,
  moderator: null,
  noteHash: null,
  closedAt: null,
  events: [
    { kind: "REQUESTED", blockNumber: "20", timestamp: "1000", transactionHash: "0xaa" },
    { kind: "ACCEPTED", blockNumber: "21", timestamp: "1010", transactionHash: "0xab" },
    { kind: "DISPUTED", blockNumber: "25", timestamp: "1100", transactionHash: "0xac" },
  ],
};
const change = (blocked: boolean, at: number, block: number, who: `0x${string}` = fan): BlockChangeRow => ({
  creator: { id: creator },
  fan: { id: who },
  blocked,
  blockNumber: String(block),
  timestamp: String(at),
});

describe("sessionFacts", () => {
  it("payment, call and report times with their blocks; the first block after paying and how soon", () => {
    const facts = sessionFacts(session, [change(true, 500, 5), change(false, 600, 6), change(true, 1012, 22)]);
    expect(facts).toEqual({
      paidAt: 1000,
      paidBlock: 20n,
      paidTransaction: "0xaa",
      startedAt: 1010,
      endsAt: 1310,
      reportedAt: 1100,
      reportedBlock: 25n,
      blocked: { at: 1012, block: 22n, secondsAfterPayment: 12 },
      blockedNow: true,
    });
  });
  it("no block of this fan by this creator after the payment: not blocked", () => {
    const facts = sessionFacts(session, [change(true, 500, 5), change(false, 600, 6), change(true, 1012, 22, creator)]);
    expect(facts.blocked).toBeNull();
    expect(facts.blockedNow).toBe(false);
  });
});
