import { abis } from "./generated/abis.ts";
import { addresses } from "./generated/addresses.ts";
import type { ChainAddresses, ContractName, Deployment, StartBlocks } from "./types.ts";

export { abis } from "./generated/abis.ts";
export { addresses } from "./generated/addresses.ts";
export type {
  Address,
  ChainAddresses,
  ContractAddress,
  ContractName,
  DeployedContract,
  Deployment,
  LocalOnlyContractName,
  StartBlocks,
} from "./types.ts";
export { errorsAbi } from "./errors-abi.ts";
export {
  buyAuthorizationTypes,
  permitTypes,
  quoteRequestDomain,
  quoteRequestTypes,
  receiveWithAuthorizationTypes,
  stablecoinBuyAuthorizationTypes,
  tipAuthorizationTypes,
} from "./typed-data.ts";

/** Every Mesi contract name, in deployment order. */
export const contractNames = Object.keys(abis) as readonly ContractName[];

/** Raised when the generated module has no deployment for a chain. */
export class DeploymentNotFoundError extends Error {
  override readonly name = "DeploymentNotFoundError";
  readonly chainId: number;

  constructor(chainId: number) {
    super(
      `no Mesi deployment for chain ${chainId} in @mesi/deployments (known: ${
        Object.keys(addresses).join(", ") || "none"
      }); run \`npm run deploy:local\` or \`npm start\` for a local chain`,
    );
    this.chainId = chainId;
  }
}

/** Joins one chain's addresses with the ABIs, e.g. for the result of a deploy that is not in the module. */
export function toDeployment(chainAddresses: ChainAddresses): Deployment {
  // A production chain has no TestUSDC: it is left out.
  const entries = contractNames.flatMap((name) => {
    const location = chainAddresses[name];
    return location === undefined ? [] : [[name, { address: location.address, abi: abis[name] }] as const];
  });
  return Object.fromEntries(entries) as unknown as Deployment;
}

/** Each contract's deployment block from one chain's addresses, as bigints. */
export function toStartBlocks(chainAddresses: ChainAddresses): StartBlocks {
  const entries = contractNames.flatMap((name) => {
    const location = chainAddresses[name];
    return location === undefined ? [] : [[name, BigInt(location.blockNumber)] as const];
  });
  return Object.fromEntries(entries) as unknown as StartBlocks;
}

/** Chain id → contract name → { address, abi, blockNumber }, for every chain in the generated module. */
export const deployments: Readonly<Record<number, Deployment>> = Object.fromEntries(
  Object.entries(addresses).map(([chainId, chainAddresses]) => [Number(chainId), toDeployment(chainAddresses)]),
);

/** Each contract's deployment block on `chainId`; throws {@link DeploymentNotFoundError} when the module has none. */
export function loadStartBlocks(chainId: number): StartBlocks {
  const chainAddresses = addresses[String(chainId)];
  if (chainAddresses === undefined) throw new DeploymentNotFoundError(chainId);
  return toStartBlocks(chainAddresses);
}

/** The deployment on `chainId`; throws {@link DeploymentNotFoundError} when the module has none. */
export function loadDeployment(chainId: number): Deployment {
  const deployment = deployments[chainId];
  if (deployment === undefined) throw new DeploymentNotFoundError(chainId);
  return deployment;
}

export {
  readSessionRecord,
  readSessionState,
  SessionRecordNotFoundError,
  sessionIdOf,
  sessionRecordFromLogs,
  sessionStateFromLogs,
  SessionStatus,
  type OneToOneSessionRecord,
  type OneToOneSessionState,
} from "./one-to-one-session.ts";
