// TEST ONLY — the relayer process with a crash point armed: the real start
// (src/process.ts) plus a hook that SIGKILLs the process on the Nth time it
// passes the point named in MESI_TEST_CRASH (JSON: {"point", "hit", "minRows"?,
// "marker"?}). Before dying it appends one JSON line to the marker file (the
// proof, for the test, that the point fired) and prints it. Production starts
// src/main.ts, which installs no hook.
import { appendFileSync, writeSync } from "node:fs";

import { z } from "zod";

import { CRASH_POINTS, type CrashHook } from "../../src/crashPoints.ts";
import { runRelayerProcess } from "../../src/process.ts";

const crashSpecSchema = z.object({
  point: z.enum(CRASH_POINTS),
  /** Kill on this hit of the point (1 = the first). */
  hit: z.number().int().positive(),
  /** Count only hits with at least this many outbox rows (2: "inside a batch"). */
  minRows: z.number().int().positive().optional(),
  /** File that receives one JSON line when the point fires. */
  marker: z.string().optional(),
});
type CrashSpec = z.infer<typeof crashSpecSchema>;

function crashHook(spec: CrashSpec): CrashHook {
  let hits = 0;
  return (point, detail) => {
    if (point !== spec.point) return;
    if (spec.minRows !== undefined && (detail?.rows ?? 0) < spec.minRows) return;
    hits += 1;
    if (hits < spec.hit) return;
    const line = `${JSON.stringify({ msg: "crash point", point, hit: hits, rows: detail?.rows ?? null, pid: process.pid })}\n`;
    if (spec.marker !== undefined) appendFileSync(spec.marker, line);
    writeSync(1, line);
    process.kill(process.pid, "SIGKILL");
  };
}

const raw = process.env.MESI_TEST_CRASH;
if (raw === undefined) throw new Error(`MESI_TEST_CRASH is not set: this entry exists only to crash on purpose`);
await runRelayerProcess({ crashPoint: crashHook(crashSpecSchema.parse(JSON.parse(raw))) });
