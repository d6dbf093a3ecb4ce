// Drives every Mesi flow on a real local chain so that every event the
// subgraph handles is emitted by the real contracts: tips ($MESI, stablecoin,
// fiat and off-chain stablecoin credits, settlements, reversals), tickets
// (MESI, stablecoin, card; transfers, batches, burns; ticket-only; close),
// subscriptions (trial and paid), follows, blocks, one-to-one sessions through
// every ending, KYF, reports, claims, fees, float and admin parameters.
import { keccak256, parseEther, toHex, zeroAddress, zeroHash, type Account, type Address, type Hex } from "viem";

import { abis, readSessionRecord } from "@mesi/deployments";

import type { DeployedMesi, LocalChain } from "./local-chain.ts";

export interface ScenarioActors {
  readonly admin: Account;
  readonly relayer: Account;
  readonly moderator: Account;
  readonly verifier: Account;
  readonly creator: Account;
  readonly creator2: Account;
  readonly fan: Account;
  readonly fan2: Account;
  readonly fan3: Account;
}

export interface ScenarioResult {
  readonly actors: ScenarioActors;
  /** Payment references credited by the relayer, by what happened to them. */
  readonly refs: {
    readonly fiatSettled: Hex;
    readonly fiatReversed: Hex;
    readonly fiatHeld: Hex;
    readonly relayerStable: Hex;
    readonly ticketFiat: Hex;
  };
  readonly streamId: bigint;
  readonly sessions: {
    readonly released: bigint;
    readonly declined: bigint;
    readonly cancelled: bigint;
    readonly expired: bigint;
    readonly kyfExpired: bigint;
    readonly resolved: bigint;
  };
  readonly reportId: bigint;
}

export const ref = (label: string): Hex => keccak256(toHex(label));

export function actorsOf(chain: LocalChain): ScenarioActors {
  const a = chain.accounts;
  return {
    admin: a[0] as Account,
    relayer: a[1] as Account,
    moderator: a[2] as Account,
    verifier: a[3] as Account,
    creator: a[4] as Account,
    creator2: a[5] as Account,
    fan: a[6] as Account,
    fan2: a[7] as Account,
    fan3: a[8] as Account,
  };
}

