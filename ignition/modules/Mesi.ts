// Hardhat Ignition module for a complete local Mesi system: every contract of
// ignition/modules/mesi-system.ts plus TestUSDC (a test stablecoin anyone can
// mint, listed on the converter), which only local deploys get. The deploying
// account (account 0) becomes DEFAULT_ADMIN_ROLE of every contract, the
// treasury, the holder of the whole $MESI supply, PAUSER and RATE_SETTER.
// Production deploys use MesiProduction.ts (no TestUSDC, no operational role
// for the deployer, a non-zero admin delay).
//
// Parameters (ignition/parameters/local.json has the local chain's):
//   relayer, moderator, verifier  addresses (required)
//   adminDelay                    admin handover delay in seconds (default 0)
//   usdcRate                      TestUSDC's converter rate (default 1e32: 1 USDC = 100 MESI)
//
//   npx hardhat ignition deploy ignition/modules/Mesi.ts --network <name> --parameters ignition/parameters/local.json
// or, for a local node on any port, `npm run deploy:local -- --rpc-url <url>`, which also writes the
// @mesi/deployments module.
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

import { DEFAULT_USDC_RATE } from "../../scripts/lib/mesi-wiring.ts";
import { buildMesiSystem } from "./mesi-system.ts";

export default buildModule("Mesi", (m) => {
  const admin = m.getAccount(0);
  const adminDelay = m.getParameter<number>("adminDelay", 0);
  const usdcRate = m.getParameter<bigint>("usdcRate", DEFAULT_USDC_RATE);
  const holders = {
    admin,
    relayer: m.getParameter<string>("relayer"),
    moderator: m.getParameter<string>("moderator"),
    verifier: m.getParameter<string>("verifier"),
    pauser: admin,
    rateSetter: admin,
  };
  const { contracts, grants } = buildMesiSystem(m, { holders, treasury: admin, initialHolder: admin, adminDelay });

  const testUsdc = m.contract("TestUSDC", []);
  // Listing waits the admin delay (0 locally): the admin schedules it, then lists it as the rate setter.
  const scheduled = m.call(contracts.StableConverter, "scheduleListing", [testUsdc, usdcRate], {
    id: "StableConverter_scheduleListing_TestUSDC",
  });
  m.call(contracts.StableConverter, "setRate", [testUsdc, usdcRate], {
    id: "StableConverter_setRate_TestUSDC",
    after: [...grants, scheduled],
  });

  return { ...contracts, TestUSDC: testUsdc };
});
