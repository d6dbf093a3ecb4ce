// Per-fan monthly gas sponsorship. A gasless request reserves its estimated
// gas when accepted (so concurrent requests cannot overspend); the reservation
// is replaced by the gas actually used once its transaction confirms.
import type { Kysely } from "kysely";

import type { Database } from "../store/schema.ts";

/** Calendar month (UTC) of a time, e.g. "2026-11". */
export function monthOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 7);
}

export interface Usage {
  readonly gas: bigint;
  readonly wei: bigint;
}

export async function usageOf(db: Kysely<Database>, fan: string, month: string): Promise<Usage> {
  const row = await db
    .selectFrom("sponsorship_usage")
    .select(["gas", "wei"])
    .where("fan", "=", fan.toLowerCase())
    .where("month", "=", month)
    .executeTakeFirst();
  return { gas: BigInt(row?.gas ?? "0"), wei: BigInt(row?.wei ?? "0") };
}

/** Adds `gas` and `wei` (either may be negative) to a fan's month. Call inside a transaction. */
export async function addUsage(
  db: Kysely<Database>,
  fan: string,
  month: string,
  gas: bigint,
  wei: bigint,
): Promise<void> {
  const current = await usageOf(db, fan, month);
  const next = { gas: current.gas + gas, wei: current.wei + wei };
  await db
    .insertInto("sponsorship_usage")
    .values({ fan: fan.toLowerCase(), month, gas: next.gas.toString(), wei: next.wei.toString() })
    .onConflict((conflict) =>
      conflict.columns(["fan", "month"]).doUpdateSet({ gas: next.gas.toString(), wei: next.wei.toString() }),
    )
    .execute();
}

export interface BudgetLimits {
  readonly monthlyGasPerFan: bigint;
  readonly monthlyWeiPerFan: bigint;
}

/** What is left of a fan's month; `undefined` limits mean none. */
export function remaining(limits: BudgetLimits, usage: Usage): { gas: bigint; wei: bigint | undefined } {
  return {
    gas: limits.monthlyGasPerFan - usage.gas,
    wei: limits.monthlyWeiPerFan === 0n ? undefined : limits.monthlyWeiPerFan - usage.wei,
  };
}
