import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { createPublicClient, createWalletClient, http } from "viem";
import { foundry } from "viem/chains";
import { privateKeyToAccount } from "viem/accounts";

import { acceptAdminHandover, beginAdminHandover, HandoverError, missingHandover } from "./admin-handover.ts";
import { deployMesi, type MesiDeployment } from "./deploy.ts";
import { localAccounts, localPrivateKey } from "./local-accounts.ts";
import { startLocalChain, type LocalChain } from "./local-chain.ts";

describe("admin handover (two steps behind the admin delay, old admin's roles revoked) on a local node", () => {
  const accounts = localAccounts();
  const newAdminAccount = privateKeyToAccount(localPrivateKey(9));
  let chain: LocalChain;
  let deployment: MesiDeployment;

  before(async () => {
    chain = await startLocalChain();
  });
  after(async () => {
    await chain?.stop();
  });

  it("hands every contract over and leaves the old admin no role", async () => {
    const transport = http(chain.url);
    const publicClient = createPublicClient({ chain: foundry, transport });
    const oldAdmin = createWalletClient({ chain: foundry, transport, account: accounts.admin.account });
    const newAdmin = createWalletClient({ chain: foundry, transport, account: newAdminAccount });
    // The local deploy makes the admin pauser and rate setter too: exactly what a handover must not leave behind.
    deployment = await deployMesi({
      walletClient: oldAdmin,
      publicClient,
      relayer: accounts.relayer.address,
      moderator: accounts.moderator.address,
      verifier: accounts.verifier.address,
      adminDelay: 600,
    });
    const clients = { publicClient, contracts: deployment.contracts };
    const before = await missingHandover({
      ...clients,
      oldAdmin: accounts.admin.address,
      newAdmin: newAdminAccount.address,
    });
    assert.ok(before.includes("MesiVault: the old admin still holds PAUSER_ROLE"));
    assert.ok(before.includes("StableConverter: the old admin still holds RATE_SETTER_ROLE"));

    const acceptableAt = await beginAdminHandover({ ...clients, oldAdmin, newAdmin: newAdminAccount.address });
    const now = (await publicClient.getBlock()).timestamp;
    assert.ok(acceptableAt >= now + 590n, "acceptable only after the delay");
    await assert.rejects(
      acceptAdminHandover({ ...clients, newAdmin, oldAdmin: accounts.admin.address }),
      (error: unknown) => error instanceof Error,
    );

    await publicClient.request({ method: "evm_increaseTime" as never, params: [601] as never });
    await publicClient.request({ method: "evm_mine" as never, params: [] as never });
    const revoked = await acceptAdminHandover({ ...clients, newAdmin, oldAdmin: accounts.admin.address });
    assert.deepEqual(revoked.sort(), ["MesiVault.PAUSER_ROLE", "StableConverter.RATE_SETTER_ROLE"]);
    assert.deepEqual(
      await missingHandover({ ...clients, oldAdmin: accounts.admin.address, newAdmin: newAdminAccount.address }),
      [],
    );
    assert.ok(new HandoverError("x") instanceof Error);
  });
});
