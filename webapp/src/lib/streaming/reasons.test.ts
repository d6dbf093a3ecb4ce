import { describe, expect, it } from "vitest";

import { clockTime, refusalOf, removalOf } from "./reasons";
import type { GateAnswer } from "./types";

const answer = (over: Partial<GateAnswer>): GateAnswer => ({
  allow: false,
  reason: "private",
  streamId: "7",
  viewer: "0x0000000000000000000000000000000000000001",
  ...over,
});

describe("the sentence a refused or removed viewer reads", () => {
  it("follower-only private stream: follow to join (signed in), sign in first (not signed in)", () => {
    const followers = answer({
      reason: "private",
      criteria: { followers: true, minTierRank: 0, minTipped: "0", invites: false },
    });
    expect(refusalOf(followers, true)).toEqual({
      message: "This stream is for followers — follow to join.",
      action: "follow",
    });
    expect(refusalOf(followers, false).action).toBe("sign_in");
  });

  it("private by tier, by tipped total, by invite only", () => {
    const c = { followers: false, minTierRank: 0, minTipped: "0", invites: false };
    expect(refusalOf(answer({ criteria: { ...c, minTierRank: 2 } }), true)).toMatchObject({
      action: "subscribe",
      message: expect.stringContaining("tier 2"),
    });
    expect(refusalOf(answer({ criteria: { ...c, minTipped: "5" } }), true).action).toBe("tip");
    expect(refusalOf(answer({ criteria: { ...c, invites: true } }), true).message).toMatch(/invite link/);
  });

  it("group stream: members of the group chat only; an unreachable hub says so", () => {
    const c = { followers: false, minTierRank: 0, minTipped: "0", invites: false, group: true };
    expect(refusalOf(answer({ criteria: c }), true)).toEqual({
      message: "This stream is for members of its group chat — ask an admin to add you.",
      action: "none",
    });
    expect(removalOf(answer({ criteria: c }), true).message).toMatch(/removed.*members of its group chat/);
    expect(refusalOf(answer({ reason: "group_unavailable" }), true).message).toMatch(/group's members right now/);
  });

  it("ticket-only: buy a ticket; removal names ticket-only", () => {
    expect(refusalOf(answer({ reason: "ticket_only" }), true)).toEqual({
      message: "Ticket-only — buy a ticket to watch.",
      action: "buy_ticket",
    });
    expect(removalOf(answer({ reason: "ticket_only" }), true).message).toMatch(
      /^You were removed because the stream went ticket-only/,
    );
  });

  it("one-to-one: says when it ends (HH:MM)", () => {
    const endsAt = 1_800_000_000;
    const text = refusalOf(answer({ reason: "in_one_to_one", oneToOneEndsAt: endsAt }), true).message;
    expect(text).toContain(clockTime(endsAt));
    expect(clockTime(endsAt)).toMatch(/^\d{2}:\d{2}$/);
  });

  it("every gate reason has its own sentence, never an empty one", () => {
    for (const reason of [
      "blocked",
      "kyf_required",
      "kyf_expired",
      "kyf_level_too_low",
      "unknown_stream",
      "index_unavailable",
      "bad_access_key",
    ] as const) {
      const { message } = refusalOf(answer({ reason }), true);
      expect(message.length).toBeGreaterThan(10);
      expect(message).not.toBe("You can't watch this stream right now.");
    }
  });

  it("an invite that no longer admits says why; removal by a revoked invite says so; a signed-out invitee signs in", () => {
    const c = { followers: false, minTierRank: 0, minTipped: "0", invites: true };
    expect(refusalOf(answer({ criteria: c, inviteProblem: "revoked" }), true).message).toBe(
      "The creator revoked your invite link.",
    );
    expect(refusalOf(answer({ criteria: c, inviteProblem: "expired" }), true).message).toMatch(/expired/);
    expect(refusalOf(answer({ criteria: c, inviteProblem: "other_wallet" }), true).message).toMatch(/another wallet/);
    expect(refusalOf(answer({ criteria: c, inviteProblem: "wrong_signer" }), true).message).toMatch(/isn't valid/);
    expect(removalOf(answer({ criteria: c, inviteProblem: "revoked" }), true).message).toBe(
      "You were removed from the stream. The creator revoked your invite link.",
    );
    expect(refusalOf(answer({ criteria: c }), false, true)).toEqual({
      message: "You have an invite to this private stream. Sign in with your wallet to join.",
      action: "sign_in",
    });
  });
});
