// Deploys a complete Mesi system from the Hardhat artifacts with viem and
// wires its roles (scripts/lib/mesi-wiring.ts). Dependency-injected and fast,
// for tests and tools that need Mesi on a real local chain:
//
//   const mesi = await deployMesi({ walletClient, publicClient, relayer, moderator, verifier });
//   mesi.contracts.MesiVault.address
//
// The wallet's account deploys and becomes DEFAULT_ADMIN_ROLE of every
// contract (and PAUSER / RATE_SETTER, treasury and $MESI initial holder unless
// told otherwise). For production use the Ignition module
// (ignition/modules/Mesi.ts), which carries out the same wiring.
import {
  encodeFunctionData,
  getAddress,
  type Abi,
  type Account,
  type Address,
  type Chain,
  type Hash,
  type Hex,
  type PublicClient,
  type TransactionReceipt,
  type Transport,
  type WalletClient,
} from "viem";

import { abis } from "../../deployments/src/generated/abis.ts";
import { readContractArtifact } from "./artifacts.ts";
import type { ChainContracts, ContractLocation } from "./deployments-module.ts";
import type { MesiContractName } from "./mesi-contracts.ts";
import { DEFAULT_USDC_RATE, ROLE_GRANTS, roleId, type RoleHolder } from "./mesi-wiring.ts";

export interface DeployMesiParameters {
  /** Signs every transaction; its account becomes the admin. */
  readonly walletClient: WalletClient<Transport, Chain, Account>;
  readonly publicClient: PublicClient<Transport, Chain | undefined>;
  /** Gets RELAYER_ROLE on the vault and the tickets. */
  readonly relayer: Address;
  /** Gets MODERATOR_ROLE on the escrow and the abuse reports. */
  readonly moderator: Address;
  /** Gets VERIFIER_ROLE on the KYF registry. */
  readonly verifier: Address;
  /** Gets PAUSER_ROLE on the vault. Default: the admin (local only; production names another account). */
  readonly pauser?: Address;
  /** Gets RATE_SETTER_ROLE on the converter. Default: the admin (local only). */
  readonly rateSetter?: Address;
  /** Receives platform fees. Default: the admin. */
  readonly treasury?: Address;
  /** Receives the whole $MESI supply. Default: the admin. */
  readonly initialHolder?: Address;
  /** Delay of a DEFAULT_ADMIN_ROLE handover, in seconds. Default 0 (local); e.g. 1 day in production. */
  readonly adminDelay?: number;
  /** TestUSDC's converter rate. Default {@link DEFAULT_USDC_RATE} (1 USDC = 100 MESI). */
  readonly usdcRate?: bigint;
  /** Hardhat artifacts directory. Default: the repository's `artifacts/`. */
  readonly artifactsDir?: string;
  /** Called with one line per step. */
  readonly onProgress?: (message: string) => void;
}

export interface MesiDeployment {
  readonly chainId: number;
  /** The deployer, admin of every contract. */
  readonly admin: Address;
  /** Address and deployment block of every contract. */
  readonly contracts: ChainContracts;
  /** Block of the last wiring transaction: the system is complete from here on. */
  readonly completedAtBlock: bigint;
}

export class DeployTransactionError extends Error {
  override readonly name = "DeployTransactionError";
  constructor(
    readonly step: string,
    readonly transactionHash: Hash,
  ) {
    super(`deploying Mesi: "${step}" reverted (transaction ${transactionHash})`);
  }
}

/** Sends transactions one after another with a locally tracked nonce, and checks each receipt. */
class TransactionSender {
  #nonce: number;
  lastBlock = 0n;

  constructor(
    private readonly walletClient: DeployMesiParameters["walletClient"],
    private readonly publicClient: DeployMesiParameters["publicClient"],
    nonce: number,
  ) {
    this.#nonce = nonce;
  }

  get account(): Account {
    return this.walletClient.account;
  }

  async deploy(step: string, abi: Abi, bytecode: Hex, args: readonly unknown[]): Promise<ContractLocation> {
    const hash = await this.walletClient.deployContract({
      abi,
      bytecode,
      args,
      account: this.account,
      chain: this.walletClient.chain,
      nonce: this.#nonce++,
    });
    const receipt = await this.#confirm(step, hash);
    if (receipt.contractAddress === null || receipt.contractAddress === undefined) {
      throw new DeployTransactionError(step, hash);
    }
    return { address: receipt.contractAddress, blockNumber: receipt.blockNumber };
  }

  async call(step: string, to: Address, data: Hex): Promise<TransactionReceipt> {
    const hash = await this.walletClient.sendTransaction({
      to,
      data,
      account: this.account,
      chain: this.walletClient.chain,
      nonce: this.#nonce++,
    });
    return await this.#confirm(step, hash);
  }

