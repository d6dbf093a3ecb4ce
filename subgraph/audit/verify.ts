// `verify`: recompute every account's earnings (cleared, pending, fees owed)
// and the vault's holdings (float, fee pool, escrow, its $MESI balance) from
// the indexed EVENTS alone, then compare them with the contracts' state read
// at the same block — and with the subgraph's own aggregates. Every
// difference comes with the events that explain that account's balance.
// The vault holds at least what it owes: $MESI sent to it by a plain transfer
// is stranded (owed to no one, swept to the treasury by `sweepExcess`), so the
// balance above the recomputed ledger is reported as `stranded`, and only a
// balance below it is a difference.
import type { Abi, Address } from "viem";

import { bytesToHex, decodeBigInt } from "../indexer/store/values.ts";
import type { AuditIndex } from "./audit-index.ts";

export interface Ledger {
  cleared: bigint;
  pending: bigint;
  feesOwed: bigint;
}

export interface VaultHoldings {
  floatBalance: bigint;
  feePool: bigint;
  escrowed: bigint;
}

export interface ExplainingEvent {
  readonly entity: string;
  readonly id: string;
  readonly blockNumber: string;
  readonly transactionHash: string;
  readonly description: string;
  readonly cleared: string;
  readonly pending: string;
  readonly feesOwed: string;
}

export interface Difference {
  readonly subject: string;
  readonly quantity: string;
  readonly fromEvents: string;
  readonly onChain: string | null;
  readonly indexAggregate: string | null;
  readonly events?: readonly ExplainingEvent[];
  readonly eventCount?: number;
}

/** One account's earnings recomputed from events beside the contract's `earningsOf` at the report's block. */
export interface CreatorCheck {
  readonly creator: string;
  readonly ok: boolean;
  readonly fromEvents: { readonly cleared: string; readonly pending: string; readonly feesOwed: string };
  readonly onChain: { readonly cleared: string; readonly pending: string; readonly feesOwed: string };
}

export interface VerifyReport {
  readonly block: string;
  readonly creatorsChecked: number;
  readonly ok: boolean;
  /** Every account checked, in address order. */
  readonly creators: readonly CreatorCheck[];
  readonly differences: readonly Difference[];
  readonly vault: {
    readonly fromEvents: Record<string, string>;
    readonly onChain: Record<string, string>;
  };
}

/** What verify reads from the chain (a viem PublicClient fits). */
export interface StateReader {
  readContract(args: {
    address: Address;
    abi: Abi;
    functionName: string;
    args?: readonly unknown[];
    blockNumber?: bigint;
  }): Promise<unknown>;
}

export interface VerifyTargets {
  readonly vault: { readonly address: Address; readonly abi: Abi };
  readonly token: { readonly address: Address; readonly abi: Abi };
}

type Row = Record<string, unknown>;

// A row's values come as SQLite keeps them (BigInt: offset-binary blob, Bytes: blob) or as The Graph's JSON
// gives them (decimal text, 0x hex; relation fields as the related id): both read the same here.
const big = (value: unknown): bigint => {
  if (value === null || value === undefined) return 0n;
  if (value instanceof Uint8Array) return decodeBigInt(value);
  return BigInt(value as string | number | bigint);
};
const hex = (value: unknown): string =>
  value instanceof Uint8Array ? bytesToHex(value) : String(value as string).toLowerCase();

/** The entities whose events move money in the vault, each read whole by verify. */
export const LEDGER_EVENT_ENTITIES = [
  "Tip",
  "RelayerCredit",
  "CreditSettlement",
  "CreditReversal",
  "ModuleCredit",
  "EscrowMovement",
  "Claim",
  "FeeSweep",
  "FeeWithdrawal",
  "FloatMovement",
] as const;
/** Everything verify reads from the index besides the Vault row. */
export type VerifiedEntity = (typeof LEDGER_EVENT_ENTITIES)[number] | "Creator" | "Account" | "ExcessSweep";

