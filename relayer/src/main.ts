// The relayer process: configuration from MESI_RELAYER_CONFIG (a JSON file
// path or inline JSON) or MESI_RELAYER_* variables; stops cleanly on SIGINT/SIGTERM.
import { readFileSync } from "node:fs";

import { configFromEnv, parseConfig, type RelayerConfig } from "./config.ts";
import { startRelayer } from "./relayer.ts";

function loadConfig(): RelayerConfig {
  const source = process.env.MESI_RELAYER_CONFIG;
  if (source === undefined || source === "") return configFromEnv(process.env);
  const text = source.trimStart().startsWith("{") ? source : readFileSync(source, "utf8");
  return parseConfig(JSON.parse(text));
}

const relayer = await startRelayer(loadConfig());
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
