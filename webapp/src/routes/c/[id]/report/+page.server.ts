import { error } from "@sveltejs/kit";
import { isHex } from "viem";

import { graphRequest } from "$lib/graph/client";
import { conversationRef } from "$lib/reports/conversationRef";
import { SessionByIdQuery } from "$lib/graph/queries";
import { serverConfig } from "$lib/server/config";
import { loadCreatorPage, resolveCreatorId } from "$lib/server/indexer";

import type { PageServerLoad } from "./$types";

/** The report form for a session (`?session=<id>`) or a payment (`?payment=<tx hash>`) with this creator. */
export const load: PageServerLoad = async ({ params, url, fetch, setHeaders }) => {
  const id = await resolveCreatorId(params.id, fetch);
  if (id === null) error(404, "We couldn't find this creator.");
  const page = await loadCreatorPage(id, fetch);
  if (page === "unavailable") error(503, "We can't reach Mesi's index right now. Please try again in a moment.");
  if (page === null) error(404, "We couldn't find this creator.");
  const sessionParam = url.searchParams.get("session");
  const paymentParam = url.searchParams.get("payment");
  const conversationParam = url.searchParams.get("conversation");
  let target:
    | { kind: "session"; ref: string }
    | { kind: "payment"; ref: `0x${string}` }
    | { kind: "conversation"; ref: `0x${string}` };
  if (sessionParam !== null && /^\d{1,78}$/.test(sessionParam)) target = { kind: "session", ref: sessionParam };
  else if (paymentParam !== null && isHex(paymentParam) && paymentParam.length === 66) {
    target = { kind: "payment", ref: paymentParam };
  } else if (conversationParam !== null && /^[\w-]{1,200}$/.test(conversationParam)) {
    target = { kind: "conversation", ref: conversationRef(conversationParam) };
  } else error(400, "Open the report form from a call, a payment or a chat.");
  const session =
    target.kind === "session"
      ? await graphRequest(serverConfig().public.indexerUrl, SessionByIdQuery, { sessionId: target.ref }, { fetch })
          .then((d) => d.oneToOneSessions[0] ?? null)
          .catch(() => null)
      : null;
  setHeaders({ "cache-control": "private, max-age=0" });
  return {
    creatorId: page.creator.id,
    name: page.profile.name,
    slug: page.profile.handle ?? page.creator.id,
    target,
    conversationId: target.kind === "conversation" ? conversationParam : null,
    sessionRow: session,
    now: Math.floor(Date.now() / 1000),
  };
};
