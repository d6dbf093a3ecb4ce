// Watches the vault's $MESI float and this instance's hot-wallet balance:
// gauges for Prometheus and a warning in the log when the float runs low
// (fiat credits stop once the float cannot cover them).
import type { Logger } from "../logger.ts";
import { toUnits, type RelayerMetrics } from "../metrics.ts";
import type { ChainClients } from "./clients.ts";
import { vaultAbi } from "./contracts.ts";

export interface Balances {
  readonly float: bigint;
  readonly hotWallet: bigint;
}

export async function readBalances(chain: ChainClients): Promise<Balances> {
  const [float, hotWallet] = await Promise.all([
    chain.publicClient.readContract({ address: chain.addresses.vault, abi: vaultAbi, functionName: "floatBalance" }),
    chain.publicClient.getBalance({ address: chain.account.address }),
  ]);
  return { float, hotWallet };
}

export async function checkBalances(
  chain: ChainClients,
  metrics: RelayerMetrics,
  logger: Logger,
  lowFloatWarning: bigint,
): Promise<Balances> {
  const balances = await readBalances(chain);
  metrics.floatBalance.set(toUnits(balances.float));
  metrics.hotWalletBalance.set({ address: chain.account.address }, toUnits(balances.hotWallet));
  if (balances.float < lowFloatWarning) {
    logger.warn(
      { float: balances.float, threshold: lowFloatWarning },
      "the vault's $MESI float is low: fund it (MesiVault.fundFloat) or fiat credits will wait",
    );
  }
  return balances;
}
