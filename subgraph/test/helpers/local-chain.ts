// A real local chain for tests and benchmarks: the project's shared anvil
// launcher (scripts/lib/local-chain.ts) on a free 127.0.0.1 port, with viem clients for its default accounts and a
// complete Mesi deployment (scripts/lib/deploy.ts).
import {
  type TransactionReceipt,
  createPublicClient,
  createTestClient,
  createWalletClient,
  http,
  type Account,
  type Chain,
  type PublicClient,
  type TestClient,
  type Transport,
  type WalletClient,
} from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { foundry } from "viem/chains";

import { abis } from "../../../deployments/src/generated/abis.ts";
import { deployMesi, type MesiDeployment } from "../../../scripts/lib/deploy.ts";
import { DEFAULT_MNEMONIC } from "../../../scripts/lib/local-accounts.ts";
import { startLocalChain } from "../../../scripts/lib/local-chain.ts";
import type { DeploymentTargets } from "../../indexer/indexer.ts";

export interface LocalChain {
  readonly url: string;
  readonly publicClient: PublicClient<Transport, Chain>;
  readonly testClient: TestClient<"anvil", Transport, Chain>;
  readonly accounts: readonly Account[];
  wallet(account: Account): WalletClient<Transport, Chain, Account>;
  stop(): Promise<void>;
}

export async function startAnvil(options: { readonly extraArgs?: readonly string[] } = {}): Promise<LocalChain> {
  const node = await startLocalChain({ accounts: 20, args: options.extraArgs ?? [] });
  const url = node.url;
  const chain = { ...foundry, rpcUrls: { default: { http: [url] } } } as Chain;
  const transport = http(url, { retryCount: 0 });
  const publicClient = createPublicClient({ chain, transport, pollingInterval: 50 });
  const accounts = Array.from({ length: 20 }, (_, i) => mnemonicToAccount(DEFAULT_MNEMONIC, { addressIndex: i }));
  return {
    url,
    publicClient: publicClient as PublicClient<Transport, Chain>,
    testClient: createTestClient({ chain, transport, mode: "anvil" }) as TestClient<"anvil", Transport, Chain>,
    accounts,
    wallet: (account) => createWalletClient({ account, chain, transport }),
    stop: () => node.stop(),
  };
}

export interface DeployedMesi extends MesiDeployment {
  readonly targets: DeploymentTargets;
}

/**
 * Deploys Mesi with account 0 as admin, 1 relayer, 2 moderator, 3 verifier. `adminDelay` (seconds, default 0) is
 * the delay a module change or a stablecoin listing waits; with one, TestUSDC's listing is only scheduled.
 */
export async function deployLocalMesi(
  chain: LocalChain,
  options: { readonly adminDelay?: number } = {},
): Promise<DeployedMesi> {
  const [admin, relayer, moderator, verifier] = chain.accounts as [Account, Account, Account, Account];
  const deployment = await deployMesi({
    walletClient: chain.wallet(admin),
    publicClient: chain.publicClient,
    relayer: relayer.address,
    moderator: moderator.address,
    verifier: verifier.address,
    adminDelay: options.adminDelay,
  });
  // Payments go only to open Mesi accounts (Vault_NoAccount): every test account opens its own, as a user would.
  for (const account of chain.accounts.slice(4)) {
    const hash = await chain.wallet(account).writeContract({
      address: deployment.contracts.MesiVault.address,
      abi: abis.MesiVault,
      functionName: "openAccount",
    });
    await chain.publicClient.waitForTransactionReceipt({ hash });
  }
  const targets = Object.fromEntries(
    Object.entries(deployment.contracts).map(([name, location]) => [
      name,
      { address: location.address, blockNumber: location.blockNumber },
    ]),
  ) as unknown as DeploymentTargets;
  return { ...deployment, targets };
}

/** Sends one call of a Mesi contract from `from` (simulated first: a revert throws, decoded) and waits for it. */
export async function sendCall(
  chain: LocalChain,
  mesi: MesiDeployment,
  from: Account,
  contract: keyof typeof abis,
  functionName: string,
  args: readonly unknown[] = [],
): Promise<TransactionReceipt> {
  const { request } = await chain.publicClient.simulateContract({
    account: from,
    address: mesi.contracts[contract].address,
    abi: abis[contract] as never,
    functionName: functionName as never,
    args: args as never,
  });
  const hash = await chain.wallet(from).writeContract(request as never);
  const receipt = await chain.publicClient.waitForTransactionReceipt({ hash, pollingInterval: 20 });
  if (receipt.status !== "success") throw new Error(`${contract}.${functionName} reverted`);
  return receipt;
}
