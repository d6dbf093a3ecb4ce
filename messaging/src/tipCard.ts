// Whether a tip card (a transaction-reference message) is real: the transaction exists on the chain it names,
// succeeded, and carries a tip event from Mesi's vault from the message's sender to the expected creator. The
// amount shown comes from the event, never from the card's metadata (anyone can write any metadata). Browser-safe.
import { abis } from "@mesi/deployments/abis";
import { isAddressEqual, parseEventLogs, type Address, type PublicClient } from "viem";

import type { TransactionReference } from "./model.ts";

export type TipCardCheck =
  | {
      readonly status: "verified";
      /** From the chain: who tipped whom, how much (base units, gross of the fee). */
      readonly tip: {
        readonly fan: Address;
        readonly creator: Address;
        readonly amount: bigint;
        readonly event: string;
      };
      /** Whether the card's own metadata amount agrees with the chain (shown as a warning when false). */
      readonly metadataMatches: boolean;
    }
  | { readonly status: "unverified"; readonly reason: string };

export interface VerifyTipCardParameters {
  readonly client: Pick<PublicClient, "getChainId" | "getTransactionReceipt">;
  readonly vault: Address;
  readonly transaction: TransactionReference;
  /** The message's sender: the fan who says they tipped. */
  readonly fan: Address;
  /** The creator the tip must have gone to. */
  readonly creator: Address;
}

export async function verifyTipCard(parameters: VerifyTipCardParameters): Promise<TipCardCheck> {
  const { client, vault, transaction, fan, creator } = parameters;
  const unverified = (reason: string): TipCardCheck => ({ status: "unverified", reason });
  const chainId = await client.getChainId();
  if (transaction.networkId !== chainId) {
    return unverified(`the card names chain ${transaction.networkId}; this app reads chain ${chainId}`);
  }
  let receipt;
  try {
    receipt = await client.getTransactionReceipt({ hash: transaction.reference });
  } catch {
    return unverified(`transaction ${transaction.reference} is not on chain ${chainId} (yet)`);
  }
  if (receipt.status !== "success") return unverified(`transaction ${transaction.reference} reverted`);
  const logs = parseEventLogs({
    abi: abis.MesiVault,
    logs: receipt.logs.filter((log) => isAddressEqual(log.address, vault)),
    eventName: ["Tipped", "StablecoinTipped", "Credited"],
  });
  for (const log of logs) {
    const args = log.args as { creator: Address; fan: Address; amount?: bigint; mesiAmount?: bigint; purpose?: number };
    if (log.eventName === "Credited" && args.purpose !== 0) continue; // a module purchase, not a tip
    if (!isAddressEqual(args.fan, fan) || !isAddressEqual(args.creator, creator)) continue;
    const amount = args.mesiAmount ?? args.amount ?? 0n;
    const claimed = transaction.metadata?.amount;
    return {
      status: "verified",
      tip: { fan: args.fan, creator: args.creator, amount, event: log.eventName },
      metadataMatches: claimed === undefined || BigInt(claimed) === amount,
    };
  }
  return unverified(`transaction ${transaction.reference} holds no tip from ${fan} to ${creator}`);
}
