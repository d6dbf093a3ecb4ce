// A report is readable by its reporter and by moderators (MODERATOR_ROLE on chain), through their SIWE session.
import { error } from "@sveltejs/kit";

import { isModerator, reportStore, type StoredReport } from "$lib/server/reports";

export async function readableReport(id: string, session: App.Locals["session"]): Promise<StoredReport> {
  if (session === null) error(401, "sign in with your wallet first");
  const report = reportStore().get(id);
  if (report === null) error(404, "no such report");
  if (report.reporter !== session.address.toLowerCase() && !(await isModerator(session.address))) {
    error(403, "only the reporter and moderators can read this report");
  }
  return report;
}