export async function runScenario(chain: LocalChain, mesi: DeployedMesi): Promise<ScenarioResult> {
  const actors = actorsOf(chain);
  const { admin, relayer, moderator, verifier, creator, creator2, fan, fan2, fan3 } = actors;
  const c = mesi.contracts;
  const pc = chain.publicClient;

  /** Sends one call from `from` and fails loudly (with the decoded revert) unless it succeeds. */
  const send = async (
    from: Account,
    contract: keyof typeof abis,
    functionName: string,
    args: readonly unknown[] = [],
  ): Promise<void> => {
    const wallet = chain.wallet(from);
    const { request } = await pc.simulateContract({
      account: from,
      address: c[contract].address,
      abi: abis[contract] as never,
      functionName: functionName as never,
      args: args as never,
    });
    const hash = await wallet.writeContract(request as never);
    const receipt = await pc.waitForTransactionReceipt({ hash, pollingInterval: 20 });
    if (receipt.status !== "success") throw new Error(`${contract}.${functionName} reverted`);
  };
  const read = async <T>(
    contract: keyof typeof abis,
    functionName: string,
    args: readonly unknown[] = [],
  ): Promise<T> =>
    (await pc.readContract({
      address: c[contract].address,
      abi: abis[contract] as never,
      functionName: functionName as never,
      args: args as never,
    })) as T;
  const later = async (seconds: number): Promise<void> => {
    await chain.testClient.increaseTime({ seconds });
    await chain.testClient.mine({ blocks: 1 });
  };

  const vault = c.MesiVault.address;
  const usdc = c.TestUSDC.address;
  const big = parseEther("1000000");

  // Funds: $MESI and USDC for fans, a float for the relayer's credits.
  for (const account of [fan, fan2, fan3]) {
    await send(admin, "MesiToken", "transfer", [account.address, parseEther("100000")]);
    await send(account, "MesiToken", "approve", [vault, big]);
    await send(account, "TestUSDC", "mint", [account.address, 1_000_000_000n]);
    await send(account, "TestUSDC", "approve", [vault, 1_000_000_000n]);
  }
  await send(admin, "MesiToken", "approve", [vault, big]);
  await send(admin, "MesiVault", "fundFloat", [parseEther("500000")]);

  // Creators, profiles, tiers, one-to-one settings, streams.
  await send(creator, "CreatorRegistry", "register", ["ipfs://creator-1"]);
  await send(creator, "CreatorRegistry", "updateProfile", ["ipfs://creator-1-v2"]);
  await send(creator2, "CreatorRegistry", "register", ["ipfs://creator-2"]);
  await send(creator, "CreatorRegistry", "createTier", [parseEther("50"), 1, 7, "ipfs://tier-bronze"]);
  await send(creator, "CreatorRegistry", "createTier", [parseEther("120"), 2, 0, "ipfs://tier-silver"]);
  await send(creator, "CreatorRegistry", "updateTier", [2, parseEther("100"), true]);
  await send(creator, "OneToOneEscrow", "setSettings", [
    { enabled: true, minMinutes: 5, maxMinutes: 30, minAmount: parseEther("20") },
  ]);
  const rules = {
    isPrivate: true,
    followers: true,
    minTierRank: 1,
    minTipped: parseEther("5"),
    inviteSigner: zeroAddress,
    kyfLevel: 0,
  };
  await send(creator, "CreatorRegistry", "createStream", [rules, "ipfs://stream-1"]);
  const streamId = await read<bigint>("CreatorRegistry", "streamCount");
  await send(creator, "CreatorRegistry", "updateStreamRules", [streamId, { ...rules, kyfLevel: 1 }]);
  await send(creator, "CreatorRegistry", "setLive", [streamId, true]);

  // Follows and blocks.
  await send(fan, "CreatorRegistry", "follow", [creator.address]);
  await send(fan2, "CreatorRegistry", "follow", [creator.address]);
  await send(fan2, "CreatorRegistry", "unfollow", [creator.address]);
  await send(creator, "MesiVault", "blockFan", [fan3.address]);
  await send(creator, "MesiVault", "unblockFan", [fan3.address]);

  // Tips: $MESI, stablecoin, relayer credits (fiat held / off-chain stablecoin cleared).
  await send(fan, "MesiVault", "tip", [creator.address, parseEther("10"), 0, zeroHash, ref("memo-1")]);
  await send(fan2, "MesiVault", "tip", [creator.address, parseEther("3"), 2, toHex(streamId, { size: 32 }), zeroHash]);
  await send(fan, "MesiVault", "tipWithStablecoin", [usdc, creator.address, 2_000_000n, 0n, 1, zeroHash, zeroHash]);
  const refs = {
    fiatSettled: ref("pi_settled"),
    fiatReversed: ref("pi_reversed"),
    fiatHeld: ref("pi_held"),
    relayerStable: ref("deposit-1"),
    ticketFiat: ref("pi_ticket"),
  };
  const credit = (paymentRef: Hex, who: Address, amount: bigint, source: number) => ({
    paymentRef,
    fan: who,
    creator: creator.address,
    amount,
    source,
    channel: 3,
    channelRef: ref("link-1"),
  });
  await send(relayer, "MesiVault", "creditBatch", [
    [
      credit(refs.fiatSettled, fan.address, parseEther("7"), 2),
      credit(refs.fiatReversed, fan2.address, parseEther("4"), 2),
      credit(refs.relayerStable, fan3.address, parseEther("6"), 3),
    ],
  ]);
  await send(relayer, "MesiVault", "reverseCredit", [refs.fiatReversed]);

  // Subscriptions: a free trial on the bronze tier, then a paid switch to silver.
  await send(fan, "CreatorRegistry", "subscribe", [creator.address, 1, 1]);
  await send(fan, "CreatorRegistry", "subscribe", [creator.address, 2, 2]);

  // Tickets: sale, buys in $MESI / stablecoin / card, transfers, batch, burn, ticket-only, close.
  await send(creator, "MesiTickets", "configureSale", [streamId, parseEther("15"), 100, true, 0]);
  await send(creator, "MesiTickets", "setTicketOnly", [streamId, true]);
  await send(fan, "MesiTickets", "buy", [streamId, 3, parseEther("45")]);
  await send(fan2, "MesiTickets", "buyWithStablecoin", [streamId, 1, usdc, 1_000_000_000n]);
  await send(relayer, "MesiTickets", "buyWithCredit", [refs.ticketFiat, fan3.address, streamId, 2, 2]);
  await send(fan, "MesiTickets", "safeTransferFrom", [fan.address, fan2.address, streamId, 1n, "0x"]);
  await send(fan, "MesiTickets", "safeBatchTransferFrom", [fan.address, fan3.address, [streamId], [1n], "0x"]);
  await send(fan3, "MesiTickets", "burn", [fan3.address, streamId, 1n]);
  await send(creator, "MesiTickets", "setTicketOnly", [streamId, false]);
  await send(creator, "MesiTickets", "closeSale", [streamId]);

  // KYF: attestation, disclosure consent and its revocation, a revoked attestation.
  await send(verifier, "KyfRegistry", "attest", [
    fan.address,
    2,
    BigInt(Math.floor(Date.now() / 1000) + 10 * 365 * 86400),
  ]);
  await send(verifier, "KyfRegistry", "attest", [
    fan3.address,
    1,
    BigInt(Math.floor(Date.now() / 1000) + 10 * 365 * 86400),
  ]);
  await send(verifier, "KyfRegistry", "revoke", [fan3.address]);
  await send(creator, "KyfRegistry", "requestDisclosure", [fan.address]);
  await send(fan, "KyfRegistry", "consent", [creator.address]);
  await send(fan, "KyfRegistry", "revokeConsent", [creator.address]);
  await send(admin, "KyfRegistry", "setConsentWindow", [72 * 3600]);

  // One-to-one sessions through every ending.
  const nextSession = async (from: Account, minutes = 10, amount = parseEther("25")): Promise<bigint> => {
    await send(from, "OneToOneEscrow", "request", [creator.address, amount, minutes]);
    const [sessionId] = await read<readonly [bigint, number]>("OneToOneEscrow", "latestSessionOf", [
      from.address,
      creator.address,
    ]);
    return sessionId;
  };
  /** Calls after the request take the session's record, rebuilt from the escrow's events. */
  const record = (sessionId: bigint) => readSessionRecord(pc, { address: c.OneToOneEscrow.address }, sessionId);
  const declined = await nextSession(fan);
  await send(creator, "OneToOneEscrow", "decline", [await record(declined)]);
  const cancelled = await nextSession(fan2);
  await send(fan2, "OneToOneEscrow", "cancel", [await record(cancelled)]);
  const released = await nextSession(fan, 5);
  await send(creator, "OneToOneEscrow", "accept", [await record(released)]);
  const expired = await nextSession(fan2);
  const kyfExpired = await nextSession(fan3);
  await send(creator, "OneToOneEscrow", "requestKyf", [await record(kyfExpired)]);
  await later(25 * 3600); // past the request TTL and the released session's dispute window
  await send(creator2, "OneToOneEscrow", "release", [await record(released)]);
  await send(creator2, "OneToOneEscrow", "expire", [await record(expired)]);
  await later(48 * 3600); // past the KYF consent window
  await send(creator2, "OneToOneEscrow", "expireKyf", [await record(kyfExpired)]);
  const resolved = await nextSession(fan, 5, parseEther("40"));
  await send(creator, "OneToOneEscrow", "accept", [await record(resolved)]);
  await send(fan, "OneToOneEscrow", "report", [await record(resolved), ref("evidence-1")]);
  await send(moderator, "OneToOneEscrow", "resolve", [await record(resolved), 6000, ref("note-1")]);
  await send(admin, "OneToOneEscrow", "setRequestTtl", [12 * 3600]);
  await send(admin, "OneToOneEscrow", "setDisputeWindow", [36 * 3600]);

  // Abuse reports.
  await send(fan2, "AbuseReports", "fileReport", [
    creator.address,
    2,
    toHex(resolved, { size: 32 }),
    ref("evidence-2"),
  ]);
  const reportId = await read<bigint>("AbuseReports", "reportCount");
  await send(moderator, "AbuseReports", "resolveReport", [reportId, true, ref("note-2")]);
  await send(fan3, "AbuseReports", "fileReport", [creator2.address, 0, zeroHash, ref("evidence-3")]);

  // Settlement after the hold period (7 days), one credit left held.
  await later(7 * 86400 + 60);
  await send(relayer, "MesiVault", "credit", [credit(refs.fiatHeld, fan2.address, parseEther("2"), 2)]);
  await send(creator2, "MesiVault", "settleCredits", [[refs.fiatSettled]]);

  // Claims, fees, float, stablecoin reserves, parameters, pause.
  await send(creator, "MesiVault", "claim", [creator.address]);
  await send(fan, "MesiVault", "tip", [creator2.address, parseEther("8"), 0, zeroHash, zeroHash]);
  await send(fan, "MesiVault", "sweepFees", [[creator2.address]]);
  await send(fan, "MesiVault", "withdrawFees", []);
  await send(admin, "MesiVault", "withdrawFloat", [admin.address, parseEther("1000")]);
  await send(admin, "MesiVault", "withdrawStablecoin", [usdc, admin.address, 1_000_000n]);
  await send(admin, "MesiVault", "setFeeBps", [1200]);
  await send(admin, "MesiVault", "setHoldPeriod", [3 * 86400]);
  await send(admin, "MesiVault", "setTreasury", [moderator.address]);
  await send(admin, "MesiVault", "pause", []);
  await send(admin, "MesiVault", "unpause", []);
  await send(admin, "StableConverter", "setMaxRateChangeBps", [500]);
  await send(admin, "StableConverter", "setRate", [usdc, (10n ** 32n * 104n) / 100n]);
  await send(admin, "MesiVault", "setConverter", [c.StableConverter.address]);
  await send(admin, "StableConverter", "delist", [usdc]);

  return {
    actors,
    refs,
    streamId,
    sessions: { released, declined, cancelled, expired, kyfExpired, resolved },
    reportId,
  };
}
