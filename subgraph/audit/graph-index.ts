// The auditor's reads over any endpoint that speaks The Graph's query dialect (a graph-node, The Graph's
// gateway, or the embedded indexer's own GraphQL). Every report reads one block (see graph-endpoint.ts);
// rows come out exactly as the SQLite reads give them: the same columns, the same (timestamp, id) order.
import type { AuditIndex, LedgerName, LedgerPageOptions } from "./audit-index.ts";
import {
  flattenRelations,
  GraphEndpoint,
  type CollectionQuery,
  type GraphRow,
  type PinnedBlock,
} from "./graph-endpoint.ts";
import { columnsOf, TotalsAccumulator, type LedgerFilter, type LedgerRow, type Totals } from "./ledger.ts";
import type { ChainCredit, IndexCredits } from "./reconcile.ts";
import { snapshotOf, type IndexSnapshot, type VerifiedEntity } from "./verify.ts";

const LEDGER_QUERIES: Record<LedgerName, CollectionQuery> = {
  tips: {
    collection: "tips",
    entity: "Tip",
    fields: `id timestamp blockNumber transactionHash logIndex creator { id } fan { id } source amount fee channel
      channelRef memoHash paymentRef credit { status } stablecoin stableAmount`,
  },
  payments: {
    collection: "payments",
    entity: "Payment",
    fields: "id timestamp blockNumber transactionHash kind creator { id } fan { id } source amount fee paymentRef",
  },
};

/** The fields verify reads of each entity (relations as `{ id }`). */
const VERIFY_QUERIES: Record<VerifiedEntity, CollectionQuery> = {
  Tip: {
    collection: "tips",
    entity: "Tip",
    fields: "id creator { id } source amount fee blockNumber transactionHash",
    // Relayer tips are counted through their credit.
    where: { source_in: ["MESI", "STABLECOIN"] },
  },
  RelayerCredit: {
    collection: "relayerCredits",
    entity: "RelayerCredit",
    fields: "id creator { id } source amount fee creditedAtBlock creditTransactionHash",
  },
  CreditSettlement: {
    collection: "creditSettlements",
    entity: "CreditSettlement",
    fields: "id creator { id } credit { id } amount fee blockNumber transactionHash",
  },
  CreditReversal: {
    collection: "creditReversals",
    entity: "CreditReversal",
    fields: "id creator { id } credit { id } amount blockNumber transactionHash",
  },
  ModuleCredit: {
    collection: "moduleCredits",
    entity: "ModuleCredit",
    fields: "id creator { id } module amount fee stablecoin blockNumber transactionHash",
  },
  EscrowMovement: {
    collection: "escrowMovements",
    entity: "EscrowMovement",
    fields: "id creator { id } kind creatorAmount fee fanAmount blockNumber transactionHash",
  },
  Claim: {
    collection: "claims",
    entity: "Claim",
    fields: "id creator { id } to amount feesSwept blockNumber transactionHash",
  },
  FeeSweep: {
    collection: "feeSweeps",
    entity: "FeeSweep",
    fields: "id creator { id } amount blockNumber transactionHash",
  },
  FeeWithdrawal: {
    collection: "feeWithdrawals",
    entity: "FeeWithdrawal",
    fields: "id amount blockNumber transactionHash",
  },
  FloatMovement: {
    collection: "floatMovements",
    entity: "FloatMovement",
    fields: "id kind amount blockNumber transactionHash",
  },
  Creator: { collection: "creators", entity: "Creator", fields: "id cleared pending feesOwed" },
  Account: { collection: "accounts", entity: "Account", fields: "id" },
  ExcessSweep: { collection: "excessSweeps", entity: "ExcessSweep", fields: "id amount" },
};

const CREDITS_QUERY: CollectionQuery = {
  collection: "relayerCredits",
  entity: "RelayerCredit",
  fields: "id status amount source creator { id } fan { id } creditedAt creditTransactionHash",
};

/** The ledger filter in the dialect's `where`. */
function ledgerWhere(table: LedgerName, filter: LedgerFilter): Record<string, unknown> {
  const where: Record<string, unknown> = {};
  if (filter.creator) where.creator = filter.creator;
  if (filter.fan) where.fan = filter.fan;
  if (filter.sources && filter.sources.length > 0) where.source_in = [...filter.sources];
  if (table === "payments" && filter.kind) where.kind = filter.kind;
  if (filter.from !== undefined) where.timestamp_gte = filter.from.toString();
  if (filter.to !== undefined) where.timestamp_lt = filter.to.toString();
  return where;
}

function ledgerRow(table: LedgerName, row: GraphRow): LedgerRow {
  const flat = flattenRelations(row);
  const out: LedgerRow = {};
  for (const column of columnsOf(table)) {
    const value = column === "creditStatus" ? (row.credit as { status?: string } | null)?.status : flat[column];
    out[column] = value === undefined || value === null ? null : (value as string | number);
  }
  return out;
}

const byTimestampThenId = (a: GraphRow, b: GraphRow): number => {
  const ta = BigInt(a.timestamp as string);
  const tb = BigInt(b.timestamp as string);
  if (ta !== tb) return ta < tb ? -1 : 1;
  // Lowercase hex of equal-length ids sorts as their bytes do (SQLite's order for BLOB keys).
  return (a.id as string) < (b.id as string) ? -1 : (a.id as string) > (b.id as string) ? 1 : 0;
};

