import { error, json } from "@sveltejs/kit";
import { z } from "zod";

import { mintServiceToken, SERVICE_AUDIENCES } from "$lib/server/session";

import type { RequestHandler } from "./$types";

const Body = z.object({ audience: z.enum(SERVICE_AUDIENCES) });

/** A ≤ 60 s token for the stream gate or the message hub, for the signed-in wallet only. */
export const POST: RequestHandler = async ({ request, locals }) => {
  if (locals.session === null) error(401, "sign in with your wallet first");
  const body = Body.safeParse(await request.json().catch(() => null));
  if (!body.success) error(400, `audience must be one of ${SERVICE_AUDIENCES.join(", ")}`);
  return json(
    { token: mintServiceToken(locals.session, body.data.audience) },
    { headers: { "cache-control": "no-store" } },
  );
};
