import { error, json } from "@sveltejs/kit";
import { z } from "zod";

import { MAX_MEMO_LENGTH, memosFor, MemoError, saveMemo } from "$lib/server/memos";

import type { RequestHandler } from "./$types";

const Body = z.object({ text: z.string().min(1).max(MAX_MEMO_LENGTH) });

/** Stores a tip's message before the tip is sent; answers its hash (the tip's memoHash). */
export const POST: RequestHandler = async ({ request }) => {
  const body = Body.safeParse(await request.json().catch(() => null));
  if (!body.success) error(400, `a message is 1 to ${MAX_MEMO_LENGTH} characters`);
  try {
    return json({ hash: saveMemo(body.data.text) });
  } catch (cause) {
    if (cause instanceof MemoError) error(400, cause.message);
    throw cause;
  }
};

/** The messages of the given memo hashes (`?hash=0x…&hash=0x…`), those that are known. */
export const GET: RequestHandler = ({ url }) =>
  json(memosFor(url.searchParams.getAll("hash").map((h) => h.toLowerCase())), {
    headers: { "cache-control": "public, max-age=60" },
  });
