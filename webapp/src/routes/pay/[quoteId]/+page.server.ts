import { error } from "@sveltejs/kit";

import { serverConfig } from "$lib/server/config";

import type { PageServerLoad } from "./$types";

/** The local stand-in for Stripe Checkout: only where the dev payment simulator is configured. */
export const load: PageServerLoad = ({ params, url }) => {
  if (!serverConfig().public.devPayments) error(404, "Page not found");
  const back = url.searchParams.get("return") ?? "/";
  return { quoteId: params.quoteId, back: back.startsWith("/") && !back.startsWith("//") ? back : "/" };
};
