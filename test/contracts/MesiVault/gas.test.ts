import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { network } from "hardhat";
import { keccak256, parseEther, toHex, zeroHash } from "viem";

describe("MesiVault gas", async () => {
  const { viem } = await network.connect();
  const publicClient = await viem.getPublicClient();
  const [admin, fan, creator, other, relayer, treasury] = await viem.getWalletClients();

  it("measures repeat tip, claim, credit and batch credit", async () => {
    const mesi = await viem.deployContract("MesiToken", [admin.account.address]);
    const converter = await viem.deployContract("StableConverter", [0, admin.account.address]);
    const vault = await viem.deployContract("MesiVault", [
      mesi.address, converter.address, treasury.account.address, 0, admin.account.address,
    ]);
    const gas = async (hash: `0x${string}`) => (await publicClient.waitForTransactionReceipt({ hash })).gasUsed;

    await mesi.write.transfer([fan.account.address, parseEther("1000000")]);
    await mesi.write.transfer([other.account.address, parseEther("1")]);
    await mesi.write.approve([vault.address, parseEther("1000000")], { account: fan.account });
    // Baseline: bare transferFrom, finite allowance, existing holder.
    await mesi.write.approve([admin.account.address, parseEther("1000000")], { account: fan.account });
    await mesi.write.transferFrom([fan.account.address, other.account.address, parseEther("1")]);
    const baseTransferFrom = await gas(
      await mesi.write.transferFrom([fan.account.address, other.account.address, parseEther("1")]),
    );
    const baseTransfer = await gas(
      await mesi.write.transfer([other.account.address, parseEther("1")], { account: fan.account }),
    );

    const memo = keccak256(toHex("hi"));
    await vault.write.tip([creator.account.address, parseEther("10"), 0, zeroHash, memo], { account: fan.account });
    const repeatTip = await gas(
      await vault.write.tip([creator.account.address, parseEther("12.5"), 2, keccak256(toHex("stream")), memo], {
        account: fan.account,
      }),
    );
    const claimGas = await gas(await vault.write.claim([creator.account.address], { account: creator.account }));

    await vault.write.grantRole([await vault.read.RELAYER_ROLE(), relayer.account.address]);
    await mesi.write.approve([vault.address, parseEther("100000000")]);
    await vault.write.fundFloat([parseEther("100000000")]);
    let n = 0;
    const mk = (source: number) => ({
      paymentRef: keccak256(toHex(`ref-${n++}`)),
      fan: fan.account.address,
      creator: creator.account.address,
      amount: parseEther("5"),
      source,
      channel: 0,
      channelRef: zeroHash,
    });
    await vault.write.credit([mk(2)], { account: relayer.account });
    const singleFiat = await gas(await vault.write.credit([mk(2)], { account: relayer.account }));
    const singleStable = await gas(await vault.write.credit([mk(3)], { account: relayer.account }));
    const batchFiat = await gas(
      await vault.write.creditBatch([Array.from({ length: 50 }, () => mk(2))], { account: relayer.account }),
    );
    const batchStable = await gas(
      await vault.write.creditBatch([Array.from({ length: 50 }, () => mk(3))], { account: relayer.account }),
    );
    console.log({
      baseTransferFrom, baseTransfer, repeatTip, tipRatio: Number(repeatTip) / Number(baseTransferFrom),
      claimGas, claimRatio: Number(claimGas) / Number(baseTransfer),
      singleFiat, batchFiatPer: batchFiat / 50n, fiatRatio: Number(batchFiat) / 50 / Number(singleFiat),
      singleStable, batchStablePer: batchStable / 50n, stableRatio: Number(batchStable) / 50 / Number(singleStable),
    });
    assert.ok(repeatTip > 0n);
  });
});
