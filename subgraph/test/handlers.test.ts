// Every handler of every data source, fed the events the REAL contracts emit
// on a local anvil chain (test/helpers/scenario.ts), run through the built
// WASM mappings by the embedded indexer, and checked through GraphQL.
import { parseEther } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { abis } from "@mesi/deployments";

import type { RunningIndexer } from "../indexer/index.ts";
import { graphqlClient } from "./helpers/graphql.ts";
import type { DeployedMesi, LocalChain } from "./helpers/local-chain.ts";
import type { ScenarioResult } from "./helpers/scenario.ts";
import { startScenarioIndex, type ScenarioIndex } from "./helpers/scenario-index.ts";

let chain: LocalChain;
let mesi: DeployedMesi;
let scenario: ScenarioResult;
let indexer: RunningIndexer;
let gql: ReturnType<typeof graphqlClient>;

const e = (n: string): string => parseEther(n).toString();
const lower = (a: string): string => a.toLowerCase();

let index: ScenarioIndex | undefined;

beforeAll(async () => {
  index = await startScenarioIndex({ inMemory: true });
  ({ chain, mesi, scenario, indexer } = index);
  gql = graphqlClient(indexer.url);
});

afterAll(() => index?.stop());

describe("indexing", () => {
  it("caught up with the chain without errors", async () => {
    const head = await chain.publicClient.getBlockNumber({ cacheTime: 0 });
    const { _meta } = await gql.query(`{ _meta { block { number hash timestamp } deployment hasIndexingErrors } }`);
    expect(_meta.hasIndexingErrors).toBe(false);
    expect(BigInt(_meta.block.number)).toBe(head);
    const block = await chain.publicClient.getBlock({ blockNumber: head });
    expect(_meta.block.hash).toBe(block.hash);
    expect(_meta.deployment).toMatch(/^mesi-[0-9a-f]{40}$/);
  });
});

