// Hardhat Ignition module for a complete Mesi system: every contract plus the
// role wiring of scripts/lib/mesi-wiring.ts (the same list the viem deployer
// in scripts/lib/deploy.ts carries out). The deploying account (account 0)
// becomes DEFAULT_ADMIN_ROLE of every contract, the treasury, the holder of
// the whole $MESI supply, PAUSER and RATE_SETTER.
//
// Parameters (ignition/parameters/local.json has the local chain's):
//   relayer, moderator, verifier  addresses (required)
//   adminDelay                    admin handover delay in seconds (default 0; e.g. 86400 in production)
//   usdcRate                      TestUSDC's converter rate (default 1e32: 1 USDC = 100 MESI)
//
//   npx hardhat ignition deploy ignition/modules/Mesi.ts --network <name> --parameters ignition/parameters/local.json
// or, for a local node on any port, `npm run deploy:local -- --rpc-url <url>`, which also writes the
// @mesi/deployments module.
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

import type { MesiContractName } from "../../scripts/lib/mesi-contracts.ts";
import { DEFAULT_USDC_RATE, ROLE_GRANTS, roleId } from "../../scripts/lib/mesi-wiring.ts";

export default buildModule("Mesi", (m) => {
  const admin = m.getAccount(0);
  const relayer = m.getParameter<string>("relayer");
  const moderator = m.getParameter<string>("moderator");
  const verifier = m.getParameter<string>("verifier");
  const adminDelay = m.getParameter<number>("adminDelay", 0);
  const usdcRate = m.getParameter<bigint>("usdcRate", DEFAULT_USDC_RATE);

  const mesiToken = m.contract("MesiToken", [admin]);
  const testUsdc = m.contract("TestUSDC", []);
  const stableConverter = m.contract("StableConverter", [adminDelay, admin]);
  const mesiVault = m.contract("MesiVault", [mesiToken, stableConverter, admin, adminDelay, admin]);
  const creatorRegistry = m.contract("CreatorRegistry", [mesiVault]);
  const kyfRegistry = m.contract("KyfRegistry", [adminDelay, admin]);
  const abuseReports = m.contract("AbuseReports", [adminDelay, admin]);
  const mesiTickets = m.contract("MesiTickets", [mesiVault, creatorRegistry, adminDelay, admin]);
  const oneToOneEscrow = m.contract("OneToOneEscrow", [mesiVault, creatorRegistry, kyfRegistry, adminDelay, admin]);

  const contracts = {
    MesiToken: mesiToken,
    TestUSDC: testUsdc,
    StableConverter: stableConverter,
    MesiVault: mesiVault,
    CreatorRegistry: creatorRegistry,
    KyfRegistry: kyfRegistry,
    AbuseReports: abuseReports,
    MesiTickets: mesiTickets,
    OneToOneEscrow: oneToOneEscrow,
  } satisfies Record<MesiContractName, unknown>;
  const holders = { admin, relayer, moderator, verifier };

  const grants = ROLE_GRANTS.map((grant) => {
    const target = "contract" in grant.to ? grant.to.contract : grant.to.holder;
    const account = "contract" in grant.to ? contracts[grant.to.contract] : holders[grant.to.holder];
    return m.call(contracts[grant.on], "grantRole", [roleId(grant.role), account], {
      id: `${grant.on}_grant_${grant.role}_to_${target}`,
    });
  });
  // The escrow is the vault's one-to-one escrow module (it funds and pays out sessions).
  m.call(mesiVault, "setEscrowModule", [oneToOneEscrow], { id: "MesiVault_setEscrowModule" });
  // The admin lists TestUSDC once it holds RATE_SETTER_ROLE.
  m.call(stableConverter, "setRate", [testUsdc, usdcRate], { id: "StableConverter_setRate_TestUSDC", after: grants });

  return contracts;
});
