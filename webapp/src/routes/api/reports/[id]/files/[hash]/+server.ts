import { error } from "@sveltejs/kit";
import { isHex } from "viem";

import { reportStore } from "$lib/server/reports";

import { readableReport } from "../../access";
import type { RequestHandler } from "./$types";

/** A report's screenshot, for its reporter and moderators only; refused if the bytes no longer match their hash. */
export const GET: RequestHandler = async ({ params, locals }) => {
  const report = await readableReport(params.id, locals.session);
  if (!isHex(params.hash)) error(400, "not a file hash");
  const file = reportStore().file(report, params.hash);
  if (file === null) error(404, "no such file, or it changed since it was filed");
  return new Response(new Blob([new Uint8Array(file.bytes)]), {
    headers: { "content-type": file.type, "cache-control": "private, no-store", "x-content-type-options": "nosniff" },
  });
};
