import assert from "node:assert/strict";
import { after, describe, it } from "node:test";

import { network } from "hardhat";
import { BaseError, ContractFunctionRevertedError, decodeErrorResult, parseEther, toHex, zeroHash } from "viem";

import {
  DeploymentNotFoundError,
  abis,
  addresses,
  contractNames,
  deployments,
  errorsAbi,
  loadDeployment,
  loadStartBlocks,
  toDeployment,
  toStartBlocks,
  type ChainAddresses,
} from "@mesi/deployments";

import { deployMesi } from "./deploy.ts";
import { MESI_CONTRACTS } from "./mesi-contracts.ts";

describe("@mesi/deployments", () => {
  it("lists every Mesi contract with its ABI", () => {
    assert.deepEqual([...contractNames], [...MESI_CONTRACTS]);
    assert.ok(abis.MesiVault.some((item) => item.type === "function" && item.name === "tip"));
  });

  it("joins addresses and ABIs per chain, and keeps the deployment blocks apart", () => {
    for (const [chainId, deployment] of Object.entries(deployments)) {
      assert.equal(loadDeployment(Number(chainId)), deployment);
      const blocks = loadStartBlocks(Number(chainId));
      for (const name of contractNames) {
        const contract = deployment[name];
        // Only TestUSDC may be missing, on a production chain.
        if (contract === undefined && name === "TestUSDC") continue;
        assert.ok(contract !== undefined, `${name} on chain ${chainId}`);
        assert.deepEqual(Object.keys(contract).sort(), ["abi", "address"]);
        assert.match(contract.address, /^0x[0-9a-fA-F]{40}$/);
        assert.equal(contract.abi, abis[name]);
        assert.equal(blocks[name], BigInt(addresses[chainId]![name]!.blockNumber));
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
    const deployment = toDeployment(raw as unknown as ChainAddresses);
    assert.equal(toStartBlocks(raw as unknown as ChainAddresses).OneToOneEscrow, 5n);
    assert.equal(deployment.OneToOneEscrow.abi, abis.OneToOneEscrow);
  });

  it("holds every contract's custom errors once, OpenZeppelin's included", () => {
    const names = errorsAbi.map((error) => error.name);
    for (const name of [
      "Vault_AmountZero",
      "ERC20InsufficientBalance",
      "AccessControlUnauthorizedAccount",
      "Escrow_SessionOpen",
    ]) {
      assert.ok(names.includes(name), `${name} is in the errors ABI`);
    }
    const signatures = errorsAbi.map((e) => `${e.name}(${e.inputs.map((i) => i.type).join(",")})`);
    assert.equal(new Set(signatures).size, signatures.length);
  });
});

describe("@mesi/deployments on a real chain", async () => {
  const connection = await network.create();
  after(() => connection.close());
  const publicClient = await connection.viem.getPublicClient();
  const [admin, relayer, moderator, verifier, treasury, fan, creator] = await connection.viem.getWalletClients();
  assert.ok(admin && relayer && moderator && verifier && treasury && fan && creator);
  const deployed = await deployMesi({
    walletClient: admin,
    publicClient,
    relayer: relayer.account.address,
    moderator: moderator.account.address,
    verifier: verifier.account.address,
    treasury: treasury.account.address,
  });
  const mesi = toDeployment(
    Object.fromEntries(
      contractNames.map((name) => [
        name,
        { ...deployed.contracts[name], blockNumber: Number(deployed.contracts[name].blockNumber) },
      ]),
    ) as unknown as ChainAddresses,
  );
  await publicClient.waitForTransactionReceipt({
    hash: await admin.writeContract({
      ...mesi.MesiToken,
      functionName: "transfer",
      args: [fan.account.address, parseEther("10")],
    }),
  });

  it("a contract spread into readContract reads the latest state, not the deployment block's", async () => {
    const balance = await publicClient.readContract({
      ...mesi.MesiToken,
      functionName: "balanceOf",
      args: [fan.account.address],
    });
    assert.equal(balance, parseEther("10"));
  });

  it("decodes the vault's refusal raised inside the token's transferAndCall", async () => {
    const data = await publicClient.readContract({
      ...mesi.MesiVault,
      functionName: "encodeTipData",
      args: [fan.account.address, 0, zeroHash, zeroHash],
    });
    // Tipping oneself is refused by the vault, from inside MesiToken.transferAndCall.
    const failure = await publicClient
      .simulateContract({
        ...mesi.MesiToken,
        account: fan.account,
        functionName: "transferAndCall",
        args: [mesi.MesiVault.address, parseEther("1"), data],
      })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    assert.ok(failure instanceof BaseError);
    const reverted = failure.walk((e) => e instanceof ContractFunctionRevertedError);
    assert.ok(reverted instanceof ContractFunctionRevertedError);
    const raw = reverted.raw ?? toHex("");
    const decoded = decodeErrorResult({ abi: errorsAbi, data: raw });
    assert.match(decoded.errorName, /^Vault_/);
  });
});

describe("@mesi/deployments typed data", () => {
  it("matches the typehash strings the contracts verify", async () => {
    const { keccak256, toHex } = await import("viem");
    const { tipAuthorizationTypes, buyAuthorizationTypes, stablecoinBuyAuthorizationTypes } =
      await import("@mesi/deployments");
    const typeString = (name: string, fields: readonly { name: string; type: string }[]) =>
      `${name}(${fields.map((f) => `${f.type} ${f.name}`).join(",")})`;
    const connection = await network.create();
    try {
      const publicClient = await connection.viem.getPublicClient();
      const [admin, relayer, moderator, verifier, treasury] = await connection.viem.getWalletClients();
      const deployed = await deployMesi({
        walletClient: admin!,
        publicClient,
        relayer: relayer!.account.address,
        moderator: moderator!.account.address,
        verifier: verifier!.account.address,
        treasury: treasury!.account.address,
      });
      const vaultTypehash = await publicClient.readContract({
        address: deployed.contracts.MesiVault.address,
        abi: abis.MesiVault,
        functionName: "TIP_AUTHORIZATION_TYPEHASH",
      });
      assert.equal(
        keccak256(toHex(typeString("TipAuthorization", tipAuthorizationTypes.TipAuthorization))),
        vaultTypehash,
      );
      const ticketsTypehash = await publicClient.readContract({
        address: deployed.contracts.MesiTickets.address,
        abi: abis.MesiTickets,
        functionName: "BUY_AUTHORIZATION_TYPEHASH",
      });
      assert.equal(
        keccak256(toHex(typeString("BuyAuthorization", buyAuthorizationTypes.BuyAuthorization))),
        ticketsTypehash,
      );
      const stablecoinBuyTypehash = await publicClient.readContract({
        address: deployed.contracts.MesiTickets.address,
        abi: abis.MesiTickets,
        functionName: "STABLECOIN_BUY_AUTHORIZATION_TYPEHASH",
      });
      assert.equal(
        keccak256(
          toHex(typeString("StablecoinBuyAuthorization", stablecoinBuyAuthorizationTypes.StablecoinBuyAuthorization)),
        ),
        stablecoinBuyTypehash,
      );
    } finally {
      await connection.close();
    }
  });
});
