// Profiles for accounts that are not registered creators: fans tip each other too. Such an account has a page
// when others can pay it: it has been paid before (the index knows it), or its vault account is open.
import { createPublicClient, http, type Address, type PublicClient } from "viem";

import { openAccountFunction } from "$lib/account/actions";
import { mesiContracts } from "$lib/contracts/mesi";
import type { CreatorDetail, Hex } from "$lib/graph/types";

import { serverConfig } from "./config";

let client: PublicClient | undefined;

/**
 * Whether `address` can be paid through the vault: its account is open, or the deployed vault predates
 * self-service accounts (then any address can be paid). False when the chain can't be reached.
 */
export async function canBePaid(address: Address): Promise<boolean> {
  const config = serverConfig().public;
  const mesi = mesiContracts(config);
  if (openAccountFunction(mesi) === undefined) return true;
  client ??= createPublicClient({ transport: http(config.rpcUrl, { timeout: 1_500, retryCount: 0 }) });
  return client.readContract({ ...mesi.MesiVault, functionName: "isLedgerOpen", args: [address] }).catch(() => false);
}

/** The profile data of an account the index knows nothing about yet: no tiers, streams or one-to-one. */
export function emptyAccount(id: Hex): CreatorDetail {
  return {
    id,
    registered: false,
    profileURI: null,
    registeredAt: null,
    tipCount: "0",
    tipVolume: "0",
    followerCount: 0,
    oneToOneEnabled: false,
    oneToOneMinAmount: "0",
    oneToOneMinMinutes: 0,
    oneToOneMaxMinutes: 0,
    tiers: [],
    streams: [],
    activeSessions: [],
  };
}
