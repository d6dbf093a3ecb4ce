// The decision table: one row per rule and per interaction of rules, written
// out by hand, then every combination of every rule's states checked against
// the properties the issue states (blocks and KYF bite everywhere, a one-to-one
// admits only its fan, ticket-only admits only holders, a private stream admits
// exactly the viewers meeting an enabled criterion).
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { zeroAddress, type Address } from "viem";

import {
  decideAccess,
  strangerFacts,
  type AccessDecision,
  type CheckedInvite,
  type StreamAccessState,
  type StreamRules,
  type ViewerFacts,
} from "./decideAccess.ts";

const NOW = 1_800_000_000;
const creator = "0x1000000000000000000000000000000000000001" as Address;
const fan = "0x2000000000000000000000000000000000000002" as Address;
const otherFan = "0x3000000000000000000000000000000000000003" as Address;
const inviteSigner = "0x4000000000000000000000000000000000000004" as Address;
const stranger = "0x5000000000000000000000000000000000000005" as Address;

const publicRules: StreamRules = {
  isPrivate: false,
  followers: false,
  minTierRank: 0,
  minTipped: 0n,
  inviteSigner: zeroAddress,
  kyfLevel: 0,
};

function stream(
  overrides: Omit<Partial<StreamAccessState>, "rules"> & { rules?: Partial<StreamRules> } = {},
): StreamAccessState {
  return {
    streamId: 7n,
    creator,
    live: true,
    ticketOnly: false,
    oneToOne: null,
    ...overrides,
    rules: { ...publicRules, ...overrides.rules },
  };
}

const viewer = (overrides: Partial<ViewerFacts> = {}): ViewerFacts => ({ ...strangerFacts(fan), ...overrides });

const invite = (overrides: Partial<CheckedInvite> = {}): CheckedInvite => ({
  signer: inviteSigner,
  streamId: 7n,
  invitee: fan,
  expiresAt: NOW + 600,
  revoked: false,
  ...overrides,
});

const privateAll = {
  isPrivate: true,
  followers: true,
  minTierRank: 2,
  minTipped: 100n,
  inviteSigner,
} satisfies Partial<StreamRules>;

const call = { sessionId: 1n, fan, startedAt: NOW - 60, endsAt: NOW + 540 };

/** A stream switched from a messenger group: private, no on-chain criterion, members of the group admitted. */
const groupStream = (membershipKnown = true, rules: Partial<StreamRules> = {}) =>
  stream({ rules: { isPrivate: true, ...rules }, group: { conversationId: "g-1", membershipKnown } });

interface Row {
  readonly name: string;
  readonly stream: StreamAccessState;
  readonly viewer: ViewerFacts;
  readonly expect: string; // "allow:<reason>" | "deny:<reason>[:<inviteProblem>]"
}

