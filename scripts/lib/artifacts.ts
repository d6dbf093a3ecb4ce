// Reads Mesi's compiled contracts (ABI + creation bytecode) from the Hardhat
// artifacts directory, without loading Hardhat itself.
import { existsSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

import type { Abi, Hex } from "viem";

export const DEFAULT_ARTIFACTS_DIR = join(import.meta.dirname, "..", "..", "artifacts");

export interface ContractArtifact {
  readonly contractName: string;
  readonly abi: Abi;
  readonly bytecode: Hex;
}

export class ArtifactNotFoundError extends Error {
  override readonly name = "ArtifactNotFoundError";
  constructor(contractName: string, path: string) {
    super(`no artifact for ${contractName} at ${relative(process.cwd(), path)}: run \`npx hardhat build\` first`);
  }
}

/** The artifact of `contracts/<name>.sol:<name>` (or of `sourcePath`, e.g. "test/contracts/bench/X.sol"). */
export function readContractArtifact(
  contractName: string,
  { artifactsDir = DEFAULT_ARTIFACTS_DIR, sourcePath = `contracts/${contractName}.sol` } = {},
): ContractArtifact {
  const path = join(artifactsDir, sourcePath, `${contractName}.json`);
  if (!existsSync(path)) throw new ArtifactNotFoundError(contractName, path);
  const { abi, bytecode } = JSON.parse(readFileSync(path, "utf8")) as { abi: Abi; bytecode: Hex };
  return { contractName, abi, bytecode };
}
