import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { network } from "hardhat";
import { getAddress, type Address } from "viem";

import { abis } from "../../deployments/src/generated/abis.ts";
import { checkMesiWiring } from "./check-wiring.ts";
import { deployMesi, type MesiDeployment } from "./deploy.ts";
import { MESI_CONTRACTS } from "./mesi-contracts.ts";

describe("deployMesi (viem, in-process Hardhat chain)", async () => {
  const connection = await network.create();
  const { viem } = connection;
  const publicClient = await viem.getPublicClient();
  const [admin, relayer, moderator, verifier, treasury] = await viem.getWalletClients();
  assert.ok(admin && relayer && moderator && verifier && treasury);
  const holders = {
    admin: getAddress(admin.account.address),
    relayer: getAddress(relayer.account.address),
    moderator: getAddress(moderator.account.address),
    verifier: getAddress(verifier.account.address),
  };
  let deployment: MesiDeployment;
  const progress: string[] = [];

  before(async () => {
    deployment = await deployMesi({
      walletClient: admin,
      publicClient,
      relayer: holders.relayer,
      moderator: holders.moderator,
      verifier: holders.verifier,
      treasury: treasury.account.address,
      onProgress: (message) => progress.push(message),
    });
  });
  after(() => connection.close());

  it("deploys every contract and records its deployment block", async () => {
    assert.deepEqual(Object.keys(deployment.contracts), [...MESI_CONTRACTS]);
    for (const name of MESI_CONTRACTS) {
      const { address, blockNumber } = deployment.contracts[name];
      const code = await publicClient.getCode({ address, blockNumber });
      assert.ok(code !== undefined && code !== "0x", `${name} has code at its deployment block`);
      const before = await publicClient.getCode({ address, blockNumber: blockNumber - 1n });
      assert.ok(before === undefined || before === "0x", `${name} has no code before its deployment block`);
    }
    assert.equal(deployment.chainId, 31337);
    assert.equal(deployment.admin, holders.admin);
    assert.ok(progress.some((line) => line.includes("MesiVault")));
  });

  it("wires the roles, the converter rate and the vault's links", async () => {
    assert.deepEqual(await checkMesiWiring({ publicClient, contracts: deployment.contracts, holders }), []);
  });

  it("makes the admin the treasury's payer and the supply's holder", async () => {
    const vault = { address: deployment.contracts.MesiVault.address, abi: abis.MesiVault } as const;
    assert.equal(
      await publicClient.readContract({ ...vault, functionName: "treasury" }),
      getAddress(treasury.account.address),
    );
    const token = { address: deployment.contracts.MesiToken.address, abi: abis.MesiToken } as const;
    const supply = await publicClient.readContract({ ...token, functionName: "totalSupply" });
    assert.equal(supply, 100_000_000_000n * 10n ** 18n);
    assert.equal(
      await publicClient.readContract({ ...token, functionName: "balanceOf", args: [holders.admin] }),
      supply,
    );
  });

  it("can be told apart from a system with a missing grant", async () => {
    const vault = deployment.contracts.MesiVault.address;
    const role = await publicClient.readContract({ address: vault, abi: abis.MesiVault, functionName: "RELAYER_ROLE" });
    await publicClient.waitForTransactionReceipt({
      hash: await admin.writeContract({
        address: vault,
        abi: abis.MesiVault,
        functionName: "revokeRole",
        args: [role, holders.relayer as Address],
      }),
    });
    const problems = await checkMesiWiring({ publicClient, contracts: deployment.contracts, holders });
    assert.deepEqual(problems, [`MesiVault: ${holders.relayer} lacks RELAYER_ROLE`]);
  });

  it("deploys a second, independent system from the same wallet", async () => {
    const second = await deployMesi({ walletClient: admin, publicClient, ...holders });
    assert.notEqual(second.contracts.MesiVault.address, deployment.contracts.MesiVault.address);
    assert.ok(second.contracts.MesiToken.blockNumber > deployment.completedAtBlock);
    assert.deepEqual(await checkMesiWiring({ publicClient, contracts: second.contracts, holders }), []);
  });
});
