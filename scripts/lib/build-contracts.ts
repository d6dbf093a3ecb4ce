// Compiles the contracts through Hardhat's build task (incremental: a no-op
// when nothing changed), so scripts that read artifacts work on a fresh clone.
import hre from "hardhat";

export interface BuildContractsOptions {
  /** Also compile the Solidity under test/contracts (tests, fixtures, gas baselines). Default false. */
  readonly tests?: boolean;
}

export async function buildContracts({ tests = false }: BuildContractsOptions = {}): Promise<void> {
  await hre.tasks.getTask("build").run({ quiet: true, noTests: !tests });
}
