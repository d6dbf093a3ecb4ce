// Deploys ignition/modules/MesiProduction.ts with Hardhat Ignition over a
// Hardhat network connection (Base Sepolia, Base, or a local node in tests)
// and returns every contract's address and deployment block. The parameters
// are checked first (zod): a production deploy has a non-zero admin delay and
// does not make the deployer pauser or rate setter.
import type { DeploymentParameters, ExecutionEventListener } from "@nomicfoundation/ignition-core";
import { DeploymentResultType, deploy } from "@nomicfoundation/ignition-core";
import {
  HardhatArtifactResolver,
  errorDeploymentResultToExceptionMessage,
} from "@nomicfoundation/hardhat-ignition/helpers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import type { NetworkConnection } from "hardhat/types/network";
import { createPublicClient, custom, getAddress, isAddress, zeroAddress, type Address, type Hash } from "viem";
import { z } from "zod";

import MesiProductionModule from "../../ignition/modules/MesiProduction.ts";
import type { ContractLocation, ProductionContracts } from "./deployments-module.ts";
import { MESI_CONTRACTS } from "./mesi-contracts.ts";

const MODULE_ID = "MesiProduction";
/** The shortest admin delay a production deploy accepts. */
export const MIN_PRODUCTION_ADMIN_DELAY = 3600;

const address = z
  .string()
  .refine((value) => isAddress(value, { strict: false }), "not an address")
  .transform((value) => getAddress(value))
  .refine((value) => value !== zeroAddress, "the zero address");

/** `ignition/parameters/<network>.json` → `{ "MesiProduction": { … } }`. */
export const ProductionParametersSchema = z
  .object({
    relayer: address,
    moderator: address,
    verifier: address,
    pauser: address,
    rateSetter: address,
    treasury: address,
    initialHolder: address,
    adminDelay: z
      .number()
      .int()
      .min(MIN_PRODUCTION_ADMIN_DELAY, `adminDelay must be at least ${MIN_PRODUCTION_ADMIN_DELAY} s in production`),
    stablecoin: address,
    // Ignition's parameter files write bigints as "123n".
    stablecoinRate: z
      .union([z.string().regex(/^\d+n?$/), z.number().int(), z.bigint()])
      .transform((value) => BigInt(typeof value === "string" ? value.replace(/n$/, "") : value))
      .refine((value) => value > 0n, "stablecoinRate must be positive"),
  })
  .strict();

export type ProductionParameters = z.infer<typeof ProductionParametersSchema>;

export class ProductionDeployError extends Error {
  override readonly name = "ProductionDeployError";
}

/** Parses a parameters file's content; throws a readable {@link ProductionDeployError}. */
export function parseProductionParameters(json: unknown, deployer: Address): ProductionParameters {
  if (typeof json !== "object" || json === null || !(MODULE_ID in json)) {
    throw new ProductionDeployError(`the parameters file has no "${MODULE_ID}" entry`);
  }
  const parsed = ProductionParametersSchema.safeParse((json as Record<string, unknown>)[MODULE_ID]);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".") || "parameters"}: ${issue.message}`);
    throw new ProductionDeployError(`invalid ${MODULE_ID} parameters: ${problems.join("; ")}`);
  }
  const deployerAddress = getAddress(deployer);
  for (const role of ["pauser", "rateSetter"] as const) {
    if (parsed.data[role] === deployerAddress) {
      throw new ProductionDeployError(`${role} must not be the deployer (${deployerAddress}): name another account`);
    }
  }
  return parsed.data;
}

export interface ProductionDeployment {
  readonly chainId: number;
  /** The deployer: DEFAULT_ADMIN_ROLE of every contract, and no other role. */
  readonly admin: Address;
  readonly contracts: ProductionContracts;
}

export interface DeployProductionParameters {
  readonly hre: HardhatRuntimeEnvironment;
  readonly connection: NetworkConnection;
  /** The parameters file's content (`{ "MesiProduction": { … } }`). */
  readonly parametersJson: unknown;
  /** Ignition's journal: a directory resumes an interrupted deploy; undefined keeps it in memory (tests). */
  readonly deploymentDir?: string;
  readonly onProgress?: (message: string) => void;
}

function listener(confirmed: Map<string, Hash>, onProgress: (message: string) => void): ExecutionEventListener {
  const handlers: Partial<ExecutionEventListener> = {
    transactionConfirm: async (event) => {
      confirmed.set(event.futureId, event.hash as Hash);
    },
    deploymentExecutionStateComplete: async (event) => onProgress(`deployed ${event.futureId}`),
    callExecutionStateComplete: async (event) => onProgress(`called ${event.futureId}`),
  };
  return new Proxy(handlers, {
    get: (target, key) => target[key as keyof ExecutionEventListener] ?? (async () => {}),
  }) as ExecutionEventListener;
}

/** Checks the parameters, deploys MesiProduction and returns where each contract lives. */
export async function deployMesiProduction(parameters: DeployProductionParameters): Promise<ProductionDeployment> {
  const { hre, connection, onProgress = () => {} } = parameters;
  const accounts = (await connection.provider.request({ method: "eth_accounts" })) as string[];
  const deployer = accounts[0];
  if (deployer === undefined) throw new ProductionDeployError("the network has no deployer account configured");
  const checked = parseProductionParameters(parameters.parametersJson, deployer as Address);
  const deploymentParameters: DeploymentParameters = { [MODULE_ID]: { ...checked } };

  const confirmed = new Map<string, Hash>();
  const result = await deploy({
    config: { requiredConfirmations: 1 },
    artifactResolver: new HardhatArtifactResolver(hre.artifacts),
    provider: connection.provider,
    executionEventListener: listener(confirmed, onProgress),
    deploymentDir: parameters.deploymentDir,
    ignitionModule: MesiProductionModule,
    deploymentParameters,
    accounts,
  });
  if (result.type !== DeploymentResultType.SUCCESSFUL_DEPLOYMENT) {
    throw new ProductionDeployError(errorDeploymentResultToExceptionMessage(result));
  }

  const publicClient = createPublicClient({ transport: custom(connection.provider) });
  const locate = async (name: string): Promise<ContractLocation> => {
    const futureId = `${MODULE_ID}#${name}`;
    const deployed = result.contracts[futureId];
    if (deployed === undefined) throw new ProductionDeployError(`Ignition reported no deployment of ${name}`);
    // A resumed deploy has no fresh confirmation: find the block from the contract's creation receipt if known.
    const hash = confirmed.get(futureId);
    const blockNumber =
      hash !== undefined
        ? (await publicClient.getTransactionReceipt({ hash })).blockNumber
        : await firstBlockWithCode();
    async function firstBlockWithCode(): Promise<bigint> {
      // Binary search for the first block with code at the address (resumed deploys only).
      let low = 0n;
      let high = await publicClient.getBlockNumber();
      while (low < high) {
        const mid = (low + high) / 2n;
        const code = await publicClient.getCode({ address: deployed!.address as Address, blockNumber: mid });
        if (code !== undefined && code !== "0x") high = mid;
        else low = mid + 1n;
      }
      return low;
    }
    return { address: getAddress(deployed.address), blockNumber };
  };
  const names = MESI_CONTRACTS.filter((name) => name !== "TestUSDC");
  const contracts = Object.fromEntries(
    await Promise.all(names.map(async (name) => [name, await locate(name)] as const)),
  ) as ProductionContracts;
  return { chainId: await publicClient.getChainId(), admin: getAddress(deployer), contracts };
}
