import { loadCreators } from "$lib/server/indexer";

import type { PageServerLoad } from "./$types";

export const load: PageServerLoad = async ({ url, fetch }) => {
  const query = (url.searchParams.get("q") ?? "").slice(0, 60);
  const { creators, status } = await loadCreators(query, fetch);
  return { query, creators, status };
};
