// A ≤ 60 s access key for one stream, for the signed-in wallet only (the gate and the local media server verify
// it): the studio asks for its own stream's key to get the ingest details, anyone signed in for their own.
import { error, json } from "@sveltejs/kit";
import { mintAccessKey } from "@mesi/streaming/access-key";
import { z } from "zod";

import { serverConfig } from "$lib/server/config";

import type { RequestHandler } from "./$types";

const Body = z.object({ streamId: z.string().regex(/^[1-9]\d{0,76}$/, "streamId must be a positive integer") });

export const POST: RequestHandler = async ({ request, locals }) => {
  if (locals.session === null) error(401, "sign in with your wallet first");
  const body = Body.safeParse(await request.json().catch(() => null));
  if (!body.success) error(400, body.error.issues[0]?.message ?? "streamId is required");
  const accessKey = mintAccessKey({
    address: locals.session.address,
    streamId: BigInt(body.data.streamId),
    secret: serverConfig().sessionSecret,
  });
  return json({ accessKey }, { headers: { "cache-control": "no-store" } });
};
