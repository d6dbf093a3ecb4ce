// The webapp server's one report store (under MESI_WEBAPP_DATA_DIR) and the moderator check.
import { serverConfig } from "$lib/server/config";

import { ReportStore } from "./reportStore";

let store: ReportStore | undefined;

export function reportStore(): ReportStore {
  store ??= new ReportStore({ dataDir: serverConfig().dataDir });
  return store;
}

export { ReportFileError, ReportStore, type ReportTarget, type StoredReport } from "./reportStore";
export { isModerator } from "./isModerator";
export { sessionBelongsTo } from "./sessionBelongsTo";