describe("MesiVault", () => {
  it("records tips from every source with their fees and references", async () => {
    const { tips } = await gql.query(
      `query($c: String!) { tips(where: { creator: $c }, orderBy: blockNumber) { source amount fee channel paymentRef memoHash stablecoin stableAmount fan { id } credit { status } } }`,
      { c: lower(scenario.actors.creator.address) },
    );
    expect(tips.map((t: any) => `${t.source}:${t.amount}:${t.fee}`)).toEqual([
      `MESI:${e("10")}:${e("1")}`,
      `MESI:${e("3")}:${e("0.3")}`,
      `STABLECOIN:${e("200")}:${e("20")}`,
      `FIAT:${e("7")}:0`,
      `FIAT:${e("4")}:0`,
      `RELAYER_STABLECOIN:${e("6")}:${e("0.6")}`,
      `FIAT:${e("2")}:0`,
    ]);
    expect(tips[0].memoHash).not.toBe("0x" + "00".repeat(32));
    expect(tips[1].channel).toBe("STREAM");
    expect(tips[2].stablecoin).toBe(lower(mesi.contracts.TestUSDC.address));
    expect(tips[2].stableAmount).toBe("2000000");
    expect(tips[3].paymentRef).toBe(scenario.refs.fiatSettled);
    expect(tips[3].credit.status).toBe("CLEARED");
    expect(tips[4].credit.status).toBe("REVERSED");
    expect(tips[5].credit.status).toBe("CLEARED");
    expect(tips[6].credit.status).toBe("HELD");
    expect(tips[0].fan.id).toBe(lower(scenario.actors.fan.address));
  });

  it("follows relayer credits through settlement and reversal", async () => {
    const { settled, reversed, ticket } = await gql.query(
      `query($s: ID!, $r: ID!, $t: ID!) {
        settled: relayerCredit(id: $s) { status fee purpose settledAt settlement { amount fee } tip { id } }
        reversed: relayerCredit(id: $r) { status reversedAt reversal { amount fan { id } } }
        ticket: relayerCredit(id: $t) { status purpose source tip { id } }
      }`,
      { s: scenario.refs.fiatSettled, r: scenario.refs.fiatReversed, t: scenario.refs.ticketFiat },
    );
    expect(settled).toMatchObject({
      status: "CLEARED",
      fee: e("0.7"),
      purpose: 0,
      settlement: { amount: e("7"), fee: e("0.7") },
    });
    expect(settled.tip).not.toBeNull();
    expect(reversed.status).toBe("REVERSED");
    expect(reversed.reversal).toEqual({ amount: e("4"), fan: { id: lower(scenario.actors.fan2.address) } });
    expect(ticket).toMatchObject({ status: "HELD", purpose: 1, source: "FIAT", tip: null });
  });

  it("keeps the fan→creator tipped totals that access rules read, net of reversals", async () => {
    const { creatorFans } = await gql.query(
      `query($c: String!) { creatorFans(where: { creator: $c }, orderBy: tippedTotal, orderDirection: desc) { tippedTotal tipCount following blocked fan { id } } }`,
      { c: lower(scenario.actors.creator.address) },
    );
    const byFan = Object.fromEntries(creatorFans.map((p: any) => [p.fan.id, p]));
    expect(byFan[lower(scenario.actors.fan.address)]).toMatchObject({
      tippedTotal: e("217"),
      tipCount: "3",
      following: true,
    });
    expect(byFan[lower(scenario.actors.fan2.address)]).toMatchObject({
      tippedTotal: e("5"),
      tipCount: "3",
      following: false,
    });
    expect(byFan[lower(scenario.actors.fan3.address)]).toMatchObject({ tippedTotal: e("6"), blocked: false });
  });

  it("mirrors the vault's ledger: earnings, claims, fees, float, escrow, parameters", async () => {
    const data = await gql.query(
      `query($c: ID!, $c2: ID!, $v: ID!) {
        creator(id: $c) { registered profileURI cleared pending feesOwed totalClaimed tipCount tipVolume followerCount blockedCount
          claims { amount feesSwept } dayData(first: 5) { tipCount tipVolume } }
        creator2: creator(id: $c2) { cleared feesOwed }
        vault(id: $v) { feeBps holdPeriod paused treasury floatBalance feePool escrowed feesWithdrawn }
        feeSweeps { amount creator { id } }
        feeWithdrawals { amount }
        floatMovements(orderBy: blockNumber) { kind amount }
        stablecoinWithdrawals { amount }
        blockChanges(orderBy: blockNumber) { blocked }
        moduleCredits { amount stablecoin }
        escrowMovements { kind }
        parameterChanges { name }
      }`,
      {
        c: lower(scenario.actors.creator.address),
        c2: lower(scenario.actors.creator2.address),
        v: lower(mesi.contracts.MesiVault.address),
      },
    );
    const [cleared, pending, feesOwed] = (await chain.publicClient.readContract({
      address: mesi.contracts.MesiVault.address,
      abi: (await import("@mesi/deployments")).abis.MesiVault,
      functionName: "earningsOf",
      args: [scenario.actors.creator.address],
    })) as readonly [bigint, bigint, bigint];
    expect(data.creator).toMatchObject({
      registered: true,
      profileURI: "ipfs://creator-1-v2",
      cleared: cleared.toString(),
      pending: pending.toString(),
      feesOwed: feesOwed.toString(),
      tipCount: "7",
      tipVolume: e("228"),
      followerCount: 1,
      blockedCount: 0,
    });
    expect(data.creator.claims).toHaveLength(1);
    expect(BigInt(data.creator.totalClaimed)).toBeGreaterThan(0n);
    expect(data.creator.pending).toBe(e("32")); // the held fiat tip (2) and the card ticket purchase (30)
    expect(data.creator.dayData.length).toBeGreaterThan(0);
    expect(data.vault).toMatchObject({ feeBps: "1200", holdPeriod: String(3 * 86400), paused: false });
    expect(data.vault.treasury).toBe(lower(scenario.actors.moderator.address));
    expect(data.feeSweeps).toEqual([{ amount: e("0.8"), creator: { id: lower(scenario.actors.creator2.address) } }]);
    expect(data.creator2.feesOwed).toBe("0");
    expect(data.feeWithdrawals).toHaveLength(1);
    expect(data.floatMovements.map((m: any) => m.kind)).toEqual(["FUNDED", "WITHDRAWN"]);
    expect(data.stablecoinWithdrawals).toEqual([{ amount: "1000000" }]);
    expect(data.blockChanges.map((b: any) => b.blocked)).toEqual([true, false]);
    expect(data.moduleCredits).toHaveLength(3);
    expect(data.moduleCredits.filter((m: any) => m.stablecoin !== null)).toHaveLength(1);
    expect(data.escrowMovements.filter((m: any) => m.kind === "FUNDED")).toHaveLength(6);
    expect(data.escrowMovements.filter((m: any) => m.kind === "PAID_OUT")).toHaveLength(6);
    expect(data.vault.escrowed).toBe("0");
    const names = new Set(data.parameterChanges.map((p: any) => p.name));
    for (const name of [
      "FeeUpdated",
      "HoldPeriodUpdated",
      "TreasuryUpdated",
      "ConverterUpdated",
      "Paused",
      "Unpaused",
      "ConsentWindowUpdated",
      "RequestTtlUpdated",
      "DisputeWindowUpdated",
      "MaxRateChangeUpdated",
    ]) {
      expect(names, name).toContain(name);
    }
  });
});

