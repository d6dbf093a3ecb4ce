// Generates a large, realistic event history on a local chain fast: relayer
// credit batches (fiat and off-chain stablecoin tips, one Credited event each)
// spread over many days, interleaved with direct $MESI tips.
import { encodeFunctionData, keccak256, parseEther, toHex, zeroHash, type Account, type Hex } from "viem";

import { abis } from "@mesi/deployments";

import type { DeployedMesi, LocalChain } from "../test/helpers/local-chain.ts";

export interface GenerateOptions {
  /** At least this many indexed events. */
  readonly events: number;
  /** Credits per creditBatch transaction. */
  readonly batchSize?: number;
  readonly creators?: number;
  readonly fans?: number;
  /** Seconds between batches (spreads the history over days). */
  readonly secondsPerBatch?: number;
  readonly onProgress?: (done: number) => void;
}

export interface GeneratedHistory {
  readonly events: number;
  readonly creators: readonly Hex[];
  readonly fans: readonly Hex[];
  readonly firstTimestamp: bigint;
  readonly lastTimestamp: bigint;
}

function address(seed: string): Hex {
  return keccak256(toHex(seed)).slice(0, 42) as Hex;
}

export async function generateHistory(
  chain: LocalChain,
  mesi: DeployedMesi,
  options: GenerateOptions,
): Promise<GeneratedHistory> {
  const [admin, relayer] = chain.accounts as [Account, Account];
  const batchSize = options.batchSize ?? 400;
  const creators = Array.from({ length: options.creators ?? 20 }, (_, i) => address(`creator-${i}`));
  const fans = Array.from({ length: options.fans ?? 500 }, (_, i) => address(`fan-${i}`));
  const vault = mesi.contracts.MesiVault.address;
  const token = mesi.contracts.MesiToken.address;
  const pc = chain.publicClient;
  const adminWallet = chain.wallet(admin);
  const relayerWallet = chain.wallet(relayer);
  const amount = parseEther("1");

  const confirm = async (hash: Hex): Promise<bigint> => {
    const receipt = await pc.waitForTransactionReceipt({ hash, pollingInterval: 20 });
    if (receipt.status !== "success") throw new Error(`transaction ${hash} reverted`);
    return receipt.blockNumber;
  };
  const float = 2n * amount * BigInt(options.events + batchSize);
  await confirm(
    await adminWallet.writeContract({
      address: token,
      abi: abis.MesiToken,
      functionName: "approve",
      args: [vault, float],
    }),
  );
  await confirm(
    await adminWallet.writeContract({ address: vault, abi: abis.MesiVault, functionName: "fundFloat", args: [float] }),
  );

  // Credits go only to open Mesi accounts (Vault_NoAccount). The synthetic creators have no keys, so on this local
  // anvil each one is impersonated to open its own account, as a real creator would.
  for (const creator of creators) {
    await pc.request({ method: "anvil_setBalance" as never, params: [creator, "0xde0b6b3a7640000"] as never });
    await pc.request({ method: "anvil_impersonateAccount" as never, params: [creator] as never });
    const hash = (await pc.request({
      method: "eth_sendTransaction" as never,
      params: [
        { from: creator, to: vault, data: encodeFunctionData({ abi: abis.MesiVault, functionName: "openAccount" }) },
      ] as never,
    })) as Hex;
    await confirm(hash);
    await pc.request({ method: "anvil_stopImpersonatingAccount" as never, params: [creator] as never });
  }

  const first = await pc.getBlock();
  let produced = 0;
  let batch = 0;
  let nonce = await pc.getTransactionCount({ address: relayer.address, blockTag: "pending" });
  const pending: Hex[] = [];
  while (produced < options.events) {
    const size = Math.min(batchSize, options.events - produced);
    const credits = Array.from({ length: size }, (_, i) => {
      const n = produced + i;
      return {
        paymentRef: keccak256(toHex(`payment-${n}`)),
        fan: fans[n % fans.length] as Hex,
        creator: creators[(n * 7) % creators.length] as Hex,
        amount: amount + BigInt(n % 1000) * 10n ** 15n,
        source: n % 3 === 0 ? 2 : 3, // Fiat (held) or RelayerStablecoin (cleared)
        channel: n % 4,
        channelRef: zeroHash,
      };
    });
    await chain.testClient.increaseTime({ seconds: options.secondsPerBatch ?? 900 });
    pending.push(
      await relayerWallet.writeContract({
        address: vault,
        abi: abis.MesiVault,
        functionName: "creditBatch",
        args: [credits],
        nonce: nonce++,
        gas: 29_000_000n,
      }),
    );
    produced += size;
    batch++;
    if (pending.length >= 8) {
      for (const hash of pending.splice(0)) await confirm(hash);
      options.onProgress?.(produced);
    }
  }
  for (const hash of pending.splice(0)) await confirm(hash);
  const last = await pc.getBlock();
  return { events: produced, creators, fans, firstTimestamp: first.timestamp, lastTimestamp: last.timestamp };
}
