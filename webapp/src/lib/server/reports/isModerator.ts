// Moderators are whoever holds MODERATOR_ROLE on AbuseReports or on the one-to-one escrow, read on chain each time
// (a revoked moderator loses access at once).
import { createPublicClient, http, keccak256, stringToBytes, type Address } from "viem";

import { mesiContracts } from "$lib/contracts/mesi";
import { serverConfig } from "$lib/server/config";

const MODERATOR_ROLE = keccak256(stringToBytes("MODERATOR_ROLE"));

export async function isModerator(account: Address): Promise<boolean> {
  const config = serverConfig().public;
  const mesi = mesiContracts(config);
  const client = createPublicClient({ transport: http(config.rpcUrl) });
  const [reports, escrow] = await Promise.all([
    client.readContract({ ...mesi.AbuseReports, functionName: "hasRole", args: [MODERATOR_ROLE, account] }),
    client.readContract({ ...mesi.OneToOneEscrow, functionName: "hasRole", args: [MODERATOR_ROLE, account] }),
  ]);
  return reports || escrow;
}