  // Local nodes mine on send, so the receipt is usually there at once; poll
  // quickly otherwise instead of waiting for viem's default interval.
  async #confirm(step: string, hash: Hash): Promise<TransactionReceipt> {
    const receipt = await this.publicClient
      .getTransactionReceipt({ hash })
      .catch(() => this.publicClient.waitForTransactionReceipt({ hash, pollingInterval: 50 }));
    if (receipt.status !== "success") throw new DeployTransactionError(step, hash);
    this.lastBlock = receipt.blockNumber;
    return receipt;
  }
}

/** Deploys every Mesi contract, grants the roles and lists TestUSDC on the converter. */
export async function deployMesi(parameters: DeployMesiParameters): Promise<MesiDeployment> {
  const { walletClient, publicClient, artifactsDir, onProgress = () => {} } = parameters;
  const admin = getAddress(walletClient.account.address);
  const treasury = parameters.treasury ?? admin;
  const initialHolder = parameters.initialHolder ?? admin;
  const delay = parameters.adminDelay ?? 0;
  const usdcRate = parameters.usdcRate ?? DEFAULT_USDC_RATE;
  const holders: Record<RoleHolder, Address> = {
    admin,
    relayer: parameters.relayer,
    moderator: parameters.moderator,
    verifier: parameters.verifier,
    pauser: parameters.pauser ?? admin,
    rateSetter: parameters.rateSetter ?? admin,
  };

  const chainId = await publicClient.getChainId();
  const nonce = await publicClient.getTransactionCount({ address: admin, blockTag: "pending" });
  const sender = new TransactionSender(walletClient, publicClient, nonce);
  const deployed: Partial<Record<MesiContractName, ContractLocation>> = {};
  const at = (name: MesiContractName): Address => {
    const location = deployed[name];
    if (location === undefined) throw new Error(`${name} is not deployed yet`);
    return location.address;
  };
  const deploy = async (name: MesiContractName, args: readonly unknown[]): Promise<void> => {
    const { bytecode } = readContractArtifact(name, { artifactsDir });
    deployed[name] = await sender.deploy(`deploy ${name}`, abis[name], bytecode, args);
    onProgress(`deployed ${name} at ${deployed[name].address}`);
  };

  await deploy("MesiToken", [initialHolder]);
  await deploy("TestUSDC", []);
  await deploy("StableConverter", [delay, admin]);
  await deploy("MesiVault", [at("MesiToken"), at("StableConverter"), treasury, delay, admin]);
  await deploy("CreatorRegistry", [at("MesiVault")]);
  await deploy("KyfRegistry", [delay, admin]);
  await deploy("AbuseReports", [delay, admin]);
  await deploy("MesiTickets", [at("MesiVault"), at("CreatorRegistry"), delay, admin]);
  await deploy("OneToOneEscrow", [at("MesiVault"), at("CreatorRegistry"), at("KyfRegistry"), delay, admin]);

  for (const grant of ROLE_GRANTS) {
    const account = "contract" in grant.to ? at(grant.to.contract) : holders[grant.to.holder];
    const data = encodeFunctionData({
      abi: abis[grant.on] as Abi,
      functionName: "grantRole",
      args: [roleId(grant.role), account],
    });
    const target = "contract" in grant.to ? grant.to.contract : grant.to.holder;
    await sender.call(`${grant.on}.grantRole(${grant.role}, ${target})`, at(grant.on), data);
    onProgress(`granted ${grant.role} on ${grant.on} to ${target}`);
  }

  await sender.call(
    "MesiVault.setEscrowModule(OneToOneEscrow)",
    at("MesiVault"),
    encodeFunctionData({ abi: abis.MesiVault, functionName: "setEscrowModule", args: [at("OneToOneEscrow")] }),
  );
  onProgress("named OneToOneEscrow the vault's escrow module");

  // Modules are fixed from here on: a new one waits the admin delay (MesiVault.lockModules).
  await sender.call(
    "MesiVault.lockModules()",
    at("MesiVault"),
    encodeFunctionData({ abi: abis.MesiVault, functionName: "lockModules" }),
  );
  onProgress("locked the vault's modules");

  // Listing waits the admin delay (0 locally): schedule, then the rate setter lists at the scheduled rate.
  await sender.call(
    "StableConverter.scheduleListing(TestUSDC)",
    at("StableConverter"),
    encodeFunctionData({
      abi: abis.StableConverter,
      functionName: "scheduleListing",
      args: [at("TestUSDC"), usdcRate],
    }),
  );
  // The listing is due at once only with no admin delay, and the deployer can list it only as the rate setter.
  if (delay === 0 && getAddress(holders.rateSetter) === admin) {
    await sender.call(
      "StableConverter.setRate(TestUSDC)",
      at("StableConverter"),
      encodeFunctionData({ abi: abis.StableConverter, functionName: "setRate", args: [at("TestUSDC"), usdcRate] }),
    );
    onProgress(`listed TestUSDC on the converter at rate ${usdcRate}`);
  } else onProgress(`scheduled TestUSDC's listing at rate ${usdcRate}; the rate setter lists it once due`);

  return {
    chainId,
    admin,
    contracts: deployed as ChainContracts,
    completedAtBlock: sender.lastBlock,
  };
}
