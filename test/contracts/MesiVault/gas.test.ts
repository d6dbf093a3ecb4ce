// Whole-transaction gas of the vault's hot paths against same-run baselines ($MESI is an OpenZeppelin
// ERC-20 + permit + ERC-1363). Prints the figures; asserts the ratios the design is held to (see the report in the
// commit that introduced this file): claim <= 1.5x a transfer, batched credits <= 0.75x a single credit per credit,
// the wallet tip ($MESI transferAndCall, no allowance) <= 1.35x a transferFrom and cheaper than the allowance-based
// repeat tip, which is guarded at 1.45x a transferFrom: its floor with this storage design is ~1.37x (see below).
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { network } from "hardhat";
import { keccak256, toHex, zeroHash, type Hex } from "viem";

import { addr, deployVault, MESI, Source } from "./fixture.ts";

// Coverage instrumentation adds gas to every statement: the figures only mean something without it.
describe(
  "MesiVault gas",
  { skip: process.env.HARDHAT_COVERAGE === "true" && "not measured under coverage" },
  async () => {
    const connection = await network.create();

    it("repeat tip (allowance and transferAndCall), claim, single credit and 50-credit batch", async () => {
      const s = await deployVault(connection);
      const gas = async (hash: Promise<Hex>) => (await s.wait(hash)).gasUsed;
      const fan = { account: s.fan.account };

      // Baselines: transferFrom with a finite allowance and transfer, both to an existing holder.
      await s.wait(s.mesi.write.approve([addr(s.outsider), MESI(1000)], fan));
      await s.wait(s.mesi.write.transfer([addr(s.creator2), MESI(1)], fan));
      const transferFrom = await gas(
        s.mesi.write.transferFrom([addr(s.fan), addr(s.creator2), MESI(1)], { account: s.outsider.account }),
      );
      const transfer = await gas(s.mesi.write.transfer([addr(s.creator2), MESI(1)], fan));

      // Repeat tip: allowance in place (finite), the creator already has earnings, the fan holds $MESI.
      const memo = keccak256(toHex("gm"));
      await s.wait(s.vault.write.tip([addr(s.creator), MESI(10), 0, zeroHash, memo], fan));
      const repeatTip = await gas(s.vault.write.tip([addr(s.creator), MESI(12), 0, zeroHash, memo], fan));
      // Wallet tip (ERC-1363): the same fan, creator and memo; the vault already holds $MESI, no allowance is used.
      const tipData = await s.vault.read.encodeTipData([addr(s.creator), 0, zeroHash, memo]);
      const transferAndCallTip = await gas(s.mesi.write.transferAndCall([s.vault.address, MESI(12), tipData], fan));

      // Claim to a wallet that already holds $MESI (the creator got some before).
      await s.wait(s.mesi.write.transfer([addr(s.creator), MESI(1)], fan));
      const claim = await gas(s.vault.write.claim([addr(s.creator)], { account: s.creator.account }));
      await s.wait(s.vault.write.tip([addr(s.creator2), MESI(10), 0, zeroHash, memo], fan));
      const claimToNewHolder = await gas(s.vault.write.claim([addr(s.treasury)], { account: s.creator2.account }));

      // Relayer credits: the creator already has pending and cleared earnings; every reference is new.
      let n = 0;
      const credit = (source: number) => ({
        paymentRef: keccak256(toHex(`pi_${n++}`)),
        fan: addr(s.fan),
        creator: addr(s.creator),
        amount: MESI(5),
        source,
        channel: 0,
        channelRef: zeroHash,
      });
      const relayer = { account: s.relayer.account };
      await s.wait(s.vault.write.creditBatch([[credit(Source.Fiat), credit(Source.RelayerStablecoin)]], relayer));
      const singleFiat = await gas(s.vault.write.credit([credit(Source.Fiat)], relayer));
      const singleStable = await gas(s.vault.write.credit([credit(Source.RelayerStablecoin)], relayer));
      const batch = (source: number) => Array.from({ length: 50 }, () => credit(source));
      const batchFiat = (await gas(s.vault.write.creditBatch([batch(Source.Fiat)], relayer))) / 50n;
      const batchStable = (await gas(s.vault.write.creditBatch([batch(Source.RelayerStablecoin)], relayer))) / 50n;

      const ratio = (a: bigint, b: bigint) => Math.round((Number(a) / Number(b)) * 1000) / 1000;
      const figures = {
        transferFrom,
        transfer,
        repeatTip,
        repeatTipRatio: ratio(repeatTip, transferFrom),
        transferAndCallTip,
        transferAndCallTipRatio: ratio(transferAndCallTip, transferFrom),
        claim,
        claimRatio: ratio(claim, transfer),
        claimToNewHolder,
        singleFiat,
        batchFiatPerCredit: batchFiat,
        batchFiatRatio: ratio(batchFiat, singleFiat),
        singleStable,
        batchStablePerCredit: batchStable,
        batchStableRatio: ratio(batchStable, singleStable),
      };
      console.log(figures);

      assert.ok(figures.claimRatio <= 1.5, `claim ${claim} > 1.5 x transfer ${transfer}`);
      assert.ok(figures.batchFiatRatio <= 0.75, `fiat batch ${batchFiat}/credit > 0.75 x ${singleFiat}`);
      assert.ok(figures.batchStableRatio <= 0.75, `stablecoin batch ${batchStable}/credit > 0.75 x ${singleStable}`);
      // Floor of a repeat tip with this design: transferFrom into the vault (~21.1k with the cold token account)
      // + params slot (2.1k) + block flag (2.1k) + earnings read/write (5k) + Tipped event (2.8k) + 21k base.
      assert.ok(figures.repeatTipRatio <= 1.45, `repeat tip ${repeatTip} > 1.45 x transferFrom ${transferFrom}`);
      // The wallet tip saves the allowance read and write (5k) but pays what a bare transferFrom does not: a second
      // contract (cold vault account, 2.6k), the vault's three cold slots and write (9.2k), the Tipped event (2.8k),
      // 128 bytes of tip data in calldata and two contracts' dispatch and ABI work. Measured ~1.34x; 1.3x would need
      // ~1.65k less than this code and compiler settings allow (see the commit that added this assertion).
      assert.ok(
        figures.transferAndCallTipRatio <= 1.35,
        `transferAndCall tip ${transferAndCallTip} > 1.35 x transferFrom ${transferFrom}`,
      );
      assert.ok(transferAndCallTip < repeatTip, `transferAndCall tip ${transferAndCallTip} >= tip ${repeatTip}`);
    });
  },
);
