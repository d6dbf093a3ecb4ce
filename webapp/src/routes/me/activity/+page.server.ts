import { serverConfig } from "$lib/server/config";

import type { PageServerLoad } from "./$types";

export const load: PageServerLoad = () => ({ staleAfterBlocks: serverConfig().staleAfterBlocks });
