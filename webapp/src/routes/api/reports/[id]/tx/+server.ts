import { error, json } from "@sveltejs/kit";
import { isHex } from "viem";

import { reportStore } from "$lib/server/reports";

import type { RequestHandler } from "./$types";

/** The reporter records the transaction that put the evidence hash on chain. */
export const POST: RequestHandler = async ({ params, locals, request }) => {
  if (locals.session === null) error(401, "sign in with your wallet first");
  const report = reportStore().get(params.id);
  if (report === null || report.reporter !== locals.session.address.toLowerCase()) error(404, "no such report");
  const body = (await request.json().catch(() => null)) as { txHash?: unknown } | null;
  const txHash = body?.txHash;
  if (typeof txHash !== "string" || !isHex(txHash) || txHash.length !== 66)
    error(400, "txHash must be a transaction hash");
  reportStore().setTransaction(report.id, txHash);
  return json({ ok: true });
};
