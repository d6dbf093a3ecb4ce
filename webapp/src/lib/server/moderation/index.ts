// The webapp server's one moderation note store (under MESI_WEBAPP_DATA_DIR).
import { serverConfig } from "$lib/server/config";

import { NoteStore } from "./noteStore";

let store: NoteStore | undefined;

export function noteStore(): NoteStore {
  store ??= new NoteStore({ dataDir: serverConfig().dataDir });
  return store;
}

export { NoteRefusedError, NoteStore, type NoteSubject, type StoredNote } from "./noteStore";
