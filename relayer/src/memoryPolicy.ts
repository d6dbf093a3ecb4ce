// The relayer process's memory policy, set before anything else is loaded
// (process.ts imports this module first). Its live data is small — tens of MB of
// code and state — but a burst of webhooks, quotes and credit batches makes
// objects that survive a few young-generation collections and then die; with
// V8's defaults they pile up in the old generation, which grows to several
// times the live size before a full collection runs, and the pages stay
// committed afterwards (365 MB peak RSS under the bench's load for ~60 MB of
// live heap). Favouring size makes V8 keep the young generation small and
// collect the old one before it has grown far beyond what is live; the
// isolates started later (the SQLite store's workers) follow the same flags.
import { setFlagsFromString } from "node:v8";

setFlagsFromString("--optimize-for-size");
