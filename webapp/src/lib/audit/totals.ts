// Totals of the rows on screen, exact: bigint base units, never floats.
import { groupOf, SOURCE_GROUPS } from "./filters";
import type { AuditRow, SourceGroup, Totals } from "./types";

export function totalsOf(rows: readonly AuditRow[]): Totals {
  let amount = 0n;
  let fee = 0n;
  const groups = new Map<SourceGroup, { count: number; amount: bigint; fee: bigint }>();
  for (const row of rows) {
    amount += row.amount;
    fee += row.fee;
    const group = groupOf(row.source);
    const entry = groups.get(group) ?? { count: 0, amount: 0n, fee: 0n };
    entry.count += 1;
    entry.amount += row.amount;
    entry.fee += row.fee;
    groups.set(group, entry);
  }
  return {
    count: rows.length,
    amount,
    fee,
    net: amount - fee,
    bySource: SOURCE_GROUPS.filter((source) => groups.has(source)).map((source) => ({
      source,
      ...groups.get(source)!,
    })),
  };
}

/** The auditor API's `/totals` answer (decimal strings) in the same shape. */
export function totalsFromApi(body: {
  count: number;
  amount: string;
  fee: string;
  bySource: readonly { group: string; count: number; amount: string; fee: string }[];
}): Totals {
  const groups = new Map<SourceGroup, { count: number; amount: bigint; fee: bigint }>();
  for (const row of body.bySource) {
    const group = groupOf(row.group);
    const entry = groups.get(group) ?? { count: 0, amount: 0n, fee: 0n };
    entry.count += row.count;
    entry.amount += BigInt(row.amount);
    entry.fee += BigInt(row.fee);
    groups.set(group, entry);
  }
  const amount = BigInt(body.amount);
  const fee = BigInt(body.fee);
  return {
    count: body.count,
    amount,
    fee,
    net: amount - fee,
    bySource: SOURCE_GROUPS.filter((source) => groups.has(source)).map((source) => ({
      source,
      ...groups.get(source)!,
    })),
  };
}
