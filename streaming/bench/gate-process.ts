// The gate alone in its own process for the benchmark: startStreaming against an indexer URL, printing its URLs as
// one JSON line on stdout, until stdin closes. With BENCH_PROFILE set, the process runs under V8's sampling
// profiler and, as it stops, prints its heaviest functions by self time to stderr and writes the .cpuprofile there.
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";

import pino from "pino";

import { startStreaming } from "../src/index.ts";

const config = JSON.parse(process.argv[2] ?? "{}");
const profilePath = process.env.BENCH_PROFILE;
const session = profilePath === undefined ? undefined : new Session();
const streaming = await startStreaming({ ...config, logger: pino({ level: "warn" }) });
if (session !== undefined) {
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 100 });
  await session.post("Profiler.start");
}
process.stdout.write(`${JSON.stringify({ url: streaming.url, gateUrl: streaming.gateUrl })}\n`);
process.stdin.resume();
process.stdin.on("end", async () => {
  if (session !== undefined) {
    const { profile } = await session.post("Profiler.stop");
    writeFileSync(profilePath!, JSON.stringify(profile));
    const byId = new Map(profile.nodes.map((node) => [node.id, node]));
    const self = new Map<string, number>();
    for (const id of profile.samples ?? []) {
      const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
      const key = `${functionName || "(anonymous)"} ${url.split("/").slice(-3).join("/")}:${lineNumber + 1}`;
      self.set(key, (self.get(key) ?? 0) + 1);
    }
    const total = profile.samples?.length ?? 1;
    for (const [key, count] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 30))
      process.stderr.write(`# ${((100 * count) / total).toFixed(1).padStart(5)} %  ${key}\n`);
  }
  await streaming.stop();
  process.exit(0);
});
