// The Mesi system as Ignition futures, shared by the local module (Mesi.ts) and
// the production module (MesiProduction.ts): every contract but the test
// stablecoin, the role wiring of scripts/lib/mesi-wiring.ts, the vault's escrow
// module, and the module lock (from then on a new vault module waits the admin
// delay). The caller lists stablecoins.
import type { IgnitionModuleBuilder } from "@nomicfoundation/ignition-core";

import type { MesiContractName } from "../../scripts/lib/mesi-contracts.ts";
import { ROLE_GRANTS, roleId, type RoleHolder } from "../../scripts/lib/mesi-wiring.ts";

type Account = ReturnType<IgnitionModuleBuilder["getAccount"]>;
type Parameter = ReturnType<IgnitionModuleBuilder["getParameter"]>;
type Value = Account | Parameter;

export interface MesiSystemOptions {
  /** Every role holder; the deploying account is `admin`. */
  readonly holders: Readonly<Record<RoleHolder, Value>>;
  /** Receives the platform fees. */
  readonly treasury: Value;
  /** Receives the whole $MESI supply. */
  readonly initialHolder: Value;
  /** Delay of an admin handover, of a new vault module and of a stablecoin listing, in seconds. */
  readonly adminDelay: Parameter;
}

export function buildMesiSystem(m: IgnitionModuleBuilder, options: MesiSystemOptions) {
  const { holders, treasury, initialHolder, adminDelay } = options;
  const admin = holders.admin;

  const mesiToken = m.contract("MesiToken", [initialHolder]);
  const stableConverter = m.contract("StableConverter", [adminDelay, admin]);
  const mesiVault = m.contract("MesiVault", [mesiToken, stableConverter, treasury, adminDelay, admin]);
  const creatorRegistry = m.contract("CreatorRegistry", [mesiVault]);
  const kyfRegistry = m.contract("KyfRegistry", [adminDelay, admin]);
  const abuseReports = m.contract("AbuseReports", [adminDelay, admin]);
  const mesiTickets = m.contract("MesiTickets", [mesiVault, creatorRegistry, adminDelay, admin]);
  const oneToOneEscrow = m.contract("OneToOneEscrow", [mesiVault, creatorRegistry, kyfRegistry, adminDelay, admin]);

  const contracts = {
    MesiToken: mesiToken,
    StableConverter: stableConverter,
    MesiVault: mesiVault,
    CreatorRegistry: creatorRegistry,
    KyfRegistry: kyfRegistry,
    AbuseReports: abuseReports,
    MesiTickets: mesiTickets,
    OneToOneEscrow: oneToOneEscrow,
  } satisfies Record<Exclude<MesiContractName, "TestUSDC">, unknown>;

  const grants = ROLE_GRANTS.map((grant) => {
    const target = "contract" in grant.to ? grant.to.contract : grant.to.holder;
    const account =
      "contract" in grant.to ? contracts[grant.to.contract as keyof typeof contracts] : holders[grant.to.holder];
    return m.call(contracts[grant.on as keyof typeof contracts], "grantRole", [roleId(grant.role), account], {
      id: `${grant.on}_grant_${grant.role}_to_${target}`,
    });
  });
  // The escrow is the vault's one-to-one escrow module (it funds and pays out sessions).
  const escrowModule = m.call(mesiVault, "setEscrowModule", [oneToOneEscrow], { id: "MesiVault_setEscrowModule" });
  // From here on a new vault module waits the admin delay, announced in advance (MesiVault.lockModules).
  m.call(mesiVault, "lockModules", [], { id: "MesiVault_lockModules", after: [...grants, escrowModule] });

  return { contracts, grants };
}
