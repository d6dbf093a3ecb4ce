// Deploys ignition/modules/Mesi.ts to a running node over JSON-RPC with
// Hardhat Ignition, keeping Ignition's journal in memory (a local node starts
// empty every time, so a journal on disk would only go stale). Returns the
// same shape as the viem deployer, with each contract's deployment block.
import type { DeploymentParameters, ExecutionEventListener } from "@nomicfoundation/ignition-core";
import { DeploymentResultType, deploy } from "@nomicfoundation/ignition-core";
import {
  HardhatArtifactResolver,
  errorDeploymentResultToExceptionMessage,
} from "@nomicfoundation/hardhat-ignition/helpers";
import hre from "hardhat";
import { createPublicClient, getAddress, http, type Address, type Hash } from "viem";

import MesiModule from "../../ignition/modules/Mesi.ts";
import type { MesiDeployment } from "./deploy.ts";
import type { ChainContracts, ContractLocation } from "./deployments-module.ts";
import { MESI_CONTRACTS, type MesiContractName } from "./mesi-contracts.ts";
import { DEFAULT_USDC_RATE } from "./mesi-wiring.ts";

export interface IgnitionDeployParameters {
  /** JSON-RPC URL of a node whose first account is unlocked (Hardhat node, anvil). */
  readonly rpcUrl: string;
  readonly relayer: Address;
  readonly moderator: Address;
  readonly verifier: Address;
  readonly adminDelay?: number;
  readonly usdcRate?: bigint;
  readonly onProgress?: (message: string) => void;
}

export class IgnitionDeployError extends Error {
  override readonly name = "IgnitionDeployError";
}

/** An Ignition event listener that records confirmed transactions and reports finished futures. */
function listener(confirmed: Map<string, Hash>, onProgress: (message: string) => void): ExecutionEventListener {
  const handlers: Partial<ExecutionEventListener> = {
    transactionConfirm: async (event) => {
      confirmed.set(event.futureId, event.hash as Hash);
    },
    deploymentExecutionStateComplete: async (event) => {
      onProgress(`deployed ${event.futureId.replace(/^Mesi#/, "")}`);
    },
    callExecutionStateComplete: async (event) => {
      onProgress(`called ${event.futureId.replace(/^Mesi#/, "")}`);
    },
  };
  return new Proxy(handlers, {
    get: (target, key) => target[key as keyof ExecutionEventListener] ?? (async () => {}),
  }) as ExecutionEventListener;
}

/** Runs the Mesi Ignition module against `rpcUrl` and returns every contract's address and deployment block. */
export async function deployMesiWithIgnition(parameters: IgnitionDeployParameters): Promise<MesiDeployment> {
  const { rpcUrl, onProgress = () => {} } = parameters;
  const connection = await hre.network.create({ network: "localhost", override: { url: rpcUrl } });
  try {
    const accounts = (await connection.provider.request({ method: "eth_accounts" })) as string[];
    const admin = accounts[0];
    if (admin === undefined) throw new IgnitionDeployError(`the node at ${rpcUrl} has no unlocked account`);
    const deploymentParameters: DeploymentParameters = {
      Mesi: {
        relayer: parameters.relayer,
        moderator: parameters.moderator,
        verifier: parameters.verifier,
        adminDelay: parameters.adminDelay ?? 0,
        usdcRate: parameters.usdcRate ?? DEFAULT_USDC_RATE,
      },
    };
    const confirmed = new Map<string, Hash>();
    const result = await deploy({
      config: { requiredConfirmations: 1, blockPollingInterval: 50 },
      artifactResolver: new HardhatArtifactResolver(hre.artifacts),
      provider: connection.provider,
      executionEventListener: listener(confirmed, onProgress),
      deploymentDir: undefined,
      ignitionModule: MesiModule,
      deploymentParameters,
      accounts,
    });
    if (result.type !== DeploymentResultType.SUCCESSFUL_DEPLOYMENT) {
      throw new IgnitionDeployError(errorDeploymentResultToExceptionMessage(result));
    }

    const publicClient = createPublicClient({ transport: http(rpcUrl) });
    const locate = async (name: MesiContractName): Promise<ContractLocation> => {
      const futureId = `Mesi#${name}`;
      const deployed = result.contracts[futureId];
      const hash = confirmed.get(futureId);
      if (deployed === undefined || hash === undefined) {
        throw new IgnitionDeployError(`Ignition reported no deployment of ${name}`);
      }
      const receipt = await publicClient.getTransactionReceipt({ hash });
      return { address: getAddress(deployed.address), blockNumber: receipt.blockNumber };
    };
    const contracts = Object.fromEntries(
      await Promise.all(MESI_CONTRACTS.map(async (name) => [name, await locate(name)] as const)),
    ) as ChainContracts;
    return {
      chainId: await publicClient.getChainId(),
      admin: getAddress(admin),
      contracts,
      completedAtBlock: await publicClient.getBlockNumber(),
    };
  } finally {
    await connection.close();
  }
}
