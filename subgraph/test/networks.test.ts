// The manifest renders for real networks: a chain id maps to the network name
// The Graph knows, and a chain without a deployment is refused instead of
// being rendered with the zero address.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";

import { describe, expect, it } from "vitest";

import { graphNetworkName, UnknownNetworkError } from "../indexer/networks.ts";

const run = promisify(execFile);
const RENDER = join(import.meta.dirname, "..", "scripts", "render-manifest.ts");

describe("network names", () => {
  it("names chains as The Graph does and refuses an unknown chain", () => {
    expect(graphNetworkName(1)).toBe("mainnet");
    expect(graphNetworkName(8453)).toBe("base");
    expect(graphNetworkName(42161)).toBe("arbitrum-one");
    expect(graphNetworkName(11155111)).toBe("sepolia");
    expect(graphNetworkName(31337)).toBe("mesi-local");
    expect(() => graphNetworkName(999_999_999)).toThrow(UnknownNetworkError);
  });

  it("refuses to render a real network's manifest without its deployment", async () => {
    const failed = await run(process.execPath, ["--import", "tsx", RENDER, "--chain", "8453"]).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect((failed as { code: number }).code).not.toBe(0);
    expect((failed as { stderr: string }).stderr).toMatch(/no deployment for chain 8453 \(base\)/);
  });
});
