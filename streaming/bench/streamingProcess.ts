// The parent side of gate-process.ts: startStreaming (gate + local media server) in a process of its own against a
// test platform's indexer, so a benchmark measures it apart from the load it makes.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";

import { SECRET, type Platform } from "../test/helpers/platform.ts";

export interface StreamingProcess {
  readonly url: string;
  readonly gateUrl: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/** Starts it with the platform's indexer and deployment, plus `extra` startStreaming options. */
export async function startStreamingProcess(
  platform: Platform,
  extra: Record<string, unknown> = {},
): Promise<StreamingProcess> {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      new URL("./gate-process.ts", import.meta.url).pathname,
      JSON.stringify({
        indexerUrl: platform.indexer.url,
        deployment: {
          chainId: platform.deployment.chainId,
          contracts: { CreatorRegistry: { address: platform.deployment.contracts.CreatorRegistry.address } },
        },
        secret: SECRET,
        ...extra,
      }),
    ],
    { stdio: ["pipe", "pipe", "inherit"] },
  );
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once("line", resolve);
    child.once("exit", (code) => reject(new Error(`streaming process exited ${code}`)));
  });
  const { url, gateUrl } = JSON.parse(line) as { url: string; gateUrl: string };
  return {
    url,
    gateUrl,
    pid: child.pid!,
    stop: async () => {
      child.stdin!.end();
      await exited;
    },
  };
}
