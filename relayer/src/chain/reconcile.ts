// Reconciliation against the chain: the vault's record of a payment reference
// is the truth. A reference whose status is not None is done, whoever sent it,
// so a crash after a send, a dropped transaction or a second instance can
// never credit a payment twice (and the contract refuses a reused reference).
import type { Address, Chain, Hex, PublicClient, Transport } from "viem";

import { CreditStatus, vaultAbi, type CreditStatusValue } from "./contracts.ts";

export interface CreditRecord {
  readonly status: CreditStatusValue;
  readonly clearsAt: bigint;
  readonly amount: bigint;
}

/** creditOf(ref) for each reference; the reads go out as one JSON-RPC batch. */
export async function readCreditRecords(
  publicClient: PublicClient<Transport, Chain>,
  vault: Address,
  refs: readonly Hex[],
): Promise<Map<Hex, CreditRecord>> {
  const unique = [...new Set(refs)];
  const results = await Promise.all(
    unique.map((ref) =>
      publicClient.readContract({ address: vault, abi: vaultAbi, functionName: "creditOf", args: [ref] }),
    ),
  );
  const records = new Map<Hex, CreditRecord>();
  unique.forEach((ref, index) => {
    const [status, , , amount, clearsAt] = results[index]!;
    records.set(ref, { status: status as CreditStatusValue, amount, clearsAt: BigInt(clearsAt) });
  });
  return records;
}

export function isOnChain(record: CreditRecord | undefined): boolean {
  return record !== undefined && record.status !== CreditStatus.None;
}
