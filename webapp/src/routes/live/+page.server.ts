import { loadLiveNow } from "$lib/streaming/liveNow.server";

import type { PageServerLoad } from "./$types";

export const load: PageServerLoad = async ({ locals, fetch, setHeaders }) => {
  setHeaders({ "cache-control": "private, max-age=0" });
  return { ...(await loadLiveNow(locals.session, fetch)), now: Date.now() };
};
