import { describe, expect, it } from "vitest";

import { reconcileLines, type ReconcileReport } from "./reconciliation";

describe("reconciliation lines", () => {
  it("lists mismatches first, then matches, with amounts as bigints", () => {
    const report: ReconcileReport = {
      block: "42",
      relayerRecords: 2,
      chainCredits: 2,
      matched: 1,
      matches: [
        {
          paymentRef: "0xaa",
          relayer: { paymentRef: "0xaa", amount: "18446744073709551617", status: "credited" },
          chain: {
            paymentRef: "0xaa",
            status: "CLEARED",
            amount: "18446744073709551617",
            creditTransactionHash: "0x1",
          },
        },
      ],
      mismatches: [
        {
          kind: "amount_mismatch",
          paymentRef: "0xbb",
          detail: "relayer 3 vs on-chain 2",
          relayer: { paymentRef: "0xbb", amount: "3", status: "credited" },
          chain: { paymentRef: "0xbb", status: "HELD", amount: "2", creditTransactionHash: "0x2" },
        },
        { kind: "unknown_on_chain", paymentRef: "0xcc", detail: "…", relayer: null, chain: null },
      ],
    };
    expect(reconcileLines(report).map((l) => [l.paymentRef, l.problem, l.relayerAmount, l.chainAmount])).toEqual([
      ["0xbb", "amount_mismatch", 3n, 2n],
      ["0xcc", "unknown_on_chain", null, null],
      ["0xaa", null, 18446744073709551617n, 18446744073709551617n],
    ]);
  });
});
