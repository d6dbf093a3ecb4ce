// generated — do not edit
// Written by the deploy step (`npm run deploy:local`, `npm start`; scripts/lib/deployments-module.ts).
// Chain id → contract → address and deployment block.
import type { ChainAddresses } from "../types.ts";

export const addresses: Readonly<Record<string, ChainAddresses>> = /* addresses:begin */ {} /* addresses:end */;
