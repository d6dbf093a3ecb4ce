// A ≤ 60 s key to one one-to-one call's signaling, for the signed-in wallet only; the gate then admits only the
// session's fan and creator.
import { error, json } from "@sveltejs/kit";
import { mintCallKey } from "@mesi/streaming/call-key";

import { serverConfig } from "$lib/server/config";

import type { RequestHandler } from "./$types";

export const POST: RequestHandler = async ({ params, locals }) => {
  if (locals.session === null) error(401, "sign in with your wallet first");
  if (!/^\d{1,78}$/.test(params.sessionId)) error(400, "the session id must be a decimal integer");
  const key = mintCallKey({
    address: locals.session.address,
    sessionId: BigInt(params.sessionId),
    secret: serverConfig().sessionSecret,
  });
  return json({ key }, { headers: { "cache-control": "no-store" } });
};