describe("CreatorRegistry", () => {
  it("indexes follows, tiers, subscriptions (trial and paid) and streams", async () => {
    const data = await gql.query(
      `query($c: String!, $f: String!) {
        followChanges(orderBy: blockNumber) { following fan { id } }
        tiers(where: { creator: $c }, orderBy: tierId) { tierId rank trialDays pricePer30Days active metadataURI }
        fanSubscriptions(where: { creator: $c, fan: $f }) { rank trial totalPaid tier { tierId } payments(orderBy: blockNumber) { trial paid fee periods } }
        payments(where: { kind: SUBSCRIPTION }) { amount fee source }
        streams { streamId live isPrivate followers minTierRank minTipped kyfLevel metadataURI ticketOnly sale { id } }
      }`,
      { c: lower(scenario.actors.creator.address), f: lower(scenario.actors.fan.address) },
    );
    expect(data.followChanges.map((f: any) => f.following)).toEqual([true, true, false]);
    expect(data.tiers).toEqual([
      { tierId: "1", rank: 1, trialDays: 7, pricePer30Days: e("50"), active: true, metadataURI: "ipfs://tier-bronze" },
      { tierId: "2", rank: 2, trialDays: 0, pricePer30Days: e("100"), active: true, metadataURI: "ipfs://tier-silver" },
    ]);
    expect(data.fanSubscriptions).toHaveLength(1);
    const subscription = data.fanSubscriptions[0];
    expect(subscription).toMatchObject({ rank: 2, trial: false, totalPaid: e("200"), tier: { tierId: "2" } });
    expect(subscription.payments).toEqual([
      { trial: true, paid: "0", fee: "0", periods: 0 },
      { trial: false, paid: e("200"), fee: e("20"), periods: 2 },
    ]);
    expect(data.payments).toEqual([{ amount: e("200"), fee: e("20"), source: "MESI" }]);
    expect(data.streams).toEqual([
      {
        streamId: scenario.streamId.toString(),
        live: true,
        isPrivate: true,
        followers: true,
        minTierRank: 1,
        minTipped: e("5"),
        kyfLevel: 1,
        metadataURI: "ipfs://stream-1",
        ticketOnly: false,
        sale: { id: scenario.streamId.toString() },
      },
    ]);
  });
});

