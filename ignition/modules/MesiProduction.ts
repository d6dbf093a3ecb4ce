// Hardhat Ignition module for a production Mesi system on an L2 (Base Sepolia,
// Base): the contracts of ignition/modules/mesi-system.ts, no test stablecoin.
// The deployer becomes DEFAULT_ADMIN_ROLE of every contract and nothing else:
// pausing and rate setting go to the accounts named here, the fees to the
// treasury, the $MESI supply to the initial holder. A real stablecoin (USDC) is
// scheduled for listing at deploy; the rate setter lists it with
// `StableConverter.setRate(stablecoin, stablecoinRate)` once the admin delay
// has passed (README, "Production deploy").
//
// Parameters (ignition/parameters/<network>.json, checked by scripts/deploy-network.ts):
//   relayer, moderator, verifier, pauser, rateSetter  addresses of the role holders
//   treasury, initialHolder                           addresses (multisigs)
//   adminDelay                                        seconds, > 0 (admin handover, new modules, listings)
//   stablecoin, stablecoinRate                        the stablecoin to list (e.g. USDC) and its rate
//
//   npm run deploy -- --network baseSepolia
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

import { buildMesiSystem } from "./mesi-system.ts";

export default buildModule("MesiProduction", (m) => {
  const holders = {
    admin: m.getAccount(0),
    relayer: m.getParameter<string>("relayer"),
    moderator: m.getParameter<string>("moderator"),
    verifier: m.getParameter<string>("verifier"),
    pauser: m.getParameter<string>("pauser"),
    rateSetter: m.getParameter<string>("rateSetter"),
  };
  const { contracts } = buildMesiSystem(m, {
    holders,
    treasury: m.getParameter<string>("treasury"),
    initialHolder: m.getParameter<string>("initialHolder"),
    adminDelay: m.getParameter<number>("adminDelay"),
  });
  m.call(
    contracts.StableConverter,
    "scheduleListing",
    [m.getParameter<string>("stablecoin"), m.getParameter<bigint>("stablecoinRate")],
    { id: "StableConverter_scheduleListing" },
  );
  return contracts;
});
