// A deployed Mesi system on a test chain, wired for the relayer: the contracts
// (scripts/lib/deploy.ts), relayer hot wallets holding RELAYER_ROLE, a funded
// float, and helpers to create creators, ticket sales and fans.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { execFileSync } from "node:child_process";

import {
  createPublicClient,
  createWalletClient,
  defineChain,
  http,
  keccak256,
  parseEther,
  toHex,
  type Address,
  type Hex,
  type PrivateKeyAccount,
} from "viem";
import { generatePrivateKey, mnemonicToAccount, privateKeyToAccount } from "viem/accounts";

import { abis } from "@mesi/deployments";

import { deployMesi } from "../../../scripts/lib/deploy.ts";
import { repoRoot, type AnvilNode } from "./anvil.ts";

const MNEMONIC = "test test test test test test test test test test test junk";

export function anvilAccount(index: number) {
  return mnemonicToAccount(MNEMONIC, { addressIndex: index });
}

/** Private key of anvil's default account `index` (the relayer needs a raw key). */
export function anvilPrivateKey(index: number): Hex {
  const hd = anvilAccount(index).getHdKey();
  return toHex(hd.privateKey!);
}

export function ensureArtifacts(): void {
  if (existsSync(join(repoRoot, "artifacts", "contracts", "MesiVault.sol", "MesiVault.json"))) return;
  execFileSync(join(repoRoot, "node_modules", ".bin", "hardhat"), ["build", "--quiet"], {
    cwd: repoRoot,
    stdio: "inherit",
  });
}

export interface MesiFixture {
  readonly chain: ReturnType<typeof defineChain>;
  readonly publicClient: ReturnType<typeof createPublicClient>;
  readonly admin: ReturnType<typeof anvilAccount>;
  readonly addresses: {
    vault: Address;
    tickets: Address;
    mesi: Address;
    usdc: Address;
    registry: Address;
    converter: Address;
  };
  readonly relayerKeys: Hex[];
  /** Sends a transaction from the admin and waits for it. */
  adminWrite(to: Address, abi: unknown, functionName: string, args: readonly unknown[]): Promise<void>;
  write(
    account: PrivateKeyAccount | ReturnType<typeof anvilAccount>,
    to: Address,
    abi: unknown,
    functionName: string,
    args: readonly unknown[],
  ): Promise<void>;
  /** A new creator account with gas. */
  newFundedAccount(): Promise<PrivateKeyAccount>;
  createTicketSale(creator: PrivateKeyAccount, price: bigint, supply: number): Promise<bigint>;
}

export const ROLE = (name: string): Hex => keccak256(toHex(name));

export async function deployFixture(
  node: AnvilNode,
  options: { relayers?: number; float?: bigint } = {},
): Promise<MesiFixture> {
  ensureArtifacts();
  const chain = defineChain({
    id: node.chainId,
    name: "anvil",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [node.url] } },
  });
  const transport = http(node.url);
  const publicClient = createPublicClient({ chain, transport, pollingInterval: 50 });
  const admin = anvilAccount(0);
  const walletClient = createWalletClient({ chain, transport, account: admin });
  const relayerKeys = Array.from({ length: options.relayers ?? 1 }, (_, index) => anvilPrivateKey(1 + index));
  const relayerAddresses = relayerKeys.map((key) => privateKeyToAccount(key).address);
  const deployment = await deployMesi({
    walletClient,
    publicClient,
    relayer: relayerAddresses[0]!,
    moderator: anvilAccount(9).address,
    verifier: anvilAccount(8).address,
  });
  const c = deployment.contracts;
  const addresses = {
    vault: c.MesiVault.address,
    tickets: c.MesiTickets.address,
    mesi: c.MesiToken.address,
    usdc: c.TestUSDC.address,
    registry: c.CreatorRegistry.address,
    converter: c.StableConverter.address,
  };

  const write = async (
    account: PrivateKeyAccount | ReturnType<typeof anvilAccount>,
    to: Address,
    abi: unknown,
    functionName: string,
    args: readonly unknown[],
  ): Promise<void> => {
    const client = createWalletClient({ chain, transport, account });
    const hash = await client.writeContract({
      address: to,
      abi: abi as never,
      functionName: functionName as never,
      args: args as never,
    } as never);
    const receipt = await publicClient.waitForTransactionReceipt({ hash, pollingInterval: 20 });
    if (receipt.status !== "success") throw new Error(`${functionName} reverted`);
  };
  const adminWrite = (to: Address, abi: unknown, functionName: string, args: readonly unknown[]) =>
    write(admin, to, abi, functionName, args);

  for (const address of relayerAddresses.slice(1)) {
    await adminWrite(addresses.vault, abis.MesiVault, "grantRole", [ROLE("RELAYER_ROLE"), address]);
    await adminWrite(addresses.tickets, abis.MesiTickets, "grantRole", [ROLE("RELAYER_ROLE"), address]);
  }
  const float = options.float ?? parseEther("1000000000");
  await adminWrite(addresses.mesi, abis.MesiToken, "approve", [addresses.vault, float]);
  await adminWrite(addresses.vault, abis.MesiVault, "fundFloat", [float]);

  const newFundedAccount = async (): Promise<PrivateKeyAccount> => {
    const account = privateKeyToAccount(generatePrivateKey());
    const hash = await walletClient.sendTransaction({ to: account.address, value: parseEther("10") });
    await publicClient.waitForTransactionReceipt({ hash, pollingInterval: 20 });
    // Its Mesi account is open, so it can be paid (creators and fans alike; the vault refuses others).
    await write(account, addresses.vault, abis.MesiVault, "openAccount", []);
    return account;
  };

  const createTicketSale = async (creator: PrivateKeyAccount, price: bigint, supply: number): Promise<bigint> => {
    const registered = await publicClient.readContract({
      address: addresses.registry,
      abi: abis.CreatorRegistry,
      functionName: "isRegistered",
      args: [creator.address],
    });
    if (!registered) await write(creator, addresses.registry, abis.CreatorRegistry, "register", ["ipfs://creator"]);
    const rules = {
      isPrivate: false,
      followers: false,
      minTierRank: 0,
      minTipped: 0n,
      inviteSigner: "0x0000000000000000000000000000000000000000",
      kyfLevel: 0,
    };
    await write(creator, addresses.registry, abis.CreatorRegistry, "createStream", [rules, "ipfs://stream"]);
    const streamId = await publicClient.readContract({
      address: addresses.registry,
      abi: abis.CreatorRegistry,
      functionName: "streamCount",
    });
    await write(creator, addresses.tickets, abis.MesiTickets, "configureSale", [streamId, price, supply, true, 0]);
    return streamId;
  };

  return { chain, publicClient, admin, addresses, relayerKeys, adminWrite, write, newFundedAccount, createTicketSale };
}