/** The index's rows as of one block, as an {@link AuditIndex} reads them for verify. */
export interface IndexRows {
  readonly head: bigint;
  rows(entity: VerifiedEntity): Iterable<Row>;
  /** The Vault entity of the vault's address, if indexed. */
  readonly vault: Row | undefined;
}

export interface Effect {
  readonly creator: string | null;
  readonly cleared: bigint;
  readonly pending: bigint;
  readonly feesOwed: bigint;
  readonly floatBalance: bigint;
  readonly feePool: bigint;
  readonly escrowed: bigint;
  readonly entity: string;
  readonly row: Row;
  readonly description: string;
}

const NONE = { cleared: 0n, pending: 0n, feesOwed: 0n, floatBalance: 0n, feePool: 0n, escrowed: 0n };

/** Every ledger effect of every indexed vault event, in no particular order. */
function* effects(index: IndexRows): Generator<Effect> {
  const by = (entity: VerifiedEntity): Iterable<Row> => index.rows(entity);

  // Tips paid on-chain ($MESI, stablecoin); relayer tips are counted through their credit below.
  for (const row of by("Tip")) {
    if (row.source !== "MESI" && row.source !== "STABLECOIN") continue;
    const amount = big(row.amount);
    const fee = big(row.fee);
    yield {
      ...NONE,
      creator: hex(row.creator),
      cleared: amount - fee,
      feesOwed: fee,
      floatBalance: row.source === "STABLECOIN" ? -amount : 0n,
      entity: "Tip",
      row,
      description: `${row.source} tip of ${amount} (fee ${fee})`,
    };
  }
  for (const row of by("RelayerCredit")) {
    const amount = big(row.amount);
    const held = row.source === "FIAT";
    const fee = held ? 0n : big(row.fee);
    yield {
      ...NONE,
      creator: hex(row.creator),
      cleared: held ? 0n : amount - fee,
      pending: held ? amount : 0n,
      feesOwed: fee,
      floatBalance: -amount,
      entity: "RelayerCredit",
      row: { ...row, blockNumber: row.creditedAtBlock, transactionHash: row.creditTransactionHash },
      description: `${row.source} credit ${hex(row.id)} of ${amount}${held ? " (held)" : ` (fee ${fee})`}`,
    };
  }
  for (const row of by("CreditSettlement")) {
    const amount = big(row.amount);
    const fee = big(row.fee);
    yield {
      ...NONE,
      creator: hex(row.creator),
      cleared: amount - fee,
      pending: -amount,
      feesOwed: fee,
      entity: "CreditSettlement",
      row,
      description: `settlement of ${hex(row.credit)}: ${amount} (fee ${fee})`,
    };
  }
  for (const row of by("CreditReversal")) {
    const amount = big(row.amount);
    yield {
      ...NONE,
      creator: hex(row.creator),
      pending: -amount,
      floatBalance: amount,
      entity: "CreditReversal",
      row,
      description: `reversal of ${hex(row.credit)}: ${amount} back to the float`,
    };
  }
  for (const row of by("ModuleCredit")) {
    const amount = big(row.amount);
    const fee = big(row.fee);
    const stable = row.stablecoin !== null && row.stablecoin !== undefined;
    yield {
      ...NONE,
      creator: hex(row.creator),
      cleared: amount - fee,
      feesOwed: fee,
      floatBalance: stable ? -amount : 0n,
      entity: "ModuleCredit",
      row,
      description: `module ${hex(row.module)} collected ${amount}${stable ? " (stablecoin)" : ""} (fee ${fee})`,
    };
  }
  for (const row of by("EscrowMovement")) {
    const creatorAmount = big(row.creatorAmount);
    const fee = big(row.fee);
    const fanAmount = big(row.fanAmount);
    const funded = row.kind === "FUNDED";
    yield {
      ...NONE,
      creator: hex(row.creator),
      cleared: funded ? 0n : creatorAmount - fee,
      feesOwed: funded ? 0n : fee,
      escrowed: funded ? creatorAmount : -(creatorAmount + fanAmount),
      entity: "EscrowMovement",
      row,
      description: funded
        ? `escrow funded with ${creatorAmount}`
        : `escrow paid out: ${creatorAmount} to the creator (fee ${fee}), ${fanAmount} back to the fan`,
    };
  }
  for (const row of by("Claim")) {
    const amount = big(row.amount);
    const swept = big(row.feesSwept);
    yield {
      ...NONE,
      creator: hex(row.creator),
      cleared: -amount,
      feesOwed: -swept,
      feePool: swept,
      entity: "Claim",
      row,
      description: `claimed ${amount} to ${hex(row.to)}, swept ${swept} of fees`,
    };
  }
  for (const row of by("FeeSweep")) {
    const amount = big(row.amount);
    yield {
      ...NONE,
      creator: hex(row.creator),
      feesOwed: -amount,
      feePool: amount,
      entity: "FeeSweep",
      row,
      description: `fees swept: ${amount}`,
    };
  }
  for (const row of by("FeeWithdrawal")) {
    yield {
      ...NONE,
      creator: null,
      feePool: -big(row.amount),
      entity: "FeeWithdrawal",
      row,
      description: "fees withdrawn",
    };
  }
  for (const row of by("FloatMovement")) {
    const amount = big(row.amount);
    yield {
      ...NONE,
      creator: null,
      floatBalance: row.kind === "FUNDED" ? amount : -amount,
      entity: "FloatMovement",
      row,
      description: `float ${String(row.kind).toLowerCase()} ${amount}`,
    };
  }
}

