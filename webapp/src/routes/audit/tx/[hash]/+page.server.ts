import { error } from "@sveltejs/kit";
import { isHash } from "viem";

import { m } from "$lib/i18n";
import { readTransaction } from "$lib/server/audit/readTransaction";

import type { PageServerLoad } from "./$types";

export const load: PageServerLoad = async ({ params }) => {
  if (!isHash(params.hash)) error(400, m.audit.tx.notFound);
  const tx = await readTransaction(params.hash);
  if (tx === null) error(404, m.audit.tx.notFound);
  return { tx };
};
