import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";

import { createPublicClient, http } from "viem";

import { checkMesiWiring } from "./lib/check-wiring.ts";
import { parseAddressesModule } from "./lib/deployments-module.ts";
import { localAccounts } from "./lib/local-accounts.ts";
import { startLocalChain, type LocalChain } from "./lib/local-chain.ts";
import { MESI_CONTRACTS } from "./lib/mesi-contracts.ts";

describe("npm run deploy:local (scripts/deploy-local.ts)", () => {
  let chain: LocalChain;
  let dir: string;

  before(async () => {
    chain = await startLocalChain();
    dir = await mkdtemp(join(tmpdir(), "mesi-deploy-local-"));
  });
  after(async () => {
    await chain?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it("deploys with Ignition to a running node and writes the addresses module", async () => {
    const file = join(dir, "addresses.ts");
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "scripts/deploy-local.ts", "--rpc-url", chain.url, "--addresses-file", file],
      { cwd: join(import.meta.dirname, ".."), stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    assert.equal(code, 0, output);
    assert.match(output, new RegExp(`deploying Mesi with Hardhat Ignition to ${chain.url}`));

    const stored = parseAddressesModule(await readFile(file, "utf8"))["31337"];
    assert.ok(stored);
    assert.deepEqual(Object.keys(stored), [...MESI_CONTRACTS]);
    const contracts = Object.fromEntries(
      Object.entries(stored).map(([name, c]) => [name, { address: c.address, blockNumber: BigInt(c.blockNumber) }]),
    ) as Parameters<typeof checkMesiWiring>[0]["contracts"];
    const accounts = localAccounts();
    const holders = {
      admin: accounts.admin.address,
      relayer: accounts.relayer.address,
      moderator: accounts.moderator.address,
      verifier: accounts.verifier.address,
    };
    const publicClient = createPublicClient({ transport: http(chain.url) });
    assert.deepEqual(await checkMesiWiring({ publicClient, contracts, holders }), []);
  });
});