/** Per-creator ledgers and vault holdings recomputed from events (and, if asked, each creator's effects). */
export function recompute(
  index: IndexRows,
  options: { readonly keepEffects?: boolean } = {},
): { creators: Map<string, Ledger>; vault: VaultHoldings; effectsByCreator: Map<string, Effect[]> } {
  const creators = new Map<string, Ledger>();
  const effectsByCreator = new Map<string, Effect[]>();
  const vault: VaultHoldings = { floatBalance: 0n, feePool: 0n, escrowed: 0n };
  for (const effect of effects(index)) {
    if (effect.creator) {
      const ledger = creators.get(effect.creator) ?? { cleared: 0n, pending: 0n, feesOwed: 0n };
      ledger.cleared += effect.cleared;
      ledger.pending += effect.pending;
      ledger.feesOwed += effect.feesOwed;
      creators.set(effect.creator, ledger);
      if (options.keepEffects) {
        const list = effectsByCreator.get(effect.creator);
        if (list) list.push(effect);
        else effectsByCreator.set(effect.creator, [effect]);
      }
    }
    vault.floatBalance += effect.floatBalance;
    vault.feePool += effect.feePool;
    vault.escrowed += effect.escrowed;
  }
  return { creators, vault, effectsByCreator };
}

function explainEffects(list: readonly Effect[], limit = 50): { events: ExplainingEvent[]; count: number } {
  const all = list.map((effect) => ({
    entity: effect.entity,
    id: hex(effect.row.id),
    blockNumber: big(effect.row.blockNumber).toString(),
    transactionHash: hex(effect.row.transactionHash),
    description: effect.description,
    cleared: effect.cleared.toString(),
    pending: effect.pending.toString(),
    feesOwed: effect.feesOwed.toString(),
    order: [big(effect.row.blockNumber), hex(effect.row.id)] as const,
  }));
  // Lowercase hex of equal-length ids sorts as their bytes do.
  all.sort((a, b) =>
    a.order[0] === b.order[0]
      ? a.order[1] < b.order[1]
        ? -1
        : a.order[1] > b.order[1]
          ? 1
          : 0
      : a.order[0] < b.order[0]
        ? -1
        : 1,
  );
  return { events: all.slice(-limit).map(({ order: _order, ...rest }) => rest), count: all.length };
}

