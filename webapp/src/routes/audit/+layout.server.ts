import { auditApiBase } from "$lib/audit";
import { loadCreators } from "$lib/server/indexer";

import type { LayoutServerLoad } from "./$types";

/** The creators' names (so rows read "Alice", not an address) and where the auditor API is. */
export const load: LayoutServerLoad = async ({ fetch, parent }) => {
  const { config } = await parent();
  const { creators } = await loadCreators("", fetch);
  return {
    auditApi: auditApiBase(config.indexerUrl),
    creators: creators.map((c) => ({ id: c.id.toLowerCase(), name: c.profile.name })),
  };
};
