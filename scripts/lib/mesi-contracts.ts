// The contracts that make up a Mesi deployment, in deployment order. The ABI
// module (deployments/src/generated/abis.ts), the deployer and the Ignition module all
// follow this list.
export const MESI_CONTRACTS = [
  "MesiToken",
  "TestUSDC",
  "StableConverter",
  "MesiVault",
  "CreatorRegistry",
  "KyfRegistry",
  "AbuseReports",
  "MesiTickets",
  "OneToOneEscrow",
] as const;

export type MesiContractName = (typeof MESI_CONTRACTS)[number];
