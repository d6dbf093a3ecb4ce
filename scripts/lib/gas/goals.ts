// Mesi's gas targets: the one place each goal is written. The benchmark (scripts/bench-gas.ts, which `npm test`
// runs with --check and fails on a miss) and the contract tests that assert a ratio (test/contracts/**/gas tests)
// read the goal from here, and every ratio divides by a baseline measured in the same run (scenarios.ts), never
// by a figure typed into a test.
import { evaluateTargets, formatTargetLine, type GasTarget } from "./targets.ts";

export const GAS_GOALS = {
  walletTip: {
    name: "tip_repeat_vs_erc20_transferFrom",
    description:
      "repeat $MESI tip from a wallet (ERC-1363 transferAndCall, no approval needed) ≤ 1.3 × bare ERC-20 transferFrom to an existing holder",
    measured: "mesi.tip.repeat",
    baseline: "erc20.transferFrom.existingHolder",
    maxRatio: 1.3,
  },
  allowanceTip: {
    name: "tip_repeat_allowance_vs_erc20_transferFrom",
    description:
      "repeat $MESI tip through vault.tip (finite allowance in place, the path for contracts) ≤ 1.45 × bare ERC-20 transferFrom to an existing holder",
    measured: "mesi.tip.repeat.allowance",
    baseline: "erc20.transferFrom.existingHolder",
    maxRatio: 1.45,
  },
  ticket: {
    name: "ticket_buy_new_holder_vs_unlock_purchase",
    description:
      "first ticket of a sale, 1 to a new holder ≤ 0.30 × Unlock PublicLock v15 purchase (ERC-20, first key)",
    measured: "mesi.ticket.buy.firstSale",
    baseline: "unlock.purchase.firstKey",
    maxRatio: 0.3,
  },
  gaslessStablecoinTicket: {
    name: "ticket_gasless_stablecoin_vs_unlock_purchase",
    description:
      "gasless stablecoin ticket (signed order + USDC permit, relayer submits, converted from the float), 1 to a new holder ≤ 0.60 × Unlock PublicLock v15 purchase (ERC-20, first key)",
    measured: "mesi.ticket.buyWithStablecoinBySig",
    baseline: "unlock.purchase.firstKey",
    maxRatio: 0.6,
  },
  claim: {
    name: "claim_vs_erc20_transfer",
    description: "creator claim ≤ 1.5 × bare ERC-20 transfer to an existing holder",
    measured: "mesi.claim",
    baseline: "erc20.transfer.existingHolder",
    maxRatio: 1.5,
  },
  creditBatch: {
    name: "fiat_credit_batch50_vs_single",
    description: "gas per fiat credit in a batch of 50 ≤ 0.75 × one credit per transaction",
    measured: "mesi.fiatCredit.batch50.perCredit",
    baseline: "mesi.fiatCredit.single",
    maxRatio: 0.75,
  },
  oneToOneLifecycle: {
    name: "one_to_one_lifecycle_vs_erc20_transferFrom",
    description:
      "repeat one-to-one request (ERC-1363 transferAndCall, no approval) + accept + release, same fan and creator (creator with earnings) ≤ 4 × bare ERC-20 transferFrom",
    measured: "mesi.oneToOne.lifecycle",
    baseline: "erc20.transferFrom.existingHolder",
    maxRatio: 4,
  },
} as const satisfies Record<string, GasTarget>;

/** Every target, in the order the benchmark prints them. */
export const GAS_TARGETS: readonly GasTarget[] = Object.values(GAS_GOALS);

/**
 * The benchmark's verdict on one goal for figures a test measured: `{ ok, line }`, where `line` is the benchmark's
 * own `TARGET … status=ok|miss` line with both figures, for the assertion message.
 */
export function assessGoal(goal: GasTarget, measured: bigint, baseline: bigint): { ok: boolean; line: string } {
  const [result] = evaluateTargets([goal], { [goal.measured]: measured, [goal.baseline]: baseline });
  if (result === undefined) throw new Error(`no verdict for ${goal.name}`);
  return { ok: result.ok, line: `${formatTargetLine(result)} (${measured} / ${baseline})` };
}
