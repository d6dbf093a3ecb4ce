// Reads a deployed Mesi system back from the chain and lists every way it
// differs from the intended wiring (scripts/lib/mesi-wiring.ts). Empty = wired.
import { getAddress, type Abi, type Address, type Chain, type PublicClient, type Transport } from "viem";

import { abis } from "../../deployments/src/generated/abis.ts";
import type { ChainContracts } from "./deployments-module.ts";
import { DEFAULT_USDC_RATE, ROLE_GRANTS, roleId, type RoleHolder } from "./mesi-wiring.ts";

export interface CheckWiringParameters {
  readonly publicClient: PublicClient<Transport, Chain | undefined>;
  readonly contracts: ChainContracts;
  /** `pauser` and `rateSetter` default to the admin (a local deployment). */
  readonly holders: Readonly<Record<Exclude<RoleHolder, "pauser" | "rateSetter">, Address>> &
    Partial<Readonly<Record<"pauser" | "rateSetter", Address>>>;
  readonly usdcRate?: bigint;
}

export async function checkMesiWiring(parameters: CheckWiringParameters): Promise<string[]> {
  const { publicClient, contracts } = parameters;
  const holders: Readonly<Record<RoleHolder, Address>> = {
    pauser: parameters.holders.admin,
    rateSetter: parameters.holders.admin,
    ...parameters.holders,
  };
  const problems: string[] = [];
  for (const [name, { address }] of Object.entries(contracts)) {
    const code = await publicClient.getCode({ address });
    if (code === undefined || code === "0x") problems.push(`${name} has no code at ${address}`);
  }
  for (const grant of ROLE_GRANTS) {
    const account = "contract" in grant.to ? contracts[grant.to.contract].address : holders[grant.to.holder];
    const held = await publicClient.readContract({
      address: contracts[grant.on].address,
      abi: abis[grant.on] as Abi,
      functionName: "hasRole",
      args: [roleId(grant.role), account],
    });
    if (held !== true) problems.push(`${grant.on}: ${account} lacks ${grant.role}`);
  }
  const same = (a: Address, b: Address): boolean => getAddress(a) === getAddress(b);
  const vault = { address: contracts.MesiVault.address, abi: abis.MesiVault } as const;
  if (!same(await publicClient.readContract({ ...vault, functionName: "mesi" }), contracts.MesiToken.address)) {
    problems.push("MesiVault.mesi() is not MesiToken");
  }
  if (
    !same(await publicClient.readContract({ ...vault, functionName: "converter" }), contracts.StableConverter.address)
  ) {
    problems.push("MesiVault.converter() is not StableConverter");
  }
  if (
    !same(await publicClient.readContract({ ...vault, functionName: "escrowModule" }), contracts.OneToOneEscrow.address)
  ) {
    problems.push("MesiVault.escrowModule() is not OneToOneEscrow");
  }
  const rate = await publicClient.readContract({
    address: contracts.StableConverter.address,
    abi: abis.StableConverter,
    functionName: "rateOf",
    args: [contracts.TestUSDC.address],
  });
  const expectedRate = parameters.usdcRate ?? DEFAULT_USDC_RATE;
  if (rate !== expectedRate) problems.push(`TestUSDC rate is ${rate}, expected ${expectedRate}`);
  for (const name of ["MesiVault", "MesiTickets", "OneToOneEscrow", "KyfRegistry", "AbuseReports"] as const) {
    const admin = await publicClient.readContract({
      address: contracts[name].address,
      abi: abis[name] as Abi,
      functionName: "defaultAdmin",
    });
    if (!same(admin as Address, holders.admin)) problems.push(`${name}.defaultAdmin() is ${String(admin)}`);
  }
  if (!(await publicClient.readContract({ ...vault, functionName: "modulesLocked" }))) {
    problems.push("MesiVault modules are not locked");
  }
  return problems;
}
