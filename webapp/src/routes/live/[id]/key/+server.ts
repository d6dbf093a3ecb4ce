import { error, json } from "@sveltejs/kit";
import { mintAccessKey, MAX_ACCESS_KEY_TTL } from "@mesi/streaming/access-key";

import { serverConfig } from "$lib/server/config";

import type { RequestHandler } from "./$types";

/**
 * The signed-in viewer's access key for one stream: at most 60 s, bound to the SIWE session's wallet (never to
 * anything in the request), sent to the player as `Livepeer-Access-Key` and to the gate's event stream. The page
 * asks again before it expires.
 */
export const POST: RequestHandler = ({ params, locals }) => {
  if (locals.session === null) error(401, "Sign in with your wallet first.");
  if (!/^[1-9]\d{0,76}$/.test(params.id)) error(400, "The stream id must be a positive whole number.");
  const accessKey = mintAccessKey({
    address: locals.session.address,
    streamId: BigInt(params.id),
    secret: serverConfig().sessionSecret,
  });
  return json({ accessKey, expiresIn: MAX_ACCESS_KEY_TTL }, { headers: { "cache-control": "no-store" } });
};