const rows: Row[] = [
  // public
  { name: "public admits a fan", stream: stream(), viewer: viewer(), expect: "allow:public" },
  {
    name: "public admits a viewer without a wallet",
    stream: stream(),
    viewer: strangerFacts(null),
    expect: "allow:public",
  },
  {
    name: "the creator always watches",
    stream: stream({ ticketOnly: true, rules: { kyfLevel: 3, isPrivate: true } }),
    viewer: strangerFacts(creator),
    expect: "allow:creator",
  },
  {
    name: "creator matched case-insensitively",
    stream: stream({ rules: { isPrivate: true } }),
    viewer: strangerFacts(creator.toLowerCase() as Address),
    expect: "allow:creator",
  },
  // blocked
  { name: "blocked on a public stream", stream: stream(), viewer: viewer({ blocked: true }), expect: "deny:blocked" },
  {
    name: "blocked beats a ticket",
    stream: stream({ ticketOnly: true }),
    viewer: viewer({ blocked: true, ticketBalance: 1n }),
    expect: "deny:blocked",
  },
  {
    name: "blocked beats following",
    stream: stream({ rules: privateAll }),
    viewer: viewer({ blocked: true, following: true }),
    expect: "deny:blocked",
  },
  {
    name: "blocked beats the one-to-one fan",
    stream: stream({ oneToOne: call }),
    viewer: viewer({ blocked: true }),
    expect: "deny:blocked",
  },
  // KYF
  {
    name: "KYF required, none",
    stream: stream({ rules: { kyfLevel: 2 } }),
    viewer: viewer(),
    expect: "deny:kyf_required",
  },
  {
    name: "KYF required, revoked",
    stream: stream({ rules: { kyfLevel: 2 } }),
    viewer: viewer({ kyf: { level: 3, expiresAt: NOW + 1, revoked: true } }),
    expect: "deny:kyf_required",
  },
  {
    name: "KYF expired this second",
    stream: stream({ rules: { kyfLevel: 2 } }),
    viewer: viewer({ kyf: { level: 3, expiresAt: NOW, revoked: false } }),
    expect: "deny:kyf_expired",
  },
  {
    name: "KYF level too low",
    stream: stream({ rules: { kyfLevel: 2 } }),
    viewer: viewer({ kyf: { level: 1, expiresAt: NOW + 1, revoked: false } }),
    expect: "deny:kyf_level_too_low",
  },
  {
    name: "KYF level met",
    stream: stream({ rules: { kyfLevel: 2 } }),
    viewer: viewer({ kyf: { level: 2, expiresAt: NOW + 1, revoked: false } }),
    expect: "allow:public",
  },
  {
    name: "KYF applies to ticket holders",
    stream: stream({ ticketOnly: true, rules: { kyfLevel: 1 } }),
    viewer: viewer({ ticketBalance: 2n }),
    expect: "deny:kyf_required",
  },
  {
    name: "KYF applies to the one-to-one fan",
    stream: stream({ oneToOne: call, rules: { kyfLevel: 1 } }),
    viewer: viewer(),
    expect: "deny:kyf_required",
  },
  {
    name: "KYF off ignores an expired attestation",
    stream: stream(),
    viewer: viewer({ kyf: { level: 1, expiresAt: NOW - 5, revoked: false } }),
    expect: "allow:public",
  },
  // one-to-one
  {
    name: "one-to-one admits its fan",
    stream: stream({ oneToOne: call }),
    viewer: viewer(),
    expect: "allow:one_to_one_fan",
  },
  {
    name: "one-to-one refuses another fan",
    stream: stream({ oneToOne: call }),
    viewer: viewer({ address: otherFan }),
    expect: "deny:in_one_to_one",
  },
  {
    name: "one-to-one refuses a viewer without a wallet",
    stream: stream({ oneToOne: call }),
    viewer: strangerFacts(null),
    expect: "deny:in_one_to_one",
  },
  {
    name: "one-to-one refuses a ticket holder",
    stream: stream({ oneToOne: call, ticketOnly: true }),
    viewer: viewer({ address: otherFan, ticketBalance: 1n }),
    expect: "deny:in_one_to_one",
  },
  {
    name: "one-to-one refuses a follower of a private stream",
    stream: stream({ oneToOne: call, rules: privateAll }),
    viewer: viewer({ address: otherFan, following: true }),
    expect: "deny:in_one_to_one",
  },
  {
    name: "one-to-one fan admitted on a ticket-only stream without a ticket",
    stream: stream({ oneToOne: call, ticketOnly: true }),
    viewer: viewer(),
    expect: "allow:one_to_one_fan",
  },
  {
    name: "one-to-one over at endsAt",
    stream: stream({ oneToOne: { ...call, endsAt: NOW } }),
    viewer: viewer({ address: otherFan }),
    expect: "allow:public",
  },
  {
    name: "one-to-one not started yet",
    stream: stream({ oneToOne: { ...call, startedAt: NOW + 1 } }),
    viewer: viewer({ address: otherFan }),
    expect: "allow:public",
  },
  {
    name: "one-to-one over: its fan back to the normal rules",
    stream: stream({ oneToOne: { ...call, endsAt: NOW - 1 }, ticketOnly: true }),
    viewer: viewer(),
    expect: "deny:ticket_only",
  },
  // ticket-only
  {
    name: "ticket-only admits a holder",
    stream: stream({ ticketOnly: true }),
    viewer: viewer({ ticketBalance: 1n }),
    expect: "allow:ticket_holder",
  },
  {
    name: "ticket-only refuses a non-holder",
    stream: stream({ ticketOnly: true }),
    viewer: viewer(),
    expect: "deny:ticket_only",
  },
  {
    name: "ticket-only refuses a follower of a private stream",
    stream: stream({ ticketOnly: true, rules: privateAll }),
    viewer: viewer({ following: true }),
    expect: "deny:ticket_only",
  },
  {
    name: "ticket-only overrides private rules for a holder",
    stream: stream({ ticketOnly: true, rules: privateAll }),
    viewer: viewer({ ticketBalance: 1n }),
    expect: "allow:ticket_holder",
  },
  {
    name: "ticket-only refuses a valid invite",
    stream: stream({ ticketOnly: true, rules: privateAll }),
    viewer: viewer({ invite: invite() }),
    expect: "deny:ticket_only",
  },
  {
    name: "a ticket on a stream not ticket-only does not open a private stream",
    stream: stream({ rules: privateAll }),
    viewer: viewer({ ticketBalance: 1n }),
    expect: "deny:private",
  },
  // private: followers
  {
    name: "private followers admits a follower",
    stream: stream({ rules: { isPrivate: true, followers: true } }),
    viewer: viewer({ following: true }),
    expect: "allow:follower",
  },
  {
    name: "private followers refuses a stranger",
    stream: stream({ rules: { isPrivate: true, followers: true } }),
    viewer: viewer(),
    expect: "deny:private",
  },
  {
    name: "following does not count when the criterion is off",
    stream: stream({ rules: { isPrivate: true, minTipped: 100n } }),
    viewer: viewer({ following: true }),
    expect: "deny:private",
  },
  {
    name: "private with no criterion admits nobody but the creator",
    stream: stream({ rules: { isPrivate: true } }),
    viewer: viewer({ following: true, tippedTotal: 10n ** 24n, subscription: { rank: 9, expiresAt: NOW + 1 } }),
    expect: "deny:private",
  },
  // private: tier
  {
    name: "tier rank equal admits",
    stream: stream({ rules: { isPrivate: true, minTierRank: 2 } }),
    viewer: viewer({ subscription: { rank: 2, expiresAt: NOW + 1 } }),
    expect: "allow:subscriber",
  },
  {
    name: "higher tier admits",
    stream: stream({ rules: { isPrivate: true, minTierRank: 2 } }),
    viewer: viewer({ subscription: { rank: 3, expiresAt: NOW + 1 } }),
    expect: "allow:subscriber",
  },
  {
    name: "lower tier refused",
    stream: stream({ rules: { isPrivate: true, minTierRank: 2 } }),
    viewer: viewer({ subscription: { rank: 1, expiresAt: NOW + 1 } }),
    expect: "deny:private",
  },
  {
    name: "expired subscription refused",
    stream: stream({ rules: { isPrivate: true, minTierRank: 2 } }),
    viewer: viewer({ subscription: { rank: 3, expiresAt: NOW } }),
    expect: "deny:private",
  },
  {
    name: "subscription ignored when the tier criterion is off",
    stream: stream({ rules: { isPrivate: true, followers: true } }),
    viewer: viewer({ subscription: { rank: 3, expiresAt: NOW + 1 } }),
    expect: "deny:private",
  },
  // private: tipped total
  {
    name: "tipped exactly the threshold",
    stream: stream({ rules: { isPrivate: true, minTipped: 100n } }),
    viewer: viewer({ tippedTotal: 100n }),
    expect: "allow:tipped",
  },
  {
    name: "tipped one below",
    stream: stream({ rules: { isPrivate: true, minTipped: 100n } }),
    viewer: viewer({ tippedTotal: 99n }),
    expect: "deny:private",
  },
  // private: invites
  {
    name: "valid invite admits",
    stream: stream({ rules: { isPrivate: true, inviteSigner } }),
    viewer: viewer({ invite: invite() }),
    expect: "allow:invite",
  },
  {
    name: "open invite (any holder) admits a stranger",
    stream: stream({ rules: { isPrivate: true, inviteSigner } }),
    viewer: viewer({ address: stranger, invite: invite({ invitee: zeroAddress }) }),
    expect: "allow:invite",
  },
  {
    name: "open invite admits a viewer without a wallet",
    stream: stream({ rules: { isPrivate: true, inviteSigner } }),
    viewer: { ...strangerFacts(null), invite: invite({ invitee: zeroAddress }) },
    expect: "allow:invite",
  },
  {
    name: "invite for another wallet",
    stream: stream({ rules: { isPrivate: true, inviteSigner } }),
    viewer: viewer({ address: stranger, invite: invite() }),
    expect: "deny:private:other_wallet",
  },
  {
    name: "invite expired this second",
    stream: stream({ rules: { isPrivate: true, inviteSigner } }),
    viewer: viewer({ invite: invite({ expiresAt: NOW }) }),
    expect: "deny:private:expired",
  },
  {
    name: "invite revoked",
    stream: stream({ rules: { isPrivate: true, inviteSigner } }),
    viewer: viewer({ invite: invite({ revoked: true }) }),
    expect: "deny:private:revoked",
  },
  {
    name: "invite signed by someone else (or the signer rotated)",
    stream: stream({ rules: { isPrivate: true, inviteSigner } }),
    viewer: viewer({ invite: invite({ signer: otherFan }) }),
    expect: "deny:private:wrong_signer",
  },
  {
    name: "invite for another stream",
    stream: stream({ rules: { isPrivate: true, inviteSigner } }),
    viewer: viewer({ invite: invite({ streamId: 8n }) }),
    expect: "deny:private:other_stream",
  },
  {
    name: "invite while invites are off",
    stream: stream({ rules: { isPrivate: true, followers: true } }),
    viewer: viewer({ invite: invite() }),
    expect: "deny:private:invites_off",
  },
  {
    name: "a bad invite does not spoil following",
    stream: stream({ rules: privateAll }),
    viewer: viewer({ following: true, invite: invite({ revoked: true }) }),
    expect: "allow:follower",
  },
  // private: any criterion
  {
    name: "any criterion: tipped alone",
    stream: stream({ rules: privateAll }),
    viewer: viewer({ tippedTotal: 100n }),
    expect: "allow:tipped",
  },
  {
    name: "any criterion: tier alone",
    stream: stream({ rules: privateAll }),
    viewer: viewer({ subscription: { rank: 2, expiresAt: NOW + 1 } }),
    expect: "allow:subscriber",
  },
  {
    name: "any criterion: invite alone",
    stream: stream({ rules: privateAll }),
    viewer: viewer({ invite: invite() }),
    expect: "allow:invite",
  },
  {
    name: "any criterion: none met",
    stream: stream({ rules: privateAll }),
    viewer: viewer({ tippedTotal: 99n, subscription: { rank: 1, expiresAt: NOW + 1 } }),
    expect: "deny:private",
  },
  {
    name: "private refuses a viewer without a wallet",
    stream: stream({ rules: privateAll }),
    viewer: strangerFacts(null),
    expect: "deny:private",
  },
  {
    name: "private + KYF: follower without KYF",
    stream: stream({ rules: { ...privateAll, kyfLevel: 1 } }),
    viewer: viewer({ following: true }),
    expect: "deny:kyf_required",
  },
  // member of the linked messenger group (group → live)
  {
    name: "group: a member is admitted",
    stream: groupStream(),
    viewer: viewer({ groupMember: true }),
    expect: "allow:group_member",
  },
  { name: "group: a non-member is refused", stream: groupStream(), viewer: viewer(), expect: "deny:private" },
  {
    name: "group: a viewer without a wallet is refused",
    stream: groupStream(),
    viewer: strangerFacts(null),
    expect: "deny:private",
  },
  {
    name: "group: a blocked member is refused",
    stream: groupStream(),
    viewer: viewer({ groupMember: true, blocked: true }),
    expect: "deny:blocked",
  },
  {
    name: "group: KYF still applies to a member",
    stream: groupStream(true, { kyfLevel: 2 }),
    viewer: viewer({ groupMember: true }),
    expect: "deny:kyf_required",
  },
  {
    name: "group: a member with the KYF level is admitted",
    stream: groupStream(true, { kyfLevel: 2 }),
    viewer: viewer({ groupMember: true, kyf: { level: 2, expiresAt: NOW + 60, revoked: false } }),
    expect: "allow:group_member",
  },
  {
    name: "group: membership unknown (hub unreachable) never admits, says why",
    stream: groupStream(false),
    viewer: viewer({ groupMember: true }),
    expect: "deny:group_unavailable",
  },
  {
    name: "group: membership unknown, an on-chain criterion still admits",
    stream: groupStream(false, { followers: true }),
    viewer: viewer({ following: true }),
    expect: "allow:follower",
  },
  {
    name: "group: ticket-only overrides membership",
    stream: stream({
      ticketOnly: true,
      rules: { isPrivate: true },
      group: { conversationId: "g-1", membershipKnown: true },
    }),
    viewer: viewer({ groupMember: true }),
    expect: "deny:ticket_only",
  },
  {
    name: "group: a one-to-one admits only its fan, not members",
    stream: stream({
      oneToOne: call,
      rules: { isPrivate: true },
      group: { conversationId: "g-1", membershipKnown: true },
    }),
    viewer: viewer({ address: otherFan, groupMember: true }),
    expect: "deny:in_one_to_one",
  },
  {
    name: "group: membership means nothing without a link",
    stream: stream({ rules: { isPrivate: true } }),
    viewer: viewer({ groupMember: true }),
    expect: "deny:private",
  },
  {
    name: "the live flag does not change access",
    stream: stream({ live: false }),
    viewer: viewer(),
    expect: "allow:public",
  },
];

