// A bench fixture: `count` $MESI tips on the local anvil chain in a few blocks, without the UI. anvil holds the
// test accounts' keys (its default mnemonic), so each tip is an `eth_sendTransaction` with an explicit nonce and
// gas (no estimate) and a high fee cap, sent in JSON-RPC batches; a raised block gas limit lets a block take
// thousands of them.
import { encodeFunctionData, zeroHash, type Address, type Hex } from "viem";

import type { Deployment } from "@mesi/deployments";

import { encodeTipData } from "../src/lib/tips/tipData.ts";

interface RpcResponse {
  readonly id: number;
  readonly result?: unknown;
  readonly error?: { message: string };
}

async function rpcBatch(url: string, calls: readonly { method: string; params: unknown[] }[]): Promise<unknown[]> {
  const body = calls.map((call, id) => ({ jsonrpc: "2.0", id, ...call }));
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const answers = (await response.json()) as RpcResponse[];
  return answers
    .sort((a, b) => a.id - b.id)
    .map((answer) => {
      if (answer.error) throw new Error(`${calls[answer.id]!.method}: ${answer.error.message}`);
      return answer.result;
    });
}

export interface SeedTipsOptions {
  readonly rpcUrl: string;
  readonly mesi: Deployment;
  readonly fans: readonly Address[];
  readonly creators: readonly Address[];
  readonly count: number;
  readonly batchSize?: number;
}

/** Sends `count` tips (fans and creators taken in turn, amounts 0.01–0.97 MESI) and waits until all are mined. */
export async function seedTips(options: SeedTipsOptions): Promise<{ hashes: Hex[] }> {
  const { rpcUrl, mesi, fans, creators, count } = options;
  const batchSize = options.batchSize ?? 500;
  await rpcBatch(rpcUrl, [{ method: "evm_setBlockGasLimit", params: ["0x" + (2_000_000_000).toString(16)] }]);
  const nonces = (await rpcBatch(
    rpcUrl,
    fans.map((fan) => ({ method: "eth_getTransactionCount", params: [fan, "pending"] })),
  )) as Hex[];
  const next = nonces.map((nonce) => Number(nonce));
  const hashes: Hex[] = [];
  for (let start = 0; start < count; start += batchSize) {
    const calls = [];
    for (let i = start; i < Math.min(count, start + batchSize); i += 1) {
      const f = i % fans.length;
      const creator = creators[i % creators.length]!;
      const amount = BigInt((i % 97) + 1) * 10n ** 16n;
      calls.push({
        method: "eth_sendTransaction",
        params: [
          {
            from: fans[f],
            to: mesi.MesiToken.address,
            gas: "0x61a80",
            // A fee cap far above the base fee, which climbs while blocks are this full: a cap taken at the
            // current base fee leaves the later transactions stuck in the pool.
            maxFeePerGas: "0x174876e800",
            maxPriorityFeePerGas: "0x1",
            nonce: "0x" + (next[f]++).toString(16),
            data: encodeFunctionData({
              abi: mesi.MesiToken.abi,
              functionName: "transferAndCall",
              args: [mesi.MesiVault.address, amount, encodeTipData(creator, 0, zeroHash, zeroHash)],
            }),
          },
        ],
      });
    }
    hashes.push(...((await rpcBatch(rpcUrl, calls)) as Hex[]));
  }
  // Mined when the last transaction of every fan has a receipt.
  const last = fans.map((_, f) => hashes[hashes.length - 1 - ((hashes.length - 1 - f) % fans.length)]!);
  const deadline = Date.now() + 300_000;
  for (;;) {
    const receipts = (await rpcBatch(
      rpcUrl,
      last.map((hash) => ({ method: "eth_getTransactionReceipt", params: [hash] })),
    )) as ({ status: Hex } | null)[];
    if (receipts.every((receipt) => receipt !== null)) {
      if (receipts.some((receipt) => receipt!.status !== "0x1")) throw new Error("a seeded tip reverted");
      break;
    }
    if (Date.now() > deadline) throw new Error("the seeded tips were not mined within 5 minutes");
    await new Promise((r) => setTimeout(r, 500));
  }
  return { hashes };
}
