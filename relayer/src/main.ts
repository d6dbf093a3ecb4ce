// The relayer process: configuration from MESI_RELAYER_CONFIG (a JSON file
// path or inline JSON) or MESI_RELAYER_* variables; stops cleanly on SIGINT/SIGTERM.
import { readFileSync } from "node:fs";

import type { CrashPoint } from "./chain/txEngine.ts";
import { configFromEnv, parseConfig, type RelayerConfig } from "./config.ts";
import { startRelayer } from "./relayer.ts";

function loadConfig(): RelayerConfig {
  const source = process.env.MESI_RELAYER_CONFIG;
  if (source === undefined || source === "") return configFromEnv(process.env);
  const text = source.trimStart().startsWith("{") ? source : readFileSync(source, "utf8");
  return parseConfig(JSON.parse(text));
}

// Crash tests only: MESI_RELAYER_CRASH_POINTS="engine:after-broadcast@0.1,webhook:after-commit@0.01"
// makes the process kill itself (SIGKILL) at those points with those probabilities.
function crashPointsFromEnv(): ((point: CrashPoint) => void) | undefined {
  const entries = (process.env.MESI_RELAYER_CRASH_POINTS ?? "").split(",").filter((entry) => entry !== "");
  if (entries.length === 0) return undefined;
  const points = new Map(entries.map((entry) => [entry.split("@")[0]!, Number(entry.split("@")[1] ?? "0.01")]));
  return (point) => {
    if (Math.random() < (points.get(point) ?? 0)) {
      process.stdout.write(`${JSON.stringify({ msg: "crash point", point })}\n`);
      process.kill(process.pid, "SIGKILL");
    }
  };
}

const crashPoint = crashPointsFromEnv();
const relayer = await startRelayer(loadConfig(), crashPoint === undefined ? {} : { crashPoint });
// One line a supervisor (npm start, tests) can read.
process.stdout.write(`${JSON.stringify({ msg: "relayer listening", url: relayer.url, pid: process.pid })}\n`);

let signals = 0;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    signals += 1;
    if (signals > 1) process.exit(1);
    void relayer.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