function label(decision: AccessDecision): string {
  if (decision.allow) return `allow:${decision.reason}`;
  return decision.inviteProblem === undefined
    ? `deny:${decision.reason}`
    : `deny:${decision.reason}:${decision.inviteProblem}`;
}

describe("decideAccess: the decision table", () => {
  for (const row of rows) {
    it(row.name, () => assert.equal(label(decideAccess(row.stream, row.viewer, NOW)), row.expect));
  }

  it("says what would admit and when a one-to-one ends", () => {
    const denied = decideAccess(stream({ rules: privateAll }), viewer(), NOW);
    assert.deepEqual(denied, {
      allow: false,
      reason: "private",
      criteria: { followers: true, minTierRank: 2, minTipped: 100n, invites: true, group: false },
    });
    assert.deepEqual(decideAccess(groupStream(), viewer(), NOW), {
      allow: false,
      reason: "private",
      criteria: { followers: false, minTierRank: 0, minTipped: 0n, invites: false, group: true },
    });
    assert.deepEqual(decideAccess(stream({ oneToOne: call }), viewer({ address: otherFan }), NOW), {
      allow: false,
      reason: "in_one_to_one",
      oneToOneEndsAt: call.endsAt,
    });
    assert.deepEqual(decideAccess(stream({ rules: { kyfLevel: 3 } }), viewer(), NOW), {
      allow: false,
      reason: "kyf_required",
      requiredKyfLevel: 3,
    });
  });
});

