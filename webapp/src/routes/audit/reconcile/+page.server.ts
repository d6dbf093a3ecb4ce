import type { ReconcileReport } from "$lib/audit/reconciliation";

import type { PageServerLoad } from "./$types";

/** The auditor API's reconciliation of the relayer's card payments against the chain, made at request time. */
export const load: PageServerLoad = async ({ fetch, parent, depends }) => {
  depends("audit:reconcile");
  const { auditApi } = await parent();
  try {
    const response = await fetch(`${auditApi}/reconcile`, { headers: { accept: "application/json" } });
    const body = (await response.json()) as ReconcileReport | { error: string };
    if (!response.ok || "error" in body) {
      return { report: null, failure: "error" in body ? body.error : `HTTP ${response.status}` };
    }
    return { report: body, failure: null };
  } catch (error) {
    return { report: null, failure: (error as Error).message };
  }
};
