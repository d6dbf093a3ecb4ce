// OPERATOR COMMAND — queues card credits that failed for good again, after the
// cause was fixed (float topped up, creator unblocked, node repaired). Each
// requeued row is logged (pino, JSON lines on stdout) with the operator's name.
// Idempotent: a second run finds nothing to do.
//
//   npm run requeue -w @mesi/relayer -- --store <sqlite file | postgres://…> (--all-failed | --ref 0x… …)
//     [--operator <name>] [--dry-run]
import { userInfo } from "node:os";
import { parseArgs } from "node:util";

import { createLogger } from "../logger.ts";
import { requeueFailed } from "../outbox/requeueFailed.ts";
import { openPostgresStore } from "../store/postgres.ts";
import { openSqliteStore } from "../store/sqlite.ts";

const usage =
  "usage: requeue --store <sqlite file | postgres://…> (--all-failed | --ref <paymentRef> …) [--operator <name>] [--dry-run]";

const { values } = parseArgs({
  options: {
    store: { type: "string" },
    ref: { type: "string", multiple: true },
    "all-failed": { type: "boolean", default: false },
    operator: { type: "string" },
    "dry-run": { type: "boolean", default: false },
  },
});

if (values.store === undefined || (values.ref === undefined) === !values["all-failed"]) {
  console.error(usage);
  process.exit(2);
}
for (const ref of values.ref ?? []) {
  if (!/^0x[0-9a-fA-F]{64}$/.test(ref)) {
    console.error(`--ref ${ref}: a payment reference is 32 bytes of hex (0x…)`);
    process.exit(2);
  }
}

const logger = createLogger({ level: "info", name: "relayer-requeue" });
const store = values.store.startsWith("postgres")
  ? await openPostgresStore(values.store, 2)
  : // A running relayer commits often on the same file: the operator's command waits longer for its turn.
    await openSqliteStore(values.store, { busyTimeoutMs: 60_000 });
try {
  const result = await requeueFailed(store, logger, {
    ...(values.ref === undefined ? {} : { paymentRefs: values.ref }),
    operator: values.operator ?? userInfo().username,
    now: Date.now(),
    dryRun: values["dry-run"],
  });
  logger.info(
    { requeued: result.requeued.length, skipped: result.skipped.length, dryRun: values["dry-run"] },
    `${result.requeued.length} row(s) ${values["dry-run"] ? "would be requeued" : "requeued"}`,
  );
} finally {
  await store.close();
}
logger.flush();
