import { json } from "@sveltejs/kit";

import { reportStore } from "$lib/server/reports";

import { readableReport } from "./access";
import type { RequestHandler } from "./$types";

/** The report with the evidence hash recomputed from what is stored now: `intact` says nothing changed. */
export const GET: RequestHandler = async ({ params, locals }) => {
  const report = await readableReport(params.id, locals.session);
  const recomputed = reportStore().recomputeHash(report);
  return json(
    { report, recomputedHash: recomputed, intact: recomputed === report.evidenceHash },
    { headers: { "cache-control": "no-store" } },
  );
};