describe("MesiTickets", () => {
  it("indexes sales, purchases from every source, ticket-only switches and ERC-1155 holdings", async () => {
    const id = scenario.streamId.toString();
    const data = await gql.query(
      `query($id: ID!) {
        ticketSale(id: $id) { price supply sold closed transferable ticketOnly revenue
          purchases(orderBy: blockNumber) { quantity totalPrice source paymentRef buyer { id } }
          events(orderBy: blockNumber) { kind } }
        stream(id: $id) { ticketOnlySwitches(orderBy: blockNumber) { enabled } holdings(orderBy: balance) { balance holder { id } } }
        ticketTransfers(orderBy: blockNumber) { from to value }
        payments(where: { kind: TICKET }) { amount source }
      }`,
      { id },
    );
    const { actors } = scenario;
    expect(data.ticketSale).toMatchObject({
      price: e("15"),
      supply: "100",
      sold: "6",
      closed: true,
      transferable: true,
      ticketOnly: false,
      revenue: e("90"),
    });
    expect(data.ticketSale.purchases.map((p: any) => [p.quantity, p.source, p.buyer.id])).toEqual([
      ["3", "MESI", lower(actors.fan.address)],
      ["1", "STABLECOIN", lower(actors.fan2.address)],
      ["2", "FIAT", lower(actors.fan3.address)],
    ]);
    expect(data.ticketSale.purchases[2].paymentRef).toBe(scenario.refs.ticketFiat);
    expect(data.ticketSale.purchases[0].paymentRef).toBeNull();
    expect(data.ticketSale.events.map((x: any) => x.kind)).toEqual(["CONFIGURED", "CLOSED"]);
    expect(data.stream.ticketOnlySwitches.map((s: any) => s.enabled)).toEqual([true, false]);
    const holdings = Object.fromEntries(data.stream.holdings.map((h: any) => [h.holder.id, h.balance]));
    expect(holdings).toEqual({
      [lower(actors.fan.address)]: "1",
      [lower(actors.fan2.address)]: "2",
      [lower(actors.fan3.address)]: "2",
    });
    // mints (3), transfer, batch item, burn
    expect(data.ticketTransfers).toHaveLength(6);
    expect(data.ticketTransfers.at(-1)).toMatchObject({ to: "0x" + "00".repeat(20), value: "1" });
    expect(data.payments).toHaveLength(3);
  });
});