async function inBatches<T, R>(items: readonly T[], size: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map(fn))));
  return out;
}

/** Everything verify reads from the index, from one block (one snapshot). */
export interface IndexSnapshot {
  readonly blockNumber: bigint;
  readonly creators: Map<string, Ledger>;
  readonly vault: VaultHoldings;
  readonly aggregates: Map<string, Ledger>;
  readonly vaultRow: Row | undefined;
  /** Accounts opened (Account rows) and Σ of the ExcessSweep events. */
  readonly accountCount: number;
  readonly excessSwept: bigint;
  /** The explaining events of every creator, read in the same snapshot (only shown for differences). */
  readonly explain: (creator: string) => { events: ExplainingEvent[]; count: number };
}

/** Recomputes the ledgers and collects the aggregates from the rows of one block. */
export function snapshotOf(index: IndexRows): IndexSnapshot {
  const { creators, vault, effectsByCreator } = recompute(index, { keepEffects: true });
  const aggregates = new Map<string, Ledger>();
  for (const row of index.rows("Creator")) {
    const id = hex(row.id);
    aggregates.set(id, { cleared: big(row.cleared), pending: big(row.pending), feesOwed: big(row.feesOwed) });
    if (!creators.has(id)) creators.set(id, { cleared: 0n, pending: 0n, feesOwed: 0n });
  }
  // Every open account is checked, also one that never earned (its ledger must be empty on-chain too).
  let accountCount = 0;
  for (const row of index.rows("Account")) {
    accountCount++;
    const id = hex(row.id);
    if (!creators.has(id)) creators.set(id, { cleared: 0n, pending: 0n, feesOwed: 0n });
  }
  let excessSwept = 0n;
  for (const row of index.rows("ExcessSweep")) excessSwept += big(row.amount);
  return {
    accountCount,
    excessSwept,
    blockNumber: index.head,
    creators,
    vault,
    aggregates,
    vaultRow: index.vault,
    // The rows behind a difference come from this snapshot too, not from a later read.
    explain: (creator) => explainEffects(effectsByCreator.get(creator) ?? []),
  };
}

