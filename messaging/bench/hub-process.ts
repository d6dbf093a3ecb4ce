// Runs one message hub in its own process for the benchmark (so its RSS is its own); prints its URL as JSON.
// Usage: node --import tsx bench/hub-process.ts <dataDir> <secret>
import { pino } from "pino";

import { startMessageHub } from "../src/hub/startMessageHub.ts";

const [dataDir, secret] = process.argv.slice(2) as [string, string];
const hub = await startMessageHub({ dataDir, secret, logger: pino({ level: "warn" }) });
process.stdout.write(`${JSON.stringify({ url: hub.url, pid: process.pid })}\n`);
process.on("SIGTERM", () => void hub.stop().then(() => process.exit(0)));
