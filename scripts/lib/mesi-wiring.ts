// The roles a Mesi deployment hands out, as data. The viem deployer
// (scripts/lib/deploy.ts) and the Ignition module (ignition/modules/Mesi.ts)
// both carry out exactly this list, and tests check it on-chain.
import { keccak256, toHex, type Hex } from "viem";

import type { MesiContractName } from "./mesi-contracts.ts";

export const ROLE_NAMES = [
  "RELAYER_ROLE",
  "MODULE_ROLE",
  "PAUSER_ROLE",
  "MODERATOR_ROLE",
  "VERIFIER_ROLE",
  "RATE_SETTER_ROLE",
  "KYF_REQUESTER_ROLE",
] as const;

export type RoleName = (typeof ROLE_NAMES)[number];

/** keccak256 of the role's name, as every contract defines it. */
export function roleId(role: RoleName): Hex {
  return keccak256(toHex(role));
}

/**
 * Accounts (not contracts) that receive a role. Locally the admin is also `pauser` and `rateSetter`; a production
 * deploy names other accounts for them, so the deployer (the admin) holds no operational role.
 */
export type RoleHolder = "admin" | "relayer" | "moderator" | "verifier" | "pauser" | "rateSetter";

export interface RoleGrant {
  /** The contract whose role is granted. */
  readonly on: MesiContractName;
  readonly role: RoleName;
  /** Another Mesi contract, or an account named by its job. */
  readonly to: { readonly contract: MesiContractName } | { readonly holder: RoleHolder };
}

export const ROLE_GRANTS: readonly RoleGrant[] = [
  { on: "MesiVault", role: "MODULE_ROLE", to: { contract: "MesiTickets" } },
  { on: "MesiVault", role: "MODULE_ROLE", to: { contract: "CreatorRegistry" } },
  { on: "MesiVault", role: "RELAYER_ROLE", to: { holder: "relayer" } },
  { on: "MesiVault", role: "PAUSER_ROLE", to: { holder: "pauser" } },
  { on: "MesiTickets", role: "RELAYER_ROLE", to: { holder: "relayer" } },
  { on: "KyfRegistry", role: "KYF_REQUESTER_ROLE", to: { contract: "OneToOneEscrow" } },
  { on: "KyfRegistry", role: "VERIFIER_ROLE", to: { holder: "verifier" } },
  { on: "AbuseReports", role: "MODERATOR_ROLE", to: { holder: "moderator" } },
  { on: "OneToOneEscrow", role: "MODERATOR_ROLE", to: { holder: "moderator" } },
  { on: "StableConverter", role: "RATE_SETTER_ROLE", to: { holder: "rateSetter" } },
];

/** TestUSDC → $MESI rate listed at deployment: 1 USDC (1e6) = 100 MESI (100e18), i.e. 1 MESI = 0.01 USD. */
export const DEFAULT_USDC_RATE = 10n ** 32n;
