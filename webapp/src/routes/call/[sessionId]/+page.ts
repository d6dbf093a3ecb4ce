import { error } from "@sveltejs/kit";

import type { PageLoad } from "./$types";

export const load: PageLoad = ({ params }) => {
  if (!/^\d{1,78}$/.test(params.sessionId)) error(404, "no such call");
  return { sessionId: params.sessionId };
};
