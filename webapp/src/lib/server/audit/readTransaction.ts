// The local transaction view's data (used when no block explorer is configured): the receipt, its block time,
// and every log decoded with Mesi's ABIs when it comes from one of Mesi's contracts.
import {
  createPublicClient,
  decodeEventLog,
  http,
  type Abi,
  type Hex,
  type PublicClient,
  TransactionReceiptNotFoundError,
} from "viem";

import { mesiContracts } from "$lib/contracts/mesi";

import { serverConfig } from "../config";

let client: PublicClient | undefined;

export interface TransactionEvent {
  readonly contract: string;
  readonly address: string;
  readonly name: string | null;
  /** Decoded arguments as text (bigints in base units). */
  readonly args: readonly (readonly [string, string])[];
}

export interface TransactionView {
  readonly hash: string;
  readonly blockNumber: string;
  readonly timestamp: number;
  readonly from: string;
  readonly to: string | null;
  readonly success: boolean;
  readonly events: readonly TransactionEvent[];
}

const text = (value: unknown): string =>
  typeof value === "bigint"
    ? value.toString()
    : typeof value === "object"
      ? JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v))
      : String(value);

/** Null when the chain has no such transaction. */
export async function readTransaction(hash: Hex): Promise<TransactionView | null> {
  const config = serverConfig().public;
  client ??= createPublicClient({ transport: http(config.rpcUrl, { timeout: 5_000 }) });
  let receipt;
  try {
    receipt = await client.getTransactionReceipt({ hash });
  } catch (error) {
    if (error instanceof TransactionReceiptNotFoundError) return null;
    throw error;
  }
  const block = await client.getBlock({ blockNumber: receipt.blockNumber });
  const contracts = Object.entries(mesiContracts(config)).map(([name, c]) => ({
    name,
    address: (c as { address: string }).address.toLowerCase(),
    abi: (c as { abi: Abi }).abi,
  }));
  const events = receipt.logs.map((log): TransactionEvent => {
    const contract = contracts.find((c) => c.address === log.address.toLowerCase());
    if (!contract) return { contract: "", address: log.address, name: null, args: [] };
    try {
      const decoded = decodeEventLog({ abi: contract.abi, data: log.data, topics: log.topics });
      const args = decoded.args && typeof decoded.args === "object" ? Object.entries(decoded.args) : [];
      return {
        contract: contract.name,
        address: log.address,
        name: decoded.eventName ?? null,
        args: args.map(([key, value]) => [key, text(value)] as const),
      };
    } catch {
      return { contract: contract.name, address: log.address, name: null, args: [] };
    }
  });
  return {
    hash: receipt.transactionHash,
    blockNumber: receipt.blockNumber.toString(),
    timestamp: Number(block.timestamp),
    from: receipt.from,
    to: receipt.to,
    success: receipt.status === "success",
    events,
  };
}
