// What the studio needs to know about a wallet before it shows anything: whether it is a registered creator (read
// from the chain, which the index may trail) and its current profile document (URI from the index).
import { error, json } from "@sveltejs/kit";
import { createPublicClient, getAddress, http, isAddress, type PublicClient } from "viem";

import { mesiContracts } from "$lib/contracts/mesi";
import { serverConfig } from "$lib/server/config";
import { loadCreatorPage } from "$lib/server/indexer";

import type { RequestHandler } from "./$types";

let client: PublicClient | undefined;

export const GET: RequestHandler = async ({ params, fetch }) => {
  if (!isAddress(params.address, { strict: false })) error(400, "That is not a wallet address.");
  const address = getAddress(params.address);
  const config = serverConfig().public;
  client ??= createPublicClient({ transport: http(config.rpcUrl, { timeout: 3_000, retryCount: 0 }) });
  const registry = mesiContracts(config).CreatorRegistry;
  const [registered, page] = await Promise.all([
    client.readContract({ ...registry, functionName: "isRegistered", args: [address] }),
    loadCreatorPage(address.toLowerCase(), fetch),
  ]);
  if (page === "unavailable") error(503, "We can't reach Mesi's index right now. Please try again in a moment.");
  const gatewayPrefix = `${config.ipfsGateway}/ipfs/`;
  const picture = page?.profile.picture ?? null;
  return json(
    {
      address,
      registered,
      profileURI: page?.creator.profileURI ?? null,
      profile: page?.profile ?? null,
      /** The picture as stored in the document (`ipfs://…`), for the edit form. */
      pictureUri: picture?.startsWith(gatewayPrefix) ? `ipfs://${picture.slice(gatewayPrefix.length)}` : null,
      followerCount: page?.creator.followerCount ?? 0,
    },
    { headers: { "cache-control": "no-store" } },
  );
};