/**
 * A ledger in (timestamp, id) order at `block`, with cursors only: pages ordered by timestamp after the last
 * complete timestamp (`timestamp_gt`); when a page ends inside one timestamp, that timestamp's rows are read
 * on their own, ordered by id after the last id (`timestamp: t, id_gt`). No order among equal timestamps is
 * assumed of the server, and no `skip` is used.
 */
async function* orderedLedger(
  endpoint: GraphEndpoint,
  block: PinnedBlock,
  query: CollectionQuery,
  where: Record<string, unknown>,
): AsyncGenerator<GraphRow[]> {
  let afterTimestamp: string | undefined;
  let tied: { timestamp: string; afterId?: string } | undefined;
  for (;;) {
    if (tied) {
      const rows = await endpoint.page(
        block,
        query,
        { ...where, timestamp: tied.timestamp, ...(tied.afterId === undefined ? {} : { id_gt: tied.afterId }) },
        "id",
      );
      if (rows.length > 0) {
        yield rows;
        tied.afterId = rows[rows.length - 1]!.id as string;
      }
      if (rows.length < endpoint.pageSize) {
        afterTimestamp = tied.timestamp;
        tied = undefined;
      }
      continue;
    }
    const rows = await endpoint.page(
      block,
      query,
      afterTimestamp === undefined ? where : { ...where, timestamp_gt: afterTimestamp },
      "timestamp",
    );
    if (rows.length < endpoint.pageSize) {
      if (rows.length > 0) yield rows.sort(byTimestampThenId);
      return;
    }
    // The page may end inside its last timestamp: keep the timestamps before it, then read that one by id.
    const last = rows[rows.length - 1]!.timestamp as string;
    const complete = rows.filter((row) => row.timestamp !== last);
    if (complete.length > 0) yield complete.sort(byTimestampThenId);
    tied = { timestamp: last };
  }
}

export interface GraphAuditIndexOptions {
  readonly url: string;
  readonly fetch?: typeof fetch;
  /** Rows per page, at most 1000. */
  readonly pageSize?: number;
}

export function graphAuditIndex(options: GraphAuditIndexOptions): AuditIndex {
  const endpoint = new GraphEndpoint(options);
  return {
    description: `the subgraph at ${options.url}`,
    async *ledgerPages(table: LedgerName, filter: LedgerFilter, pageOptions: LedgerPageOptions = {}) {
      let remaining = pageOptions.limit ?? Number.POSITIVE_INFINITY;
      if (remaining <= 0) return;
      const block = await endpoint.head();
      for await (const rows of orderedLedger(endpoint, block, LEDGER_QUERIES[table], ledgerWhere(table, filter))) {
        const taken = rows.length > remaining ? rows.slice(0, remaining) : rows;
        remaining -= taken.length;
        yield taken.map((row) => ledgerRow(table, row));
        if (remaining <= 0) return;
      }
    },
    async ledgerTotals(table: LedgerName, filter: LedgerFilter): Promise<Totals> {
      const block = await endpoint.head();
      const totals = new TotalsAccumulator(table);
      const query: CollectionQuery = {
        collection: LEDGER_QUERIES[table].collection,
        entity: LEDGER_QUERIES[table].entity,
        fields: table === "payments" ? "id amount fee source kind" : "id amount fee source",
        where: ledgerWhere(table, filter),
      };
      for await (const rows of endpoint.pages(block, query)) {
        for (const row of rows) {
          totals.add(BigInt(row.amount as string), BigInt(row.fee as string), row.source as string, row.kind as string);
        }
      }
      return totals.totals();
    },
    async credits(): Promise<IndexCredits> {
      const block = await endpoint.head();
      const credits: ChainCredit[] = (await endpoint.all(block, CREDITS_QUERY)).map((row) => {
        const flat = flattenRelations(row);
        return {
          paymentRef: flat.id as string,
          status: flat.status as ChainCredit["status"],
          amount: flat.amount as string,
          source: flat.source as string,
          creator: flat.creator as string,
          fan: flat.fan as string,
          creditedAt: flat.creditedAt as string,
          creditTransactionHash: flat.creditTransactionHash as string,
        };
      });
      credits.sort((a, b) => {
        const ta = BigInt(a.creditedAt);
        const tb = BigInt(b.creditedAt);
        if (ta !== tb) return ta < tb ? -1 : 1;
        return a.paymentRef < b.paymentRef ? -1 : a.paymentRef > b.paymentRef ? 1 : 0;
      });
      return { block: String(block.number), credits };
    },
    async verifySnapshot(vaultAddress: string): Promise<IndexSnapshot> {
      const block = await endpoint.head();
      const rows = new Map<VerifiedEntity, GraphRow[]>();
      for (const [entity, query] of Object.entries(VERIFY_QUERIES) as [VerifiedEntity, CollectionQuery][]) {
        rows.set(entity, (await endpoint.all(block, query)).map(flattenRelations));
      }
      const { vault } = await endpoint.pinned<{ vault: GraphRow | null }>(
        block,
        `query ($block: Block_height!, $id: ID!) {
  vault(id: $id, block: $block) { floatBalance feePool escrowed excessSwept accountCount }
  _meta(block: $block) { block { number hash } }
}`,
        { id: vaultAddress.toLowerCase() },
      );
      return snapshotOf({
        head: BigInt(block.number),
        rows: (entity) => rows.get(entity) ?? [],
        vault: vault ?? undefined,
      });
    },
  };
}
