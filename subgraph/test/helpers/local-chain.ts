// A real local chain for tests and benchmarks: anvil (from @foundry-rs/anvil)
// on a free 127.0.0.1 port, with viem clients for its default accounts and a
// complete Mesi deployment (scripts/lib/deploy.ts).
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";

import {
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

import { deployMesi, type MesiDeployment } from "../../../scripts/lib/deploy.ts";
import { freePort } from "../../../scripts/lib/free-port.ts";
import type { DeploymentTargets } from "../../indexer/indexer.ts";

const ANVIL = join(import.meta.dirname, "..", "..", "..", "node_modules", ".bin", "anvil");
const MNEMONIC = "test test test test test test test test test test test junk";

export interface LocalChain {
  readonly url: string;
  readonly publicClient: PublicClient<Transport, Chain>;
  readonly testClient: TestClient<"anvil", Transport, Chain>;
  readonly accounts: readonly Account[];
  wallet(account: Account): WalletClient<Transport, Chain, Account>;
  stop(): Promise<void>;
}

export async function startAnvil(options: { readonly extraArgs?: readonly string[] } = {}): Promise<LocalChain> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    ANVIL,
    ["--host", "127.0.0.1", "--port", String(port), "--silent", "--accounts", "20", ...(options.extraArgs ?? [])],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const chain = { ...foundry, rpcUrls: { default: { http: [url] } } } as Chain;
  const transport = http(url, { retryCount: 0 });
  const publicClient = createPublicClient({ chain, transport, pollingInterval: 50 });
  const started = Date.now();
  for (;;) {
    try {
      await publicClient.getChainId();
      break;
    } catch {
      if (child.exitCode !== null || Date.now() - started > 15_000) {
        child.kill("SIGKILL");
        throw new Error(`anvil did not start on ${url}: ${stderr}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  const accounts = Array.from({ length: 20 }, (_, i) => mnemonicToAccount(MNEMONIC, { addressIndex: i }));
  return {
    url,
    publicClient: publicClient as PublicClient<Transport, Chain>,
    testClient: createTestClient({ chain, transport, mode: "anvil" }) as TestClient<"anvil", Transport, Chain>,
    accounts,
    wallet: (account) => createWalletClient({ account, chain, transport }),
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

export interface DeployedMesi extends MesiDeployment {
  readonly targets: DeploymentTargets;
}

/** Deploys Mesi with account 0 as admin, 1 relayer, 2 moderator, 3 verifier. */
export async function deployLocalMesi(chain: LocalChain): Promise<DeployedMesi> {
  const [admin, relayer, moderator, verifier] = chain.accounts as [Account, Account, Account, Account];
  const deployment = await deployMesi({
    walletClient: chain.wallet(admin),
    publicClient: chain.publicClient,
    relayer: relayer.address,
    moderator: moderator.address,
    verifier: verifier.address,
  });
  const targets = Object.fromEntries(
    Object.entries(deployment.contracts).map(([name, location]) => [
      name,
      { address: location.address, blockNumber: location.blockNumber },
    ]),
  ) as unknown as DeploymentTargets;
  return { ...deployment, targets };
}
