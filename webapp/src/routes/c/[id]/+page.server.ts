import { error } from "@sveltejs/kit";

import { mesiContracts } from "$lib/contracts/mesi";
import { serverConfig } from "$lib/server/config";
import { loadCreatorPage, resolveCreatorId } from "$lib/server/indexer";

import type { PageServerLoad } from "./$types";

export const load: PageServerLoad = async ({ params, fetch, setHeaders }) => {
  const id = await resolveCreatorId(params.id, fetch);
  if (id === null) error(404, "We couldn't find this creator.");
  const page = await loadCreatorPage(id, fetch);
  if (page === "unavailable") error(503, "We can't reach Mesi's index right now. Please try again in a moment.");
  if (page === null) error(404, "We couldn't find this creator.");
  const mesi = mesiContracts(serverConfig().public);
  setHeaders({ "cache-control": "private, max-age=0" });
  return {
    ...page,
    slug: page.profile.handle ?? page.creator.id,
    token: mesi.MesiToken.address,
    vault: mesi.MesiVault.address,
    now: Math.floor(Date.now() / 1000),
  };
};
