import { error } from "@sveltejs/kit";

import { serverConfig } from "$lib/server/config";

import type { PageServerLoad } from "./$types";

/** Card checkout for a relayer quote: Stripe's Payment Element, or the local test-card simulator (`npm start`). */
export const load: PageServerLoad = ({ params, url }) => {
  if (serverConfig().public.cardCheckout.kind === "none") error(404, "Page not found");
  const back = url.searchParams.get("return") ?? "/";
  return { quoteId: params.quoteId, back: back.startsWith("/") && !back.startsWith("//") ? back : "/" };
};