export async function verify(index: AuditIndex, reader: StateReader, targets: VerifyTargets): Promise<VerifyReport> {
  const { blockNumber, creators, vault, aggregates, vaultRow, accountCount, excessSwept, explain } =
    await index.verifySnapshot(targets.vault.address);

  const read = (functionName: string, args: readonly unknown[] = [], target = targets.vault): Promise<unknown> =>
    reader.readContract({ address: target.address, abi: target.abi, functionName, args, blockNumber });
  const list = [...creators.keys()];
  const onChain = await inBatches(list, 16, async (creator) => {
    const [cleared, pending, feesOwed] = (await read("earningsOf", [creator])) as readonly [bigint, bigint, bigint];
    return { cleared, pending, feesOwed };
  });
  const [floatBalance, feePool, escrowed, balance, accountsOnChain] = (await Promise.all([
    read("floatBalance"),
    read("feePool"),
    read("escrowed"),
    read("balanceOf", [targets.vault.address], targets.token),
    read("accountCount"),
  ])) as [bigint, bigint, bigint, bigint, bigint];

  const differences: Difference[] = [];
  const checks: CreatorCheck[] = [];
  const ledgerText = (ledger: Ledger) => ({
    cleared: ledger.cleared.toString(),
    pending: ledger.pending.toString(),
    feesOwed: ledger.feesOwed.toString(),
  });
  let sumCleared = 0n;
  let sumPending = 0n;
  let sumFees = 0n;
  list.forEach((creator, index) => {
    const computed = creators.get(creator) as Ledger;
    const chain = onChain[index] as Ledger;
    const aggregate = aggregates.get(creator);
    sumCleared += computed.cleared;
    sumPending += computed.pending;
    sumFees += computed.feesOwed;
    const wrong: Difference[] = [];
    for (const quantity of ["cleared", "pending", "feesOwed"] as const) {
      const fromAggregate = aggregate?.[quantity];
      if (
        computed[quantity] !== chain[quantity] ||
        (fromAggregate !== undefined && fromAggregate !== computed[quantity])
      ) {
        wrong.push({
          subject: creator,
          quantity,
          fromEvents: computed[quantity].toString(),
          onChain: chain[quantity].toString(),
          indexAggregate: fromAggregate?.toString() ?? null,
        });
      }
    }
    checks.push({ creator, ok: wrong.length === 0, fromEvents: ledgerText(computed), onChain: ledgerText(chain) });
    if (wrong.length > 0) {
      const { events, count } = explain(creator);
      differences.push(...wrong.map((d) => ({ ...d, events, eventCount: count })));
    }
  });

  const vaultChecks: [string, bigint, bigint, unknown][] = [
    ["floatBalance", vault.floatBalance, floatBalance, vaultRow?.floatBalance],
    ["feePool", vault.feePool, feePool, vaultRow?.feePool],
    ["escrowed", vault.escrowed, escrowed, vaultRow?.escrowed],
  ];
  for (const [quantity, computed, chain, aggregate] of vaultChecks) {
    const fromAggregate = aggregate === undefined ? null : big(aggregate);
    if (computed !== chain || (fromAggregate !== null && fromAggregate !== computed)) {
      differences.push({
        subject: "vault",
        quantity,
        fromEvents: computed.toString(),
        onChain: chain.toString(),
        indexAggregate: fromAggregate?.toString() ?? null,
      });
    }
  }
  const sweptAggregate = vaultRow?.excessSwept === undefined ? null : big(vaultRow.excessSwept);
  if (sweptAggregate !== null && sweptAggregate !== excessSwept) {
    differences.push({
      subject: "vault",
      quantity: "excessSwept",
      fromEvents: excessSwept.toString(),
      onChain: null,
      indexAggregate: sweptAggregate.toString(),
    });
  }
  const accountAggregate = vaultRow?.accountCount === undefined ? null : Number(vaultRow.accountCount);
  if (BigInt(accountCount) !== accountsOnChain || (accountAggregate !== null && accountAggregate !== accountCount)) {
    differences.push({
      subject: "vault",
      quantity: "accountCount",
      fromEvents: accountCount.toString(),
      onChain: accountsOnChain.toString(),
      indexAggregate: accountAggregate?.toString() ?? null,
    });
  }
  // Conservation: the vault holds what it owes, plus $MESI stranded by plain transfers (sweepable, owed to no one).
  const owed = sumCleared + sumPending + sumFees + vault.feePool + vault.floatBalance + vault.escrowed;
  const stranded = balance - owed;
  if (stranded < 0n) {
    differences.push({
      subject: "vault",
      quantity: "MESI.balanceOf(vault) ≥ Σcleared + Σpending + ΣfeesOwed + feePool + float + escrowed",
      fromEvents: owed.toString(),
      onChain: balance.toString(),
      indexAggregate: null,
    });
  }
  return {
    block: blockNumber.toString(),
    creatorsChecked: list.length,
    ok: differences.length === 0,
    creators: checks.sort((a, b) => (a.creator < b.creator ? -1 : a.creator > b.creator ? 1 : 0)),
    differences,
    vault: {
      fromEvents: {
        floatBalance: vault.floatBalance.toString(),
        feePool: vault.feePool.toString(),
        escrowed: vault.escrowed.toString(),
        owed: owed.toString(),
        excessSwept: excessSwept.toString(),
        accountCount: accountCount.toString(),
      },
      onChain: {
        floatBalance: floatBalance.toString(),
        feePool: feePool.toString(),
        escrowed: escrowed.toString(),
        balanceOfVault: balance.toString(),
        stranded: (stranded > 0n ? stranded : 0n).toString(),
        accountCount: accountsOnChain.toString(),
      },
    },
  };
}
