import assert from "node:assert/strict";
import { describe, it } from "node:test";

import {
  DeploymentNotFoundError,
  abis,
  contractNames,
  deployments,
  loadDeployment,
  toDeployment,
} from "@mesi/deployments";

import { MESI_CONTRACTS } from "./mesi-contracts.ts";

describe("@mesi/deployments", () => {
  it("lists every Mesi contract with its ABI", () => {
    assert.deepEqual([...contractNames], [...MESI_CONTRACTS]);
    assert.ok(abis.MesiVault.some((item) => item.type === "function" && item.name === "tip"));
  });

  it("joins addresses, ABIs and bigint deployment blocks per chain", () => {
    for (const [chainId, deployment] of Object.entries(deployments)) {
      assert.equal(loadDeployment(Number(chainId)), deployment);
      for (const name of contractNames) {
        const contract = deployment[name];
        // Only TestUSDC may be missing, on a production chain.
        if (contract === undefined && name === "TestUSDC") continue;
        assert.ok(contract !== undefined, `${name} on chain ${chainId}`);
        assert.match(contract.address, /^0x[0-9a-fA-F]{40}$/);
        assert.equal(typeof contract.blockNumber, "bigint");
        assert.equal(contract.abi, abis[name]);
      }
    }
  });

  it("names the chain it has no deployment for", () => {
    assert.throws(
      () => loadDeployment(999_999_999),
      (error: unknown) => {
        assert.ok(error instanceof DeploymentNotFoundError);
        assert.equal(error.chainId, 999_999_999);
        assert.match(error.message, /no Mesi deployment for chain 999999999/);
        return true;
      },
    );
  });

  it("builds a deployment from a deployer's result", () => {
    const address = "0x0000000000000000000000000000000000000001" as const;
    const raw = Object.fromEntries(contractNames.map((name) => [name, { address, blockNumber: 5 }]));
    const deployment = toDeployment(raw as unknown as Parameters<typeof toDeployment>[0]);
    assert.equal(deployment.OneToOneEscrow.blockNumber, 5n);
    assert.equal(deployment.OneToOneEscrow.abi, abis.OneToOneEscrow);
  });
});