describe("OneToOneEscrow", () => {
  it("keeps creators' one-to-one settings from the escrow's OneToOneSettingsUpdated", async () => {
    const fields = "oneToOneEnabled oneToOneMinAmount oneToOneMinMinutes oneToOneMaxMinutes";
    const data = await gql.query(
      `query($c: ID!, $c2: ID!) { creator(id: $c) { ${fields} } creator2: creator(id: $c2) { ${fields} } }`,
      {
        c: lower(scenario.actors.creator.address),
        c2: lower(scenario.actors.creator2.address),
      },
    );
    expect(data.creator).toEqual({
      oneToOneEnabled: true,
      oneToOneMinAmount: e("20"),
      oneToOneMinMinutes: 5,
      oneToOneMaxMinutes: 30,
    });
    // creator2 never set any: the defaults.
    expect(data.creator2).toEqual({
      oneToOneEnabled: false,
      oneToOneMinAmount: "0",
      oneToOneMinMinutes: 0,
      oneToOneMaxMinutes: 0,
    });
  });

  it("follows sessions through every ending", async () => {
    const { oneToOneSessions } = await gql.query(
      `{ oneToOneSessions(orderBy: sessionId) { sessionId status amount refund creatorAmount fanAmount fee creatorBps kyfDeadline
          evidenceHash noteHash moderator startedAt endsAt disputeEndsAt closedAt events(orderBy: blockNumber) { kind status } } }`,
    );
    const byId = Object.fromEntries(oneToOneSessions.map((s: any) => [s.sessionId, s]));
    const s = scenario.sessions;
    expect(byId[s.declined.toString()]).toMatchObject({ status: "DECLINED", refund: e("25") });
    expect(byId[s.cancelled.toString()]).toMatchObject({ status: "CANCELLED", refund: e("25") });
    expect(byId[s.expired.toString()]).toMatchObject({ status: "EXPIRED", refund: e("25") });
    expect(byId[s.kyfExpired.toString()].status).toBe("KYF_EXPIRED");
    expect(byId[s.kyfExpired.toString()].kyfDeadline).not.toBeNull();
    expect(byId[s.released.toString()]).toMatchObject({ status: "RELEASED", creatorAmount: e("25"), fee: e("2.5") });
    expect(byId[s.released.toString()].events.map((x: any) => x.kind)).toEqual(["REQUESTED", "ACCEPTED", "RELEASED"]);
    expect(byId[s.resolved.toString()]).toMatchObject({
      status: "RESOLVED",
      creatorBps: 6000,
      creatorAmount: e("24"),
      fanAmount: e("16"),
      fee: e("2.4"),
      moderator: lower(scenario.actors.moderator.address),
    });
    expect(byId[s.resolved.toString()].events.map((x: any) => x.kind)).toEqual([
      "REQUESTED",
      "ACCEPTED",
      "DISPUTED",
      "RESOLVED",
    ]);
    // The index holds every field of the record the escrow committed to (what the webapp passes back).
    for (const id of Object.values(s)) {
      const { oneToOneSession: x } = await gql.query(
        `query($id: ID!) { oneToOneSession(id: $id) { seq fan { id } creator { id } amount minutes requestedAt
            requestTtl disputeWindow kyfDeadline startedAt } }`,
        { id: id.toString() },
      );
      expect(BigInt(x.seq)).toBe(id & ((1n << 64n) - 1n));
      const record = {
        fan: x.fan.id,
        creator: x.creator.id,
        amount: BigInt(x.amount),
        minutes_: x.minutes,
        requestedAt: Number(x.requestedAt),
        requestTtl: x.requestTtl,
        disputeWindow: x.disputeWindow,
        kyfDeadline: Number(x.kyfDeadline ?? 0),
        startedAt: Number(x.startedAt ?? 0),
      };
      const escrow = { address: mesi.contracts.OneToOneEscrow.address, abi: abis.OneToOneEscrow } as const;
      // A pair's latest session is current; `released` was followed by fan's `resolved` (another amount).
      const current = await chain.publicClient.readContract({ ...escrow, functionName: "isCurrent", args: [record] });
      if ([s.expired, s.kyfExpired, s.resolved].includes(id)) expect(current, `session ${id}`).toBe(true);
      if (id === s.released) expect(current, `session ${id}`).toBe(false);
    }
    const { payments } = await gql.query(
      `{ payments(where: { kind: ONE_TO_ONE }, orderBy: blockNumber) { amount fee } }`,
    );
    expect(payments).toEqual([
      { amount: e("25"), fee: e("2.5") },
      { amount: e("24"), fee: e("2.4") },
    ]);
  });
});

