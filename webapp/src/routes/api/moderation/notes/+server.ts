// A moderator keeps the note of a decision before sending it: the server stores the text and answers with the hash
// the decision carries on chain. Moderators only (MODERATOR_ROLE read on chain), through their SIWE session.
import { error, json } from "@sveltejs/kit";
import { z } from "zod";

import { NoteRefusedError, noteStore } from "$lib/server/moderation";
import { isModerator } from "$lib/server/reports";

import type { RequestHandler } from "./$types";

const Body = z.object({
  kind: z.enum(["session", "report"]),
  ref: z.string().regex(/^\d{1,78}$/),
  text: z.string(),
});

export const POST: RequestHandler = async ({ request, locals }) => {
  if (locals.session === null) error(401, "sign in with your wallet first");
  if (!(await isModerator(locals.session.address))) {
    error(403, "only Mesi's moderators can record a decision; nothing was stored");
  }
  const body = Body.safeParse(await request.json().catch(() => null));
  if (!body.success) error(400, "expected { kind: session | report, ref: a decimal id, text }");
  try {
    const note = noteStore().save({
      moderator: locals.session.address,
      subject: { kind: body.data.kind, ref: body.data.ref },
      text: body.data.text,
    });
    return json({ noteHash: note.noteHash }, { status: 201 });
  } catch (cause) {
    if (cause instanceof NoteRefusedError) error(400, cause.message);
    throw cause;
  }
};
