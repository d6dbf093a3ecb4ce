// The wallet tip path: $MESI's ERC-1363 transferAndCall(vault, amount, data) handled by the vault's
// onTransferReceived. The checks it shares with `tip` (paused, zero amount, invalid creator, self, blocked) run for
// every tip path in tips.test.ts; this file covers what is specific to the hook: no allowance, the data encoding,
// malformed data, callers other than $MESI, transferFromAndCall, amounts near the supply and conservation.
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { network } from "hardhat";
import {
  concatHex,
  encodeAbiParameters,
  getAddress,
  keccak256,
  pad,
  parseEventLogs,
  toHex,
  zeroHash,
  type Address,
  type Hex,
} from "viem";

import {
  addr,
  Channel,
  deployVault,
  FAN_BALANCE,
  feeOf,
  FLOAT,
  ledgerTotal,
  MESI,
  TOTAL_SUPPLY,
  type VaultSystem,
} from "./fixture.ts";

const MEMO = keccak256(toHex("gm from the wallet"));
const STREAM_ID = keccak256(toHex("stream-7"));
const TIP_DATA_PARAMS = [{ type: "address" }, { type: "uint8" }, { type: "bytes32" }, { type: "bytes32" }] as const;

describe("MesiVault transferAndCall tips (ERC-1363)", async () => {
  const connection = await network.create();
  const { viem, networkHelpers } = connection;
  const deploy = () => deployVault(connection);

  const tipData = (creator: Address, channel: number = Channel.Stream, channelRef: Hex = STREAM_ID, memo = MEMO) =>
    encodeAbiParameters(TIP_DATA_PARAMS, [creator, channel, channelRef, memo]);

  async function balances(s: VaultSystem) {
    return {
      fan: await s.mesi.read.balanceOf([addr(s.fan)]),
      vault: await s.mesi.read.balanceOf([s.vault.address]),
      earnings: await s.vault.read.earningsOf([addr(s.creator)]),
    };
  }

  async function assertConserved(s: VaultSystem) {
    const creators = [addr(s.creator), addr(s.creator2)];
    assert.equal(await s.mesi.read.balanceOf([s.vault.address]), await ledgerTotal(s, creators));
  }

  it("tips without any allowance: moves the amount, credits net of the fee, emits Transfer and Tipped", async () => {
    const s = await networkHelpers.loadFixture(deploy);
    await s.wait(s.mesi.write.approve([s.vault.address, 0n], { account: s.fan.account }));
    const amount = MESI(100);
    const before = await balances(s);
    const hash = s.mesi.write.transferAndCall([s.vault.address, amount, tipData(addr(s.creator))], {
      account: s.fan.account,
    });
    await viem.assertions.emitWithArgs(hash, s.vault, "Tipped", [
      addr(s.creator),
      addr(s.fan),
      amount,
      MESI(10),
      Channel.Stream,
      STREAM_ID,
      MEMO,
    ]);
    const receipt = await s.publicClient.getTransactionReceipt({ hash: await hash });
    const transfers = parseEventLogs({ abi: s.mesi.abi, logs: receipt.logs, eventName: "Transfer" });
    assert.deepEqual(
      transfers.map((e) => [e.args.from, e.args.to, e.args.value]),
      [[addr(s.fan), getAddress(s.vault.address), amount]],
    );
    assert.deepEqual(await s.vault.read.earningsOf([addr(s.creator)]), [MESI(90), 0n, MESI(10)]);
    assert.equal(await s.mesi.read.balanceOf([addr(s.fan)]), before.fan - amount);
    assert.equal(await s.mesi.read.balanceOf([s.vault.address]), before.vault + amount);
    assert.equal(await s.mesi.read.allowance([addr(s.fan), s.vault.address]), 0n);
    await assertConserved(s);
  });

  it("books exactly as tip does: same earnings and the same Tipped fields for the same tips", async () => {
    const s = await networkHelpers.loadFixture(deploy);
    const amounts = [MESI(10), 19_999n, 7n, MESI("0.3")];
    for (const amount of amounts) {
      await s.wait(
        s.vault.write.tip([addr(s.creator), amount, Channel.TipLink, STREAM_ID, MEMO], { account: s.fan.account }),
      );
      await s.wait(
        s.mesi.write.transferAndCall([s.vault.address, amount, tipData(addr(s.creator2), Channel.TipLink)], {
          account: s.fan.account,
        }),
      );
    }
    assert.deepEqual(
      await s.vault.read.earningsOf([addr(s.creator2)]),
      await s.vault.read.earningsOf([addr(s.creator)]),
    );
    const tipped = await s.vault.getEvents.Tipped({}, { fromBlock: 0n });
    const fields = (creator: Address) =>
      tipped
        .filter((e) => e.args.creator === creator)
        .map(({ args: a }) => [a.fan, a.amount, a.fee, a.channel, a.channelRef, a.memoHash]);
    assert.equal(fields(addr(s.creator)).length, amounts.length);
    assert.deepEqual(fields(addr(s.creator2)), fields(addr(s.creator)));
    await assertConserved(s);
  });

  it("encodeTipData is abi.encode(address, uint8, bytes32, bytes32), 128 bytes", async () => {
    const s = await networkHelpers.loadFixture(deploy);
    for (const channel of Object.values(Channel)) {
      const encoded = await s.vault.read.encodeTipData([addr(s.creator), channel, STREAM_ID, MEMO]);
      assert.equal(encoded, tipData(addr(s.creator), channel));
      assert.equal((encoded.length - 2) / 2, 128);
    }
  });

  it("accepts transferFromAndCall: the fan is `from`, the operator spends its own allowance", async () => {
    const s = await networkHelpers.loadFixture(deploy);
    const operator = s.outsider;
    await s.wait(s.mesi.write.approve([addr(operator), MESI(50)], { account: s.fan.account }));
    const vaultAllowance = await s.mesi.read.allowance([addr(s.fan), s.vault.address]);
    await viem.assertions.emitWithArgs(
      s.mesi.write.transferFromAndCall([addr(s.fan), s.vault.address, MESI(50), tipData(addr(s.creator))], {
        account: operator.account,
      }),
      s.vault,
      "Tipped",
      [addr(s.creator), addr(s.fan), MESI(50), MESI(5), Channel.Stream, STREAM_ID, MEMO],
    );
    assert.equal(await s.mesi.read.allowance([addr(s.fan), addr(operator)]), 0n);
    assert.equal(await s.mesi.read.allowance([addr(s.fan), s.vault.address]), vaultAllowance);
    assert.equal(await s.mesi.read.balanceOf([addr(s.fan)]), FAN_BALANCE - MESI(50));
    // Blocks and self-payment are judged on `from`, not on the operator.
    await s.wait(s.mesi.write.approve([addr(operator), MESI(50)], { account: s.fan.account }));
    await viem.assertions.revertWithCustomErrorWithArgs(
      s.mesi.write.transferFromAndCall([addr(s.fan), s.vault.address, 1n, tipData(addr(s.fan))], {
        account: operator.account,
      }),
      s.vault,
      "Vault_SelfPayment",
      [addr(s.fan)],
    );
    await s.wait(s.vault.write.blockFan([addr(s.fan)], { account: s.creator.account }));
    await viem.assertions.revertWithCustomErrorWithArgs(
      s.mesi.write.transferFromAndCall([addr(s.fan), s.vault.address, 1n, tipData(addr(s.creator))], {
        account: operator.account,
      }),
      s.vault,
      "Vault_Blocked",
      [addr(s.creator), addr(s.fan)],
    );
    await assertConserved(s);
  });

  it("reverts Vault_AmountZero for a zero transfer (ERC-1363 itself allows it)", async () => {
    const s = await networkHelpers.loadFixture(deploy);
    await viem.assertions.revertWithCustomError(
      s.mesi.write.transferAndCall([s.vault.address, 0n, tipData(addr(s.creator))], { account: s.fan.account }),
      s.vault,
      "Vault_AmountZero",
    );
  });

  it("reverts Vault_InvalidTipData(length) for data that is not one tip, and the transfer with it", async () => {
    const s = await networkHelpers.loadFixture(deploy);
    const valid = tipData(addr(s.creator));
    const word = (n: bigint) => pad(toHex(n), { size: 32 });
    const cases: [string, Hex][] = [
      ["empty", "0x"],
      ["127 bytes", valid.slice(0, 2 + 127 * 2) as Hex],
      ["129 bytes", concatHex([valid, "0x00"])],
      ["five words", concatHex([valid, zeroHash])],
      ["no memo (three words)", valid.slice(0, 2 + 96 * 2) as Hex],
      ["dirty address word", concatHex([word((1n << 160n) | BigInt(addr(s.creator))), `0x${valid.slice(66)}`])],
      ["channel 4", tipData(addr(s.creator), 4)],
      ["channel 2^255", concatHex([word(BigInt(addr(s.creator))), word(1n << 255n), STREAM_ID, MEMO])],
    ];
    const before = await balances(s);
    for (const [name, data] of cases) {
      await viem.assertions.revertWithCustomErrorWithArgs(
        s.mesi.write.transferAndCall([s.vault.address, MESI(1), data], { account: s.fan.account }),
        s.vault,
        "Vault_InvalidTipData",
        [BigInt((data.length - 2) / 2)],
      );
      assert.deepEqual(await balances(s), before, name);
    }
    // The two-argument overload sends empty data.
    await viem.assertions.revertWithCustomErrorWithArgs(
      s.mesi.write.transferAndCall([s.vault.address, MESI(1)], { account: s.fan.account }),
      s.vault,
      "Vault_InvalidTipData",
      [0n],
    );
    assert.deepEqual(await balances(s), before);
  });

  it("reverts Vault_NotMesi when anyone but $MESI calls onTransferReceived", async () => {
    const s = await networkHelpers.loadFixture(deploy);
    const data = tipData(addr(s.creator));
    // Directly, claiming tokens that never arrived.
    await viem.assertions.revertWithCustomErrorWithArgs(
      s.vault.write.onTransferReceived([addr(s.fan), addr(s.fan), MESI(1000), data], { account: s.fan.account }),
      s.vault,
      "Vault_NotMesi",
      [addr(s.fan)],
    );
    // Through another ERC-1363 token (a second MesiToken deployment: same code, not the vault's token).
    const other = await viem.deployContract("MesiToken", [addr(s.outsider)]);
    await viem.assertions.revertWithCustomErrorWithArgs(
      other.write.transferAndCall([s.vault.address, MESI(1000), data], { account: s.outsider.account }),
      s.vault,
      "Vault_NotMesi",
      [other.address],
    );
    assert.equal(await other.read.balanceOf([s.vault.address]), 0n);
    assert.deepEqual(await s.vault.read.earningsOf([addr(s.creator)]), [0n, 0n, 0n]);
    await assertConserved(s);
  });

  it("approveAndCall to the vault is not a tip: reverts ERC1363InvalidSpender and sets no allowance", async () => {
    const s = await networkHelpers.loadFixture(deploy);
    await s.wait(s.mesi.write.approve([s.vault.address, 0n], { account: s.fan.account }));
    await viem.assertions.revertWithCustomErrorWithArgs(
      s.mesi.write.approveAndCall([s.vault.address, MESI(1), tipData(addr(s.creator))], { account: s.fan.account }),
      s.mesi,
      "ERC1363InvalidSpender",
      [s.vault.address],
    );
    assert.equal(await s.mesi.read.allowance([addr(s.fan), s.vault.address]), 0n);
  });

  it("tips almost the whole supply in one call, and the creator claims it", async () => {
    const s = await networkHelpers.loadFixture(deploy);
    const whale = s.admin;
    const amount = await s.mesi.read.balanceOf([addr(whale)]);
    assert.equal(amount, TOTAL_SUPPLY - FLOAT - 2n * FAN_BALANCE);
    await viem.assertions.emitWithArgs(
      s.mesi.write.transferAndCall([s.vault.address, amount, tipData(addr(s.creator))]),
      s.vault,
      "Tipped",
      [addr(s.creator), addr(whale), amount, feeOf(amount), Channel.Stream, STREAM_ID, MEMO],
    );
    assert.deepEqual(await s.vault.read.earningsOf([addr(s.creator)]), [amount - feeOf(amount), 0n, feeOf(amount)]);
    // The fans' balances on top: the vault now holds all but the fan that tips last.
    await s.wait(
      s.mesi.write.transferAndCall([s.vault.address, FAN_BALANCE, tipData(addr(s.creator))], {
        account: s.fan2.account,
      }),
    );
    assert.equal(await s.mesi.read.balanceOf([s.vault.address]), TOTAL_SUPPLY - FAN_BALANCE);
    await assertConserved(s);
    await s.wait(s.vault.write.claim([addr(s.creator)], { account: s.creator.account }));
    const net = amount + FAN_BALANCE - feeOf(amount) - feeOf(FAN_BALANCE);
    assert.equal(await s.mesi.read.balanceOf([addr(s.creator)]), net);
    await assertConserved(s);
    // One unit more than the balance is the token's own error, before the vault is called.
    await viem.assertions.revertWithCustomErrorWithArgs(
      s.mesi.write.transferAndCall([s.vault.address, FAN_BALANCE + 1n, tipData(addr(s.creator))], {
        account: s.fan.account,
      }),
      s.mesi,
      "ERC20InsufficientBalance",
      [addr(s.fan), FAN_BALANCE, FAN_BALANCE + 1n],
    );
  });

  it("advertises IERC1363Receiver through ERC-165, beside its access-control interfaces", async () => {
    const s = await networkHelpers.loadFixture(deploy);
    // IERC1363Receiver, IERC165, IAccessControl, IAccessControlDefaultAdminRules.
    for (const id of ["0x88a7ca5c", "0x01ffc9a7", "0x7965db0b", "0x31498786"] as const) {
      assert.equal(await s.vault.read.supportsInterface([id]), true, id);
    }
    assert.equal(await s.vault.read.supportsInterface(["0xffffffff"]), false);
  });
});
