import { json } from "@sveltejs/kit";

import { issueNonce } from "$lib/server/session";

import type { RequestHandler } from "./$types";

export const GET: RequestHandler = ({ cookies, url }) =>
  json({ nonce: issueNonce(cookies, url) }, { headers: { "cache-control": "no-store" } });
