// Whole-transaction gas of the vault's hot paths against baselines measured in the same run: the benchmark's bare
// OpenZeppelin ERC-20 (transferFrom and transfer to an existing holder, test/contracts/fixtures/gasBaselines.ts).
// Asserts the goals the benchmark enforces, read from the one place they are written (scripts/lib/gas/goals.ts):
// the wallet tip ($MESI transferAndCall, no allowance), the allowance-based repeat tip, the claim and batched credits
// (fiat and relayer stablecoin alike); and that the wallet tip is cheaper than the allowance tip.
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { network } from "hardhat";
import { keccak256, toHex, zeroHash, type Hex } from "viem";

import { assessGoal, GAS_GOALS, measureTokenGas } from "../fixtures/gasBaselines.ts";
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

      // Baselines, this run: a bare ERC-20's transferFrom with a finite allowance and transfer, to an existing holder.
      const baselines = await measureTokenGas(connection);
      const transferFrom = baselines[GAS_GOALS.walletTip.baseline];
      const transfer = baselines[GAS_GOALS.claim.baseline];
      assert.ok(transferFrom !== undefined && transfer !== undefined, "the bench measured its token baselines");

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

      const verdicts = {
        walletTip: assessGoal(GAS_GOALS.walletTip, transferAndCallTip, transferFrom),
        allowanceTip: assessGoal(GAS_GOALS.allowanceTip, repeatTip, transferFrom),
        claim: assessGoal(GAS_GOALS.claim, claim, transfer),
        fiatBatch: assessGoal(GAS_GOALS.creditBatch, batchFiat, singleFiat),
        stablecoinBatch: assessGoal(GAS_GOALS.creditBatch, batchStable, singleStable),
      };
      console.log({ transferFrom, transfer, claimToNewHolder, singleStable, batchStablePerCredit: batchStable });
      for (const verdict of Object.values(verdicts)) console.log(`      ${verdict.line}`);
      for (const [name, verdict] of Object.entries(verdicts)) assert.ok(verdict.ok, `${name}: ${verdict.line}`);
      assert.ok(transferAndCallTip < repeatTip, `transferAndCall tip ${transferAndCallTip} >= tip ${repeatTip}`);
    });
  },
);
