import { describe, expect, it } from "vitest";

import type { SessionRow } from "$lib/graph/types";

import { creatorSessionView, sessionView } from "./sessionView";

const base: SessionRow = {
  id: "1",
  sessionId: "1",
  seq: "1",
  fan: { id: "0x01" },
  creator: { id: "0x02" },
  amount: "1",
  minutes: 10,
  status: "REQUESTED",
  requestedAt: "1000",
  expiresAt: "2000",
  kyfDeadline: null,
  startedAt: null,
  endsAt: null,
  disputeEndsAt: null,
  closedAt: null,
};

describe("sessionView", () => {
  it("counts down to the answer, and offers cancel", () => {
    expect(sessionView(base, 1500)).toMatchObject({ stage: "waiting", until: 2000, canCancel: true, open: true });
  });
  it("waits for KYF consent until the later of the two deadlines", () => {
    expect(sessionView({ ...base, kyfDeadline: "3000" }, 2500)).toMatchObject({
      stage: "kyf",
      until: 3000,
      canConsent: true,
    });
  });
  it("an unanswered request past its time is expired and refundable by cancelling", () => {
    expect(sessionView(base, 2000)).toMatchObject({ stage: "expired", canCancel: true, open: true });
  });
  it("accepted: counts down the call, then the dispute window; report until it closes", () => {
    const accepted = { ...base, status: "ACCEPTED" as const, startedAt: "1100", endsAt: "1700", disputeEndsAt: "5000" };
    expect(sessionView(accepted, 1200)).toMatchObject({
      stage: "accepted",
      until: 1700,
      canReport: true,
      canCancel: false,
    });
    expect(sessionView(accepted, 4000)).toMatchObject({ stage: "ended", until: 5000, canReport: true });
    expect(sessionView(accepted, 5001)).toMatchObject({ stage: "ended", until: null, canReport: false });
  });
  it("closed states offer nothing and let the fan request again", () => {
    for (const [status, stage] of [
      ["DECLINED", "declined"],
      ["CANCELLED", "cancelled"],
      ["KYF_EXPIRED", "expired"],
      ["RELEASED", "released"],
      ["RESOLVED", "resolved"],
    ] as const) {
      expect(sessionView({ ...base, status }, 1500)).toMatchObject({ stage, open: false, canReport: false });
    }
    expect(sessionView({ ...base, status: "DISPUTED" }, 1500)).toMatchObject({ stage: "disputed", open: true });
  });
});

describe("creatorSessionView", () => {
  it("a request: accept or decline with the time left to answer; past it, nothing to answer", () => {
    expect(creatorSessionView(base, 1500)).toEqual({
      stage: "incoming",
      until: 2000,
      canAccept: true,
      canDecline: true,
      canRelease: false,
      canExpire: false,
    });
    expect(creatorSessionView({ ...base, kyfDeadline: "3000" }, 2500)).toMatchObject({ stage: "kyf", until: 3000 });
    expect(creatorSessionView(base, 2000)).toMatchObject({
      stage: "unanswered",
      canAccept: false,
      canDecline: false,
      canExpire: true,
    });
  });

  it("accepted: the call's countdown, then the time until release, then release strictly after the window", () => {
    const accepted = { ...base, status: "ACCEPTED" as const, startedAt: "1100", endsAt: "1700", disputeEndsAt: "5000" };
    expect(creatorSessionView(accepted, 1200)).toMatchObject({ stage: "running", until: 1700, canRelease: false });
    expect(creatorSessionView(accepted, 1700)).toMatchObject({ stage: "inDisputeWindow", until: 5001 });
    expect(creatorSessionView(accepted, 5000)).toMatchObject({ stage: "inDisputeWindow", canRelease: false });
    expect(creatorSessionView(accepted, 5001)).toMatchObject({ stage: "releasable", until: null, canRelease: true });
  });

  it("a reported session waits for a moderator; closed ones offer nothing", () => {
    expect(creatorSessionView({ ...base, status: "DISPUTED" }, 1500)).toMatchObject({
      stage: "disputed",
      canRelease: false,
    });
    for (const status of ["DECLINED", "CANCELLED", "EXPIRED", "KYF_EXPIRED", "RELEASED", "RESOLVED"] as const) {
      expect(creatorSessionView({ ...base, status }, 9999)).toMatchObject({ stage: "closed", canAccept: false });
    }
  });
});
