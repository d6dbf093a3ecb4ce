// The relayer as an operating-system process: configuration from
// MESI_RELAYER_CONFIG (a JSON file path or inline JSON) or MESI_RELAYER_*
// variables, one "relayer listening" line on stdout for supervisors, and a
// clean stop on SIGINT/SIGTERM. main.ts runs it as it is; only the crash
// tests' entry passes a crash hook.
// First: the process's memory policy, before the rest of the relayer is loaded.
import "./memoryPolicy.ts";

import { readFileSync } from "node:fs";

import { configFromEnv, parseConfig, type RelayerConfig } from "./config.ts";
import type { CrashHook } from "./crashPoints.ts";
import { startRelayer, type Relayer } from "./relayer.ts";

function loadConfig(): RelayerConfig {
  const source = process.env.MESI_RELAYER_CONFIG;
  if (source === undefined || source === "") return configFromEnv(process.env);
  const text = source.trimStart().startsWith("{") ? source : readFileSync(source, "utf8");
  return parseConfig(JSON.parse(text));
}

export async function runRelayerProcess(options: { crashPoint?: CrashHook } = {}): Promise<Relayer> {
  const relayer = await startRelayer(loadConfig(), options);
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
  return relayer;
}
