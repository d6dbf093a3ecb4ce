import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { network } from "hardhat";
import { getAddress, parseSignature, zeroAddress } from "viem";

const SUPPLY = 100_000_000_000n * 10n ** 18n;

describe("MesiToken", async () => {
  const connection = await network.create();
  const { viem, networkHelpers } = connection;

  async function deploy() {
    const [deployer, holder, spender] = await viem.getWalletClients();
    const mesi = await viem.deployContract("MesiToken", [holder.account.address]);
    return { mesi, deployer, holder, spender };
  }

  it("is Mesi / MESI, 18 decimals, with the whole fixed supply at the initial holder", async () => {
    const { mesi, holder, deployer } = await networkHelpers.loadFixture(deploy);
    assert.equal(await mesi.read.name(), "Mesi");
    assert.equal(await mesi.read.symbol(), "MESI");
    assert.equal(await mesi.read.decimals(), 18);
    assert.equal(await mesi.read.totalSupply(), SUPPLY);
    assert.equal(await mesi.read.TOTAL_SUPPLY(), SUPPLY);
    assert.ok(SUPPLY < 2n ** 97n);
    assert.equal(await mesi.read.balanceOf([holder.account.address]), SUPPLY);
    assert.equal(await mesi.read.balanceOf([deployer.account.address]), 0n);
  });

  it("emits the mint Transfer from zero", async () => {
    const { mesi, holder } = await networkHelpers.loadFixture(deploy);
    const events = await mesi.getEvents.Transfer({}, { fromBlock: 0n });
    assert.deepEqual(
      events.map((e) => [e.args.from, e.args.to, e.args.value]),
      [[zeroAddress, getAddress(holder.account.address), SUPPLY]],
    );
  });

  it("reverts ERC20InvalidReceiver for a zero initial holder", async () => {
    const { mesi } = await networkHelpers.loadFixture(deploy);
    await viem.assertions.revertWithCustomErrorWithArgs(
      viem.deployContract("MesiToken", [zeroAddress]),
      mesi,
      "ERC20InvalidReceiver",
      [zeroAddress],
    );
  });

  it("accepts an EIP-2612 permit (domain Mesi/1) and rejects its replay", async () => {
    const { mesi, holder, spender } = await networkHelpers.loadFixture(deploy);
    const deadline = BigInt(await networkHelpers.time.latest()) + 600n;
    const signature = await holder.signTypedData({
      domain: { name: "Mesi", version: "1", chainId: await holder.getChainId(), verifyingContract: mesi.address },
      types: {
        Permit: [
          { name: "owner", type: "address" },
          { name: "spender", type: "address" },
          { name: "value", type: "uint256" },
          { name: "nonce", type: "uint256" },
          { name: "deadline", type: "uint256" },
        ],
      },
      primaryType: "Permit",
      message: { owner: holder.account.address, spender: spender.account.address, value: 42n, nonce: 0n, deadline },
    });
    const { r, s, v } = parseSignature(signature);
    const args = [holder.account.address, spender.account.address, 42n, deadline, Number(v), r, s] as const;
    await mesi.write.permit(args, { account: spender.account });
    assert.equal(await mesi.read.allowance([holder.account.address, spender.account.address]), 42n);
    assert.equal(await mesi.read.nonces([holder.account.address]), 1n);
    await viem.assertions.revertWithCustomError(
      mesi.write.permit(args, { account: spender.account }),
      mesi,
      "ERC2612InvalidSigner",
    );
  });

  it("has no mint or burn entry point", async () => {
    const { mesi } = await networkHelpers.loadFixture(deploy);
    const names = mesi.abi.filter((x) => x.type === "function").map((x) => x.name);
    assert.ok(!names.some((n) => /mint|burn|owner/i.test(n)), names.join(","));
  });
});
