import { json } from "@sveltejs/kit";

import { loadKnownPeople } from "$lib/server/messaging/knownPeople";

import type { RequestHandler } from "./$types";

/** Creators' names and pictures by address, for the call host's ring outside the messenger pages. */
export const GET: RequestHandler = async ({ fetch }) =>
  json(await loadKnownPeople(fetch), { headers: { "cache-control": "public, max-age=30" } });