describe("AbuseReports and KyfRegistry", () => {
  it("indexes reports with their resolutions", async () => {
    const { reports } = await gql.query(
      `{ reports(orderBy: reportId) { reportId status category reporter subject resolution { upheld moderator } } }`,
    );
    expect(reports).toHaveLength(2);
    expect(reports[0]).toMatchObject({ status: "UPHELD", category: "NO_SHOW", resolution: { upheld: true } });
    expect(reports[1]).toMatchObject({ status: "OPEN", category: "OTHER", resolution: null });
  });

  it("indexes attestations and disclosure consents", async () => {
    const { actors } = scenario;
    const data = await gql.query(
      `query($f: ID!, $f3: ID!, $fs: String!, $f3s: String!) {
        fan: kyfAttestation(id: $f) { level revoked events { kind } }
        fan3: kyfAttestation(id: $f3) { level revoked events(orderBy: blockNumber) { kind } }
        kyfDisclosures(where: { fan: $fs }) {
          consented consentedAt level latestStep events(orderBy: blockNumber) { kind level }
        }
        escrowAsked: kyfDisclosures(where: { fan: $f3s }) { deadline consented latestStep events { kind } }
      }`,
      {
        f: lower(actors.fan.address),
        f3: lower(actors.fan3.address),
        fs: lower(actors.fan.address),
        f3s: lower(actors.fan3.address),
      },
    );
    expect(data.fan).toEqual({ level: 2, revoked: false, events: [{ kind: "ATTESTED" }] });
    expect(data.fan3).toMatchObject({ level: 0, revoked: true });
    expect(data.fan3.events.map((x: any) => x.kind)).toEqual(["ATTESTED", "REVOKED"]);
    expect(data.kyfDisclosures).toHaveLength(1);
    expect(data.kyfDisclosures[0].consented).toBe(false);
    expect(data.kyfDisclosures[0].events.map((x: any) => x.kind)).toEqual([
      "REQUESTED",
      "CONSENTED",
      "CONSENT_REVOKED",
    ]);
    expect(data.kyfDisclosures[0].events[1].level).toBe(2);
    expect(data.kyfDisclosures[0].latestStep).toBe("CONSENT_REVOKED");
    // The escrow asked fan3 for disclosure on the creator's behalf (requestKyf).
    expect(data.escrowAsked).toHaveLength(1);
    expect(data.escrowAsked[0]).toMatchObject({
      consented: false,
      latestStep: "REQUESTED",
      events: [{ kind: "REQUESTED" }],
    });
  });
});

describe("StableConverter", () => {
  it("indexes listings, rate updates and delistings", async () => {
    const { stablecoin } = await gql.query(
      `query($id: ID!) { stablecoin(id: $id) { rate listed rateChanges(orderBy: blockNumber) { oldRate newRate } } }`,
      { id: lower(mesi.contracts.TestUSDC.address) },
    );
    expect(stablecoin.listed).toBe(false);
    expect(stablecoin.rate).toBe("0");
    expect(stablecoin.rateChanges.map((r: any) => r.newRate)).toEqual([
      (10n ** 32n).toString(),
      ((10n ** 32n * 104n) / 100n).toString(),
      "0",
    ]);
  });
});

describe("log decoding", () => {
  it("decodes every log the contracts emitted exactly as viem's ABI decoder does", async () => {
    const { DATA_SOURCES, eventAbi } = await import("../indexer/manifest.ts");
    const { decodeLog } = await import("../indexer/chain/decode.ts");
    const { decodeParameters } = await import("../indexer/chain/follower.ts");
    const { toEventSelector } = await import("viem");
    // Byte values compare by content (one side holds Buffers, the other Uint8Arrays).
    const plain = (value: unknown): unknown => {
      if (value instanceof Uint8Array) return Buffer.from(value).toString("hex");
      if (typeof value === "bigint") return `${value}n`;
      if (Array.isArray(value)) return value.map(plain);
      if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
      }
      return value;
    };
    let checked = 0;
    for (const source of DATA_SOURCES) {
      const logs = await chain.publicClient.getLogs({
        address: mesi.contracts[source.contract].address,
        fromBlock: 0n,
      });
      for (const [event] of source.events) {
        const abi = eventAbi(source.contract, event);
        for (const log of logs.filter((l) => l.topics[0] === toEventSelector(abi))) {
          expect(plain(decodeLog(abi, log))).toEqual(plain(decodeParameters(abi, log)));
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(90);
  });
});

describe("audit verify", () => {
  it("finds the index's recomputed balances equal to the contracts' state", async () => {
    const report = (await (await fetch(`${indexer.baseUrl}/audit/verify`)).json()) as any;
    expect(report.differences).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.creatorsChecked).toBeGreaterThanOrEqual(2);
  });
});
