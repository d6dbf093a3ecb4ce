// The events the contracts' hardening added (issue 8), emitted by the REAL contracts on anvil, run through the
// built WASM mappings and read back through the query dialect: accounts opened (self-service and at creator
// registration), stranded $MESI swept to the treasury (and what `verify` makes of it), vault module changes behind
// the admin delay (scheduled, executed, cancelled, replaced) and stablecoin listings behind it (listed, rate moved,
// delisted, relisted) — also across a reorg. The chain is deployed with a one-hour admin delay, as production is.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { keccak256, parseEther, toHex, type Abi, type Account, type Address } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { abis } from "@mesi/deployments";

import { sqliteAuditIndex } from "../audit/sqlite-index.ts";
import { verify } from "../audit/verify.ts";
import { QueryService } from "../indexer/graphql/service.ts";
import { IndexerCore } from "../indexer/indexer.ts";
import { dumpIndex } from "./helpers/index-dump.ts";
import { deployLocalMesi, sendCall, startAnvil, type DeployedMesi, type LocalChain } from "./helpers/local-chain.ts";
import { actorsOf } from "./helpers/scenario.ts";

const ADMIN_DELAY = 3600;
const MODULE_ROLE = keccak256(toHex("MODULE_ROLE"));

let chain: LocalChain;
let mesi: DeployedMesi;
let dir: string;
let indexer: IndexerCore;

const lower = (a: string): string => a.toLowerCase();

async function send(from: Account, contract: keyof typeof abis, functionName: string, args: readonly unknown[] = []) {
  return sendCall(chain, mesi, from, contract, functionName, args);
}

async function read<T>(contract: keyof typeof abis, functionName: string, args: readonly unknown[] = []): Promise<T> {
  return (await chain.publicClient.readContract({
    address: mesi.contracts[contract].address,
    abi: abis[contract] as never,
    functionName: functionName as never,
    args: args as never,
  })) as T;
}

/** Moves the chain's clock past the admin delay. */
async function afterDelay(): Promise<void> {
  await chain.testClient.increaseTime({ seconds: ADMIN_DELAY });
  await chain.testClient.mine({ blocks: 1 });
}

function core(name: string): IndexerCore {
  return new IndexerCore({
    client: chain.publicClient as never,
    deployment: mesi.targets,
    databasePath: join(dir, `${name}.sqlite`),
  });
}

/** Indexes up to the chain's head, then runs a query that must succeed. */
async function query<T = Record<string, any>>(q: string, variables?: Record<string, unknown>): Promise<T> {
  await indexer.follower.syncOnce();
  const result = new QueryService(indexer.store).execute({ query: q, variables });
  if (result.errors?.length) throw new Error(`GraphQL errors: ${result.errors.map((e) => e.message).join("; ")}`);
  return result.data as T;
}

beforeAll(async () => {
  chain = await startAnvil();
  mesi = await deployLocalMesi(chain, { adminDelay: ADMIN_DELAY });
  dir = mkdtempSync(join(tmpdir(), "mesi-hardening-"));
  indexer = core("live");
});

