// The relayer process's memory policy, set before anything else is loaded
// (process.ts imports this module first). Its live data is small — tens of MB of
// code and state — but a burst of webhooks, quotes and credit batches makes
// objects that survive a few young-generation collections and then die; with
// V8's defaults they pile up in the old generation, which grows to several
// times the live size before a full collection runs, and the pages stay
// committed afterwards (365 MB peak RSS under the bench's load for ~60 MB of
// live heap). Two flags bound that: the old generation grows by 10 % (not V8's
// default factor) before the next full collection, and the young generation is
// capped at 8 MB per semi-space. Measured on a quiet machine with
// `npm run bench:relayer` (peak RSS / webhook ack p99): defaults 343 MB / 20 ms;
// --optimize-for-size 244–252 MB / 93–112 ms (misses the ack target);
// --heap-growing-percent=20 288–301 MB / 33–38 ms; these two 272–286 MB /
// 34–45 ms. The isolates started later (the SQLite store's workers) follow the
// same flags.
import { setFlagsFromString } from "node:v8";

setFlagsFromString("--heap-growing-percent=10 --max-semi-space-size=8");
