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

  describe("ERC-1363", () => {
    async function withRecorder() {
      const base = await networkHelpers.loadFixture(deploy);
      const recorder = await viem.deployContract("ERC1363Recorder");
      return { ...base, recorder };
    }
    const Answer = { Accept: 0, WrongSelector: 1, Revert: 2 } as const;

    it("advertises IERC1363 and IERC165", async () => {
      const { mesi } = await networkHelpers.loadFixture(deploy);
      assert.equal(await mesi.read.supportsInterface(["0xb0202a11"]), true);
      assert.equal(await mesi.read.supportsInterface(["0x01ffc9a7"]), true);
      assert.equal(await mesi.read.supportsInterface(["0xffffffff"]), false);
    });

    it("transferAndCall moves the tokens, then calls onTransferReceived(sender, sender, value, data)", async () => {
      const { mesi, holder, recorder } = await withRecorder();
      await viem.assertions.emitWithArgs(
        mesi.write.transferAndCall([recorder.address, 42n, "0xc0ffee"], { account: holder.account }),
        recorder,
        "TransferReceived",
        [getAddress(holder.account.address), getAddress(holder.account.address), 42n, "0xc0ffee", 42n],
      );
      assert.equal(await mesi.read.balanceOf([recorder.address]), 42n);
      assert.equal(await mesi.read.balanceOf([holder.account.address]), SUPPLY - 42n);
      // The two-argument overload passes empty data.
      await viem.assertions.emitWithArgs(
        mesi.write.transferAndCall([recorder.address, 1n], { account: holder.account }),
        recorder,
        "TransferReceived",
        [getAddress(holder.account.address), getAddress(holder.account.address), 1n, "0x", 43n],
      );
    });

    it("transferFromAndCall spends the allowance; the operator is the caller, `from` the owner", async () => {
      const { mesi, holder, spender, recorder } = await withRecorder();
      await mesi.write.approve([spender.account.address, 10n], { account: holder.account });
      await viem.assertions.emitWithArgs(
        mesi.write.transferFromAndCall([holder.account.address, recorder.address, 10n, "0x01"], {
          account: spender.account,
        }),
        recorder,
        "TransferReceived",
        [getAddress(spender.account.address), getAddress(holder.account.address), 10n, "0x01", 10n],
      );
      assert.equal(await mesi.read.allowance([holder.account.address, spender.account.address]), 0n);
      await viem.assertions.revertWithCustomErrorWithArgs(
        mesi.write.transferFromAndCall([holder.account.address, recorder.address, 1n, "0x"], {
          account: spender.account,
        }),
        mesi,
        "ERC20InsufficientAllowance",
        [getAddress(spender.account.address), 0n, 1n],
      );
    });

    it("approveAndCall sets the allowance, then calls onApprovalReceived(owner, value, data)", async () => {
      const { mesi, holder, recorder } = await withRecorder();
      await viem.assertions.emitWithArgs(
        mesi.write.approveAndCall([recorder.address, 7n, "0xbeef"], { account: holder.account }),
        recorder,
        "ApprovalReceived",
        [getAddress(holder.account.address), 7n, "0xbeef"],
      );
      assert.equal(await mesi.read.allowance([holder.account.address, recorder.address]), 7n);
    });

    it("reverts, undoing the transfer or approval, for an account without code or a wrong answer", async () => {
      const { mesi, holder, spender, recorder } = await withRecorder();
      const eoa = getAddress(spender.account.address);
      await viem.assertions.revertWithCustomErrorWithArgs(
        mesi.write.transferAndCall([eoa, 1n, "0x"], { account: holder.account }),
        mesi,
        "ERC1363InvalidReceiver",
        [eoa],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        mesi.write.approveAndCall([eoa, 1n, "0x"], { account: holder.account }),
        mesi,
        "ERC1363InvalidSpender",
        [eoa],
      );
      await recorder.write.setAnswer([Answer.WrongSelector]);
      await viem.assertions.revertWithCustomErrorWithArgs(
        mesi.write.transferAndCall([recorder.address, 1n, "0x"], { account: holder.account }),
        mesi,
        "ERC1363InvalidReceiver",
        [recorder.address],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        mesi.write.approveAndCall([recorder.address, 1n, "0x"], { account: holder.account }),
        mesi,
        "ERC1363InvalidSpender",
        [recorder.address],
      );
      await recorder.write.setAnswer([Answer.Revert]);
      await viem.assertions.revertWithCustomErrorWithArgs(
        mesi.write.transferAndCall([recorder.address, 5n, "0x"], { account: holder.account }),
        recorder,
        "ERC1363Recorder_Refused",
        [5n],
      );
      assert.equal(await mesi.read.balanceOf([eoa]), 0n);
      assert.equal(await mesi.read.balanceOf([recorder.address]), 0n);
      assert.equal(await mesi.read.balanceOf([holder.account.address]), SUPPLY);
      assert.equal(await mesi.read.allowance([holder.account.address, eoa]), 0n);
      assert.equal(await mesi.read.allowance([holder.account.address, recorder.address]), 0n);
    });
  });

  it("has no mint or burn entry point", async () => {
    const { mesi } = await networkHelpers.loadFixture(deploy);
    const names = mesi.abi.filter((x) => x.type === "function").map((x) => x.name);
    assert.ok(!names.some((n) => /mint|burn|owner/i.test(n)), names.join(","));
  });
});
