import { json } from "@sveltejs/kit";

import { endSession } from "$lib/server/session";

import type { RequestHandler } from "./$types";

export const POST: RequestHandler = ({ cookies }) => {
  endSession(cookies);
  return json({ ok: true });
};
