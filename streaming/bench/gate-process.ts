// The gate alone in its own process for the benchmark: startStreaming against an indexer URL, printing its URLs as
// one JSON line on stdout, until stdin closes.
import pino from "pino";

import { startStreaming } from "../src/index.ts";

const config = JSON.parse(process.argv[2] ?? "{}");
const streaming = await startStreaming({ ...config, logger: pino({ level: "warn" }) });
process.stdout.write(`${JSON.stringify({ url: streaming.url, gateUrl: streaming.gateUrl })}\n`);
process.stdin.resume();
process.stdin.on("end", () => void streaming.stop().then(() => process.exit(0)));
