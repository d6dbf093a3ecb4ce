import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";

import { createPublicClient, http } from "viem";

import { checkMesiWiring } from "./check-wiring.ts";
import type { MesiDeployment } from "./deploy.ts";
import { parseAddressesModule, writeChainAddresses } from "./deployments-module.ts";
import { deployMesiWithIgnition } from "./ignition-deploy.ts";
import { localAccounts } from "./local-accounts.ts";
import { startLocalChain, type LocalChain } from "./local-chain.ts";
import { MESI_CONTRACTS } from "./mesi-contracts.ts";

describe("Ignition module deployed to a local node (anvil on a free port)", () => {
  const accounts = localAccounts();
  const holders = {
    admin: accounts.admin.address,
    relayer: accounts.relayer.address,
    moderator: accounts.moderator.address,
    verifier: accounts.verifier.address,
  };
  let chain: LocalChain;
  let deployment: MesiDeployment;
  let dir: string;

  before(async () => {
    chain = await startLocalChain();
    dir = await mkdtemp(join(tmpdir(), "mesi-ignition-"));
    deployment = await deployMesiWithIgnition({
      rpcUrl: chain.url,
      relayer: holders.relayer,
      moderator: holders.moderator,
      verifier: holders.verifier,
    });
  });
  after(async () => {
    await chain?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it("binds the node to 127.0.0.1 with chain id 31337", () => {
    assert.match(chain.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(deployment.chainId, 31337);
    assert.equal(deployment.admin, holders.admin);
  });

  it("deploys every contract with the same wiring as the viem deployer", async () => {
    const publicClient = createPublicClient({ transport: http(chain.url) });
    assert.deepEqual(await checkMesiWiring({ publicClient, contracts: deployment.contracts, holders }), []);
    for (const name of MESI_CONTRACTS) {
      const { address, blockNumber } = deployment.contracts[name];
      const code = await publicClient.getCode({ address, blockNumber });
      assert.ok(code !== undefined && code !== "0x", `${name} is deployed at block ${blockNumber}`);
    }
  });

  it("writes a chain-keyed addresses module that keeps other chains", async () => {
    const file = join(dir, "addresses.ts");
    await writeChainAddresses(8453, deployment.contracts, file);
    await writeChainAddresses(deployment.chainId, deployment.contracts, file);
    const text = await readFile(file, "utf8");
    assert.ok(text.startsWith("// generated — do not edit\n"));
    const stored = parseAddressesModule(text);
    assert.deepEqual(Object.keys(stored), ["8453", "31337"]);
    assert.deepEqual(stored["31337"]?.MesiVault, {
      address: deployment.contracts.MesiVault.address,
      blockNumber: Number(deployment.contracts.MesiVault.blockNumber),
    });
  });

  it("stops the node it started", async () => {
    await chain.stop();
    await assert.rejects(fetch(chain.url, { method: "POST", body: "{}" }));
  });
});