// Every combination of every rule's states (≈ 100,000 cases), each checked against the rules in prose.
describe("decideAccess: every combination", () => {
  const viewers = [fan, otherFan, null] as const;
  const kyfs = [
    null,
    { level: 1, expiresAt: NOW + 10, revoked: false },
    { level: 2, expiresAt: NOW + 10, revoked: false },
    { level: 3, expiresAt: NOW - 10, revoked: false },
    { level: 3, expiresAt: NOW + 10, revoked: true },
  ];
  const calls = [null, call, { ...call, endsAt: NOW - 1 }];
  const subs = [null, { rank: 1, expiresAt: NOW + 10 }, { rank: 2, expiresAt: NOW + 10 }, { rank: 3, expiresAt: NOW }];
  const invites = [null, invite({ invitee: zeroAddress }), invite({ invitee: zeroAddress, revoked: true })];
  // No link; linked and the viewer is / is not a member; linked, membership unknown (the viewer is a member).
  const groups = [
    { link: null, member: false },
    { link: { conversationId: "g-1", membershipKnown: true }, member: true },
    { link: { conversationId: "g-1", membershipKnown: true }, member: false },
    { link: { conversationId: "g-1", membershipKnown: false }, member: true },
  ];

  it("keeps every stated rule in every combination", () => {
    let cases = 0;
    const seen = new Set<string>();
    for (const address of viewers)
      for (const blocked of [false, true])
        for (const kyfLevel of [0, 2])
          for (const kyf of kyfs)
            for (const oneToOne of calls)
              for (const ticketOnly of [false, true])
                for (const ticketBalance of [0n, 1n])
                  for (const isPrivate of [false, true])
                    for (const followers of [false, true])
                      for (const following of [false, true])
                        for (const minTierRank of [0, 2])
                          for (const subscription of subs)
                            for (const minTipped of [0n, 100n])
                              for (const tippedTotal of [0n, 100n])
                                for (const invitesOn of [false, true])
                                  for (const presented of invites)
                                    for (const group of groups) {
                                      const s = stream({
                                        group: group.link,
                                        oneToOne,
                                        ticketOnly,
                                        rules: {
                                          isPrivate,
                                          followers,
                                          minTierRank,
                                          minTipped,
                                          kyfLevel,
                                          inviteSigner: invitesOn ? inviteSigner : zeroAddress,
                                        },
                                      });
                                      const v: ViewerFacts = {
                                        address,
                                        blocked: address !== null && blocked,
                                        following: address !== null && following,
                                        tippedTotal: address === null ? 0n : tippedTotal,
                                        subscription: address === null ? null : subscription,
                                        ticketBalance: address === null ? 0n : ticketBalance,
                                        kyf: address === null ? null : kyf,
                                        invite: presented,
                                        groupMember: address !== null && group.member,
                                      };
                                      const d = decideAccess(s, v, NOW);
                                      cases++;
                                      seen.add(label(d).split(":").slice(0, 2).join(":"));
                                      const kyfOk =
                                        kyfLevel === 0 ||
                                        (v.kyf !== null &&
                                          !v.kyf.revoked &&
                                          v.kyf.expiresAt > NOW &&
                                          v.kyf.level >= kyfLevel);
                                      const inCall = oneToOne !== null && oneToOne.endsAt > NOW;
                                      const criterionMet =
                                        (followers && v.following) ||
                                        (minTierRank > 0 &&
                                          v.subscription !== null &&
                                          v.subscription.rank >= minTierRank &&
                                          v.subscription.expiresAt > NOW) ||
                                        (minTipped > 0n && v.tippedTotal >= minTipped) ||
                                        (invitesOn && presented !== null && !presented.revoked) ||
                                        (group.link !== null && group.link.membershipKnown && v.groupMember);
                                      const expected =
                                        v.blocked || !kyfOk
                                          ? false
                                          : inCall
                                            ? address === fan
                                            : ticketOnly
                                              ? v.ticketBalance > 0n
                                              : !isPrivate || criterionMet;
                                      if (d.allow !== expected) {
                                        assert.fail(
                                          `case ${cases}: ${JSON.stringify({ s, v, d }, (_, x) => (typeof x === "bigint" ? `${x}n` : x))}`,
                                        );
                                      }
                                    }
    assert.equal(cases, 3 * 2 * 2 * 5 * 3 * 2 * 2 * 2 * 2 * 2 * 2 * 4 * 2 * 2 * 2 * 3 * 4);
    // Every reason was reached somewhere in the sweep.
    for (const reason of [
      "allow:one_to_one_fan",
      "allow:ticket_holder",
      "allow:public",
      "allow:follower",
      "allow:subscriber",
      "allow:tipped",
      "allow:invite",
      "allow:group_member",
      "deny:blocked",
      "deny:kyf_required",
      "deny:kyf_expired",
      "deny:kyf_level_too_low",
      "deny:in_one_to_one",
      "deny:ticket_only",
      "deny:private",
      "deny:group_unavailable",
    ]) {
      assert.ok(seen.has(reason), `no combination reached ${reason}`);
    }
  });
});
