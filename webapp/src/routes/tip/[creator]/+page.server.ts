import { error } from "@sveltejs/kit";
import type { Address } from "viem";

import { MESI_DECIMALS, parseAmount } from "$lib/amounts";
import { loadCreatorPage, resolveCreatorId } from "$lib/server/indexer";
import { serverConfig } from "$lib/server/config";
import { tipLinkRef } from "$lib/tips/tipData";

import type { PageServerLoad } from "./$types";

export const load: PageServerLoad = async ({ params, url, fetch }) => {
  const id = await resolveCreatorId(params.creator, fetch);
  if (id === null) error(404, "We couldn't find this creator.");
  const page = await loadCreatorPage(id, fetch);
  if (page === "unavailable") error(503, "We can't reach Mesi's index right now. Please try again in a moment.");
  if (page === null) error(404, "We couldn't find this creator.");
  const amountText = (url.searchParams.get("amount") ?? "").slice(0, 40);
  const parsed = amountText === "" ? null : parseAmount(amountText, MESI_DECIMALS);
  return {
    creator: page.creator.id,
    profile: page.profile,
    feeBps: page.feeBps,
    amount: parsed?.ok ? amountText : "",
    linkAmount: parsed?.ok ? parsed.value.toString() : null,
    // The link's id, computed here so the page needs no hashing code on first load.
    channelRef: tipLinkRef(page.creator.id as Address, parsed?.ok ? parsed.value : undefined),
    memo: (url.searchParams.get("memo") ?? "").slice(0, 140),
    pageUrl: `${serverConfig().public.origin || url.origin}${url.pathname}${url.search}`,
  };
};
