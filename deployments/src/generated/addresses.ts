// generated — do not edit
// Written by the deploy step (`npm run deploy:local`, `npm start`; scripts/lib/deployments-module.ts).
// Chain id → contract → address and deployment block.
import type { ChainAddresses } from "../types.ts";

export const addresses: Readonly<Record<string, ChainAddresses>> = /* addresses:begin */ {
  "31337": {
    "MesiToken": {
      "address": "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0",
      "blockNumber": 3
    },
    "TestUSDC": {
      "address": "0xDc64a140Aa3E981100a9becA4E685f962f0cF6C9",
      "blockNumber": 5
    },
    "StableConverter": {
      "address": "0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0Fc9",
      "blockNumber": 4
    },
    "MesiVault": {
      "address": "0xa513E6E4b8f2a923D98304ec87F64353C4D5C853",
      "blockNumber": 8
    },
    "CreatorRegistry": {
      "address": "0x610178dA211FEF7D417bC0e6FeD39F05609AD788",
      "blockNumber": 11
    },
    "KyfRegistry": {
      "address": "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512",
      "blockNumber": 2
    },
    "AbuseReports": {
      "address": "0x5FbDB2315678afecb367f032d93F642f64180aa3",
      "blockNumber": 1
    },
    "MesiTickets": {
      "address": "0x0DCd1Bf9A1b36cE34237eEaFef220932846BCD82",
      "blockNumber": 14
    },
    "OneToOneEscrow": {
      "address": "0x0B306BF915C4d645ff596e518fAf3F9669b97016",
      "blockNumber": 16
    }
  }
} /* addresses:end */;
