import { error } from "@sveltejs/kit";

import { mesiContracts } from "$lib/contracts/mesi";
import { graphRequest, IndexerError } from "$lib/graph/client";
import { loadProfile, loadStreamTitle } from "$lib/profiles/loadProfile";
import { serverConfig } from "$lib/server/config";
import { WatchStreamQuery } from "$lib/streaming/queries";

import type { PageServerLoad } from "./$types";

export const load: PageServerLoad = async ({ params, fetch, setHeaders }) => {
  if (!/^[1-9]\d{0,76}$/.test(params.id)) error(404, "We couldn't find this stream.");
  const config = serverConfig().public;
  const vault = mesiContracts(config).MesiVault.address.toLowerCase();
  let data;
  try {
    data = await graphRequest(config.indexerUrl, WatchStreamQuery, { id: params.id, vault }, { fetch });
  } catch (e) {
    if (e instanceof IndexerError) error(503, "We can't reach Mesi's index right now. Please try again in a moment.");
    throw e;
  }
  const stream = data.stream;
  if (stream === null) error(404, "We couldn't find this stream.");
  const [profile, title] = await Promise.all([
    loadProfile(stream.creator.id, stream.creator.profileURI, config.ipfsGateway, fetch),
    loadStreamTitle(stream.metadataURI, config.ipfsGateway, fetch),
  ]);
  setHeaders({ "cache-control": "private, max-age=0" });
  return {
    stream,
    profile,
    title: title ?? `${profile.name}'s stream`,
    feeBps: data.vault?.feeBps ?? "0",
    openedAt: Math.floor(Date.now() / 1000),
  };
};
