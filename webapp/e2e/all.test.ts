// Every browser suite, in one process, against one `npm start` and one Chromium (see support/shared.ts).
// A new suite is a file `suites/<name>.e2e.ts`; it is found here by name. `MESI_E2E_SUITES=tips,report` runs only
// those suites (for work on one page); unset, every suite runs.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { after } from "node:test";

import { stopShared } from "./support/shared.ts";

const suitesDir = join(import.meta.dirname, "suites");
const only = process.env.MESI_E2E_SUITES?.split(",")
  .map((name) => name.trim())
  .filter(Boolean);
// Suites that move the local chain's clock forward (evm_increaseTime) run after the others: deadlines that other
// suites take from the wall clock (a permit valid for 30 minutes) would already be past on chain.
const MOVES_CHAIN_CLOCK = new Set(["studio-sessions", "studio-holds"]);
const names = readdirSync(suitesDir)
  .filter((file) => file.endsWith(".e2e.ts"))
  .map((file) => file.slice(0, -".e2e.ts".length))
  .sort((a, b) => Number(MOVES_CHAIN_CLOCK.has(a)) - Number(MOVES_CHAIN_CLOCK.has(b)) || a.localeCompare(b));
const unknown = (only ?? []).filter((name) => !names.includes(name));
if (unknown.length > 0)
  throw new Error(`MESI_E2E_SUITES names unknown suites: ${unknown.join(", ")} (known: ${names.join(", ")})`);

for (const name of names) {
  if (only === undefined || only.includes(name)) await import(join(suitesDir, `${name}.e2e.ts`));
}

after(() => stopShared());
