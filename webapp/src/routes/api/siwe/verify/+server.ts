import { error, json } from "@sveltejs/kit";
import { z } from "zod";

import { completeSignIn, SignInError } from "$lib/server/session";

import type { RequestHandler } from "./$types";

const Body = z.object({
  message: z.string().min(1).max(4_000),
  signature: z.string().regex(/^0x[0-9a-fA-F]+$/),
});

export const POST: RequestHandler = async ({ request, cookies, url }) => {
  const body = Body.safeParse(await request.json().catch(() => null));
  if (!body.success) error(400, "expected { message, signature }");
  try {
    const session = await completeSignIn(cookies, url, body.data.message, body.data.signature as `0x${string}`);
    return json({ address: session.address, expiresAt: session.expiresAt });
  } catch (cause) {
    if (cause instanceof SignInError) error(401, cause.message);
    throw cause;
  }
};
