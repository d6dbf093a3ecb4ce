// One platform and one browser for every browser suite: `e2e/all.test.ts` imports the suites, which call
// `shared()` in their `before` hooks. Starting `npm start` once keeps the whole run short.
import { toDeployment, type ChainAddresses, type Deployment } from "@mesi/deployments";
import type { Browser } from "playwright-core";

import { launchBrowser } from "./browser.ts";
import { startStack, type Stack } from "./stack.ts";

export interface Shared {
  readonly stack: Stack;
  readonly browser: Browser;
  /** The contracts as deployed by this run (addresses read from `npm start`'s banner). */
  readonly mesi: Deployment;
}

let pending: Promise<Shared> | undefined;

function addressesFromBanner(output: string): ChainAddresses {
  const entries: [string, { address: string; blockNumber: number }][] = [];
  for (const match of output.matchAll(/^\s{2}(\w+)\s+(0x[0-9a-fA-F]{40})\s+\(block (\d+)\)/gm)) {
    entries.push([match[1]!, { address: match[2]!, blockNumber: Number(match[3]) }]);
  }
  return Object.fromEntries(entries) as unknown as ChainAddresses;
}

export function shared(): Promise<Shared> {
  pending ??= (async () => {
    const stack = await startStack();
    const browser = await launchBrowser();
    return { stack, browser, mesi: toDeployment(addressesFromBanner(stack.output())) };
  })();
  return pending;
}

export async function stopShared(): Promise<void> {
  if (pending === undefined) return;
  const { stack, browser } = await pending;
  await browser.close();
  await stack.stop();
}
