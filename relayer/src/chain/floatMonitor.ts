// Watches the vault's $MESI float and this instance's hot-wallet balance:
// gauges for Prometheus and an alert in the log when the float runs low
// (fiat credits stop once the float cannot cover them) or the hot wallet runs
// out of gas money (every credit and gasless request stops).
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
    chain.publicClient.getBalance({ address: chain.signer.address }),
  ]);
  return { float, hotWallet };
}

export async function checkBalances(
  chain: ChainClients,
  metrics: RelayerMetrics,
  logger: Logger,
  thresholds: { readonly lowFloatWarning: bigint; readonly lowHotWalletWarning: bigint },
): Promise<Balances> {
  const { lowFloatWarning, lowHotWalletWarning } = thresholds;
  const balances = await readBalances(chain);
  metrics.floatBalance.set(toUnits(balances.float));
  metrics.hotWalletBalance.set({ address: chain.signer.address }, toUnits(balances.hotWallet));
  if (balances.float < lowFloatWarning) {
    logger.warn(
      { float: balances.float, threshold: lowFloatWarning },
      "the vault's $MESI float is low: fund it (MesiVault.fundFloat) or fiat credits will wait",
    );
  }
  const hotWalletLow = balances.hotWallet < lowHotWalletWarning;
  metrics.hotWalletLow.set({ address: chain.signer.address }, hotWalletLow ? 1 : 0);
  if (hotWalletLow) {
    logger.error(
      { hotWallet: chain.signer.address, balance: balances.hotWallet, threshold: lowHotWalletWarning },
      "the hot wallet's gas money is low: fund it or credits and gasless requests stop",
    );
  }
  return balances;
}