afterAll(async () => {
  indexer?.close();
  await chain?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("accounts (AccountOpened)", () => {
  it("records each account opened with openAccount, and counts them as the vault does", async () => {
    const { creator, fan } = actorsOf(chain);
    const { account, vault } = await query(
      `query($a: ID!, $v: ID!) {
        account(id: $a) { id openedVia openedBy openedAt openedAtBlock openedTransactionHash }
        vault(id: $v) { accountCount }
      }`,
      { a: lower(fan.address), v: lower(mesi.contracts.MesiVault.address) },
    );
    expect(account).toMatchObject({ id: lower(fan.address), openedVia: "OPEN_ACCOUNT", openedBy: lower(fan.address) });
    const block = await chain.publicClient.getBlock({ blockNumber: BigInt(account.openedAtBlock) });
    expect(account.openedAt).toBe(block.timestamp.toString());
    const receipt = await chain.publicClient.getTransactionReceipt({ hash: account.openedTransactionHash });
    expect(receipt.to).toBe(lower(mesi.contracts.MesiVault.address));
    expect(BigInt(vault.accountCount)).toBe(await read<bigint>("MesiVault", "accountCount"));
    expect(vault.accountCount).toBe(16); // accounts 4..19 opened theirs at deploy
    const { account: none } = await query(`query($a: ID!) { account(id: $a) { id } }`, {
      a: lower(actorsOf(chain).admin.address),
    });
    expect(none).toBeNull();
    expect(creator.address).not.toBe(fan.address);
  });

  it("records an account opened by creator registration, and leaves an open account as it was on registration", async () => {
    const { verifier, creator } = actorsOf(chain);
    // The verifier's address has no account yet: registering as a creator opens it.
    const registration = await send(verifier, "CreatorRegistry", "register", ["ipfs://verifier-creator"]);
    // The creator's address opened its own account at deploy: registering opens nothing.
    await send(creator, "CreatorRegistry", "register", ["ipfs://creator"]);
    const { opened, already, vault } = await query(
      `query($o: ID!, $a: ID!, $v: ID!) {
        opened: account(id: $o) { openedVia openedBy openedTransactionHash }
        already: account(id: $a) { openedVia }
        vault(id: $v) { accountCount }
      }`,
      { o: lower(verifier.address), a: lower(creator.address), v: lower(mesi.contracts.MesiVault.address) },
    );
    expect(opened).toEqual({
      openedVia: "CREATOR_REGISTRATION",
      openedBy: lower(verifier.address),
      openedTransactionHash: registration.transactionHash,
    });
    expect(already.openedVia).toBe("OPEN_ACCOUNT");
    expect(vault.accountCount).toBe(17);
    expect(BigInt(vault.accountCount)).toBe(await read<bigint>("MesiVault", "accountCount"));
  });
});

describe("stranded $MESI (ExcessSwept)", () => {
  const targets = () => ({
    vault: { address: mesi.contracts.MesiVault.address, abi: abis.MesiVault as Abi },
    token: { address: mesi.contracts.MesiToken.address, abi: abis.MesiToken as Abi },
  });

  it("verify shows a plain transfer as stranded, the sweep (given the index's account list) takes it, and both sides agree", async () => {
    const { admin, fan, creator } = actorsOf(chain);
    const vaultAddress = mesi.contracts.MesiVault.address;
    // Some money owed, so the sweep has a ledger to leave alone.
    await send(admin, "MesiToken", "transfer", [fan.address, parseEther("100")]);
    await send(fan, "MesiToken", "approve", [vaultAddress, parseEther("100")]);
    await send(fan, "MesiVault", "tip", [
      creator.address,
      parseEther("10"),
      0,
      toHex(0, { size: 32 }),
      toHex(0, { size: 32 }),
    ]);
    await send(admin, "MesiToken", "transfer", [vaultAddress, parseEther("5")]);
    await indexer.follower.syncOnce();

    const before = await verify(sqliteAuditIndex(indexer.store.db), chain.publicClient as never, targets());
    expect(before.differences).toEqual([]);
    expect(before.ok).toBe(true);
    expect(before.vault.onChain.stranded).toBe(parseEther("5").toString());
    expect(BigInt(before.vault.onChain.balanceOfVault) - BigInt(before.vault.fromEvents.owed)).toBe(parseEther("5"));

    // The sweep needs every open account in ascending order: the index lists them.
    const { accounts } = await query(`{ accounts(first: 1000, orderBy: id) { id } }`);
    expect(BigInt(accounts.length)).toBe(await read<bigint>("MesiVault", "accountCount"));
    const treasury = await read<Address>("MesiVault", "treasury");
    const receipt = await send(admin, "MesiVault", "sweepExcess", [accounts.map((a: { id: string }) => a.id)]);

    const { excessSweeps, vault } = await query(
      `query($v: ID!) {
        excessSweeps { treasury amount blockNumber transactionHash }
        vault(id: $v) { excessSwept excessSweepCount }
      }`,
      { v: lower(vaultAddress) },
    );
    expect(excessSweeps).toEqual([
      {
        treasury: lower(treasury),
        amount: parseEther("5").toString(),
        blockNumber: receipt.blockNumber.toString(),
        transactionHash: receipt.transactionHash,
      },
    ]);
    expect(vault).toEqual({ excessSwept: parseEther("5").toString(), excessSweepCount: 1 });

    const after = await verify(sqliteAuditIndex(indexer.store.db), chain.publicClient as never, targets());
    expect(after.ok).toBe(true);
    expect(after.vault.onChain.stranded).toBe("0");
    expect(after.vault.fromEvents.excessSwept).toBe(parseEther("5").toString());
    expect(after.vault.fromEvents.owed).toBe(after.vault.onChain.balanceOfVault);
  });
});

describe("vault modules (ModuleScheduled, ModuleScheduleCancelled, executed by a grant or setEscrowModule)", () => {
  it("a scheduled module waits the delay, is executed by its grant, and the vault's module list follows", async () => {
    const { admin } = actorsOf(chain);
    const module = chain.accounts[10]!.address;
    const scheduled = await send(admin, "MesiVault", "scheduleModule", [module]);
    const readyAt = await read<number>("MesiVault", "moduleScheduledAt", [module]);
    const { vaultModule } = await query(
      `query($m: ID!) { vaultModule(id: $m) { creditModule escrowModule
        pendingChange { status readyAt scheduledTransactionHash }
        changes { status } } }`,
      { m: lower(module) },
    );
    expect(vaultModule).toEqual({
      creditModule: false,
      escrowModule: false,
      pendingChange: {
        status: "SCHEDULED",
        readyAt: readyAt.toString(),
        scheduledTransactionHash: scheduled.transactionHash,
      },
      changes: [{ status: "SCHEDULED" }],
    });

    // Not before the delay.
    await expect(send(admin, "MesiVault", "grantRole", [MODULE_ROLE, module])).rejects.toThrow(
      /Vault_ModuleNotScheduled/,
    );
    await afterDelay();
    const granted = await send(admin, "MesiVault", "grantRole", [MODULE_ROLE, module]);
    const { vaultModule: after, moduleChangeEvents } = await query(
      `query($m: ID!, $mb: Bytes!) {
        vaultModule(id: $m) { creditModule pendingChange { id } changes { status executedAs closedTransactionHash } }
        moduleChangeEvents(where: { module: $mb }, orderBy: blockNumber) { kind readyAt }
      }`,
      { m: lower(module), mb: lower(module) },
    );
    expect(after).toEqual({
      creditModule: true,
      pendingChange: null,
      changes: [{ status: "EXECUTED", executedAs: "CREDIT_MODULE", closedTransactionHash: granted.transactionHash }],
    });
    expect(moduleChangeEvents).toEqual([
      { kind: "SCHEDULED", readyAt: readyAt.toString() },
      { kind: "EXECUTED", readyAt: readyAt.toString() },
    ]);
    expect(await read<number>("MesiVault", "moduleScheduledAt", [module])).toBe(0);

    // Revoking the role takes the module off the list.
    await send(admin, "MesiVault", "revokeRole", [MODULE_ROLE, module]);
    const { vaultModule: revoked } = await query(`query($m: ID!) { vaultModule(id: $m) { creditModule } }`, {
      m: lower(module),
    });
    expect(revoked.creditModule).toBe(false);
  });

  it("a cancelled change and a replaced one are closed as such; the modules the deploy set are listed", async () => {
    const { admin } = actorsOf(chain);
    const cancelled = chain.accounts[11]!.address;
    const replaced = chain.accounts[12]!.address;
    await send(admin, "MesiVault", "scheduleModule", [cancelled]);
    const cancel = await send(admin, "MesiVault", "cancelModuleSchedule", [cancelled]);
    await send(admin, "MesiVault", "scheduleModule", [replaced]);
    await send(admin, "MesiVault", "scheduleModule", [replaced]);
    const data = await query(
      `query($c: ID!, $r: ID!) {
        c: vaultModule(id: $c) { pendingChange { id } changes { status closedTransactionHash } }
        r: vaultModule(id: $r) { pendingChange { status } changes(orderBy: scheduledAtBlock) { status } }
        modules: vaultModules(where: { or: [{ creditModule: true }, { escrowModule: true }] }) { id creditModule escrowModule }
        vaults { modulesLocked }
      }`,
      { c: lower(cancelled), r: lower(replaced) },
    );
    expect(data.c).toEqual({
      pendingChange: null,
      changes: [{ status: "CANCELLED", closedTransactionHash: cancel.transactionHash }],
    });
    expect(data.r.pendingChange).toEqual({ status: "SCHEDULED" });
    expect(data.r.changes.map((c: { status: string }) => c.status).sort()).toEqual(["REPLACED", "SCHEDULED"]);
    const c = mesi.contracts;
    const expected = [
      { id: lower(c.CreatorRegistry.address), creditModule: true, escrowModule: false },
      { id: lower(c.MesiTickets.address), creditModule: true, escrowModule: false },
      { id: lower(c.OneToOneEscrow.address), creditModule: false, escrowModule: true },
    ];
    for (const module of expected) {
      const onChainCredit = await read<boolean>("MesiVault", "hasRole", [MODULE_ROLE, module.id]);
      expect(onChainCredit).toBe(module.creditModule);
    }
    expect(data.modules).toEqual(expect.arrayContaining(expected));
    expect(data.modules).toHaveLength(expected.length);
    expect(data.vaults).toEqual([{ modulesLocked: true }]);
  });

  it("a new escrow module is executed by setEscrowModule after the delay", async () => {
    const { admin } = actorsOf(chain);
    const next = chain.accounts[13]!.address;
    const old = lower(mesi.contracts.OneToOneEscrow.address);
    await send(admin, "MesiVault", "scheduleModule", [next]);
    await afterDelay();
    await send(admin, "MesiVault", "setEscrowModule", [next]);
    const data = await query(
      `query($n: ID!, $o: ID!) {
        n: vaultModule(id: $n) { escrowModule changes { status executedAs } }
        o: vaultModule(id: $o) { escrowModule }
      }`,
      { n: lower(next), o: old },
    );
    expect(data.n).toEqual({ escrowModule: true, changes: [{ status: "EXECUTED", executedAs: "ESCROW_MODULE" }] });
    expect(data.o).toEqual({ escrowModule: false });
    expect(lower(await read<string>("MesiVault", "escrowModule"))).toBe(lower(next));
  });
});

describe("stablecoin listings (ListingScheduled, RateUpdated, StablecoinDelisted)", () => {
  const coinQuery = `query($s: ID!) { stablecoin(id: $s) {
    rate listed status listedAt delistedAt windowRate windowStart
    pendingListing { rate readyAt status }
    listings(orderBy: scheduledAtBlock) { rate status listedTransactionHash }
    rateChanges(orderBy: blockNumber) { kind oldRate newRate listing { rate } }
  } }`;

  it("lists at the scheduled rate only after the delay; rate moves, delisting and relisting are recorded", async () => {
    const { admin } = actorsOf(chain);
    const usdc = mesi.contracts.TestUSDC.address;
    const s = lower(usdc);
    // The deploy scheduled TestUSDC's listing; with a delay it is not listed yet.
    const [rate, readyAt] = await read<[bigint, number]>("StableConverter", "listingOf", [usdc]);
    expect(rate).toBeGreaterThan(0n);
    let { stablecoin } = await query(coinQuery, { s });
    expect(stablecoin).toMatchObject({
      rate: "0",
      listed: false,
      status: "SCHEDULED",
      pendingListing: { rate: rate.toString(), readyAt: readyAt.toString(), status: "SCHEDULED" },
      rateChanges: [],
    });

    // Scheduled again now (the earlier tests moved the clock past the deploy's schedule): not listable yet.
    await send(admin, "StableConverter", "scheduleListing", [usdc, rate]);
    await expect(send(admin, "StableConverter", "setRate", [usdc, rate])).rejects.toThrow(
      /Converter_ListingNotScheduled/,
    );
    await afterDelay();
    const listed = await send(admin, "StableConverter", "setRate", [usdc, rate]);
    const listedBlock = await chain.publicClient.getBlock({ blockNumber: listed.blockNumber });
    // Within the bound (10 % per hour): +5 %.
    const moved = (rate * 105n) / 100n;
    await send(admin, "StableConverter", "setRate", [usdc, moved]);
    ({ stablecoin } = await query(coinQuery, { s }));
    expect(stablecoin).toMatchObject({
      rate: moved.toString(),
      listed: true,
      status: "LISTED",
      listedAt: listedBlock.timestamp.toString(),
      pendingListing: null,
      listings: [
        { rate: rate.toString(), status: "REPLACED", listedTransactionHash: null },
        { rate: rate.toString(), status: "LISTED", listedTransactionHash: listed.transactionHash },
      ],
      rateChanges: [
        { kind: "LISTED", oldRate: "0", newRate: rate.toString(), listing: { rate: rate.toString() } },
        { kind: "UPDATED", oldRate: rate.toString(), newRate: moved.toString(), listing: null },
      ],
    });
    const [windowRate, windowStart] = await read<[bigint, bigint]>("StableConverter", "rateWindowOf", [usdc]);
    expect(stablecoin.windowRate).toBe(windowRate.toString());
    expect(stablecoin.windowStart).toBe(windowStart.toString());

    // Delist, then relist at another rate through the delay.
    const delisted = await send(admin, "StableConverter", "delist", [usdc]);
    const delistedBlock = await chain.publicClient.getBlock({ blockNumber: delisted.blockNumber });
    const relistRate = rate * 2n;
    await send(admin, "StableConverter", "scheduleListing", [usdc, relistRate]);
    ({ stablecoin } = await query(coinQuery, { s }));
    expect(stablecoin).toMatchObject({
      rate: "0",
      listed: false,
      status: "SCHEDULED",
      delistedAt: delistedBlock.timestamp.toString(),
      pendingListing: { rate: relistRate.toString(), status: "SCHEDULED" },
    });
    expect(stablecoin.rateChanges.at(-1)).toEqual({
      kind: "DELISTED",
      oldRate: moved.toString(),
      newRate: "0",
      listing: null,
    });
    await afterDelay();
    await send(admin, "StableConverter", "setRate", [usdc, relistRate]);
    ({ stablecoin } = await query(coinQuery, { s }));
    expect(stablecoin).toMatchObject({ rate: relistRate.toString(), status: "LISTED", pendingListing: null });
    expect(stablecoin.listings.map((l: { status: string }) => l.status)).toEqual(["REPLACED", "LISTED", "LISTED"]);
    expect(stablecoin.windowRate).toBe(relistRate.toString());

    // Delisted with nothing scheduled: DELISTED.
    await send(admin, "StableConverter", "delist", [usdc]);
    ({ stablecoin } = await query(coinQuery, { s }));
    expect(stablecoin.status).toBe("DELISTED");
  });

  it("a listing scheduled again replaces the earlier one", async () => {
    const { admin } = actorsOf(chain);
    const coin = chain.accounts[14]!.address;
    await send(admin, "StableConverter", "scheduleListing", [coin, 10n ** 30n]);
    await send(admin, "StableConverter", "scheduleListing", [coin, 2n * 10n ** 30n]);
    const { stablecoin } = await query(coinQuery, { s: lower(coin) });
    expect(stablecoin.pendingListing).toMatchObject({ rate: (2n * 10n ** 30n).toString(), status: "SCHEDULED" });
    expect(stablecoin.listings.map((l: { status: string }) => l.status)).toEqual(["REPLACED", "SCHEDULED"]);
  });
});

describe("reorgs", () => {
  it("rolls back accounts, sweeps, module changes and listings of a dropped branch and applies the new one", async () => {
    const { admin, relayer, moderator } = actorsOf(chain);
    const vaultAddress = mesi.contracts.MesiVault.address;
    await indexer.follower.syncOnce();
    const snapshot = await chain.testClient.snapshot();

    // Branch A: an account opened, stranded $MESI swept, a module scheduled, a listing scheduled.
    const moduleA = chain.accounts[15]!.address;
    const coinA = chain.accounts[16]!.address;
    await send(relayer, "MesiVault", "openAccount");
    await send(admin, "MesiToken", "transfer", [vaultAddress, parseEther("3")]);
    const { accounts } = await query(`{ accounts(first: 1000, orderBy: id) { id } }`);
    await send(admin, "MesiVault", "sweepExcess", [accounts.map((a: { id: string }) => a.id)]);
    await send(admin, "MesiVault", "scheduleModule", [moduleA]);
    await send(admin, "StableConverter", "scheduleListing", [coinA, 10n ** 30n]);
    const a = await query(
      `query($r: ID!, $m: ID!, $c: ID!) {
        account(id: $r) { openedVia }
        excessSweeps { amount }
        vaultModule(id: $m) { pendingChange { status } }
        stablecoin(id: $c) { status }
        vaults { accountCount excessSwept }
      }`,
      { r: lower(relayer.address), m: lower(moduleA), c: lower(coinA) },
    );
    expect(a.account).toEqual({ openedVia: "OPEN_ACCOUNT" });
    expect(a.excessSweeps).toHaveLength(2);
    expect(a.vaultModule.pendingChange).toEqual({ status: "SCHEDULED" });
    expect(a.stablecoin.status).toBe("SCHEDULED");

    // Branch B from the snapshot: another account opened, module A's change never happened.
    await chain.testClient.revert({ id: snapshot });
    await send(moderator, "MesiVault", "openAccount");
    await chain.testClient.mine({ blocks: 5 });
    const b = await query(
      `query($r: ID!, $o: ID!, $m: ID!, $c: ID!) {
        gone: account(id: $r) { id }
        opened: account(id: $o) { openedVia }
        excessSweeps { amount }
        vaultModule(id: $m) { id }
        stablecoin(id: $c) { id }
        vaults { accountCount excessSwept }
      }`,
      { r: lower(relayer.address), o: lower(moderator.address), m: lower(moduleA), c: lower(coinA) },
    );
    expect(b).toEqual({
      gone: null,
      opened: { openedVia: "OPEN_ACCOUNT" },
      excessSweeps: [{ amount: parseEther("5").toString() }],
      vaultModule: null,
      stablecoin: null,
      vaults: [{ accountCount: a.vaults[0].accountCount, excessSwept: parseEther("5").toString() }],
    });
    expect(BigInt(b.vaults[0].accountCount)).toBe(await read<bigint>("MesiVault", "accountCount"));

    // The reorganized index equals one built from scratch on the final chain, row for row.
    const fresh = core("fresh");
    await fresh.follower.syncOnce();
    expect(dumpIndex(indexer.store.db, indexer.schema)).toEqual(dumpIndex(fresh.store.db, fresh.schema));
    fresh.close();
  });
});
