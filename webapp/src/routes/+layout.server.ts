import { serverConfig } from "$lib/server/config";

import type { LayoutServerLoad } from "./$types";

export const load: LayoutServerLoad = ({ locals }) => ({
  config: serverConfig().public,
  session: locals.session,
});
