import { loadKnownPeople } from "$lib/server/messaging/knownPeople";

import type { LayoutServerLoad } from "./$types";

export const load: LayoutServerLoad = async ({ fetch }) => ({ people: await loadKnownPeople(fetch) });
