// MesiTickets.buyWithStablecoinBySig: a fan signs an EIP-712 StablecoinBuyAuthorization (domain "MesiTickets"/"1")
// and an EIP-2612 permit of the stablecoin for the vault; anyone — normally the relayer — submits both and pays the
// gas; the fan pays the quoted stablecoin and receives the tickets.
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { permitTypes, stablecoinBuyAuthorizationTypes } from "@mesi/deployments";
import { network } from "hardhat";
import { hashTypedData, keccak256, maxUint256, parseSignature, toHex, zeroHash, type Address, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";

import { assertVaultConservation, deployModules, MESI, publicRules, USDC, type Modules } from "../fixtures/modules.ts";
import type { PermitArgs } from "../fixtures/permit.ts";

const STREAM = 1n;
const PRICE = MESI(50);
const SUPPLY = 100;
const FEE_BPS = 1000n;
const Source = { Stablecoin: 1 } as const;
const NO_PERMIT: PermitArgs = { value: 0n, deadline: 0n, v: 0, r: zeroHash, s: zeroHash };
const feeOf = (amount: bigint) => (amount * FEE_BPS) / 10_000n;

type StablecoinBuyAuthorization = {
  fan: Address;
  streamId: bigint;
  quantity: number;
  stablecoin: Address;
  maxStableIn: bigint;
  nonce: bigint;
  deadline: bigint;
};

describe("MesiTickets.buyWithStablecoinBySig", async () => {
  const connection = await network.create();
  const { networkHelpers } = connection;
  const { time } = networkHelpers;

  /** Stream 1 of `creator` on sale (50 MESI = 0.5 USDC, 100 tickets). */
  async function saleFixture() {
    const m = await deployModules(connection);
    const { registry, tickets, creator, wait } = m;
    await wait(registry.write.createStream([publicRules, "ipfs://stream-1"], { account: creator.account }));
    await wait(tickets.write.configureSale([STREAM, PRICE, SUPPLY, false, 0], { account: creator.account }));
    return { ...m, chainId: await m.publicClient.getChainId() };
  }
  type Fixture = Modules & { chainId: number };
  const load = () => networkHelpers.loadFixture(saleFixture);

  /** A fan that only ever signs: a fresh key holding USDC and no native gas. */
  async function gaslessFan(m: Fixture, usdc: bigint): Promise<PrivateKeyAccount> {
    const fan = privateKeyToAccount(generatePrivateKey());
    await m.wait(m.usdc.write.mint([fan.address, usdc]));
    return fan;
  }

  async function authFor(m: Fixture, fan: Address, overrides: Partial<StablecoinBuyAuthorization> = {}) {
    const quantity = overrides.quantity ?? 2;
    return {
      fan,
      streamId: STREAM,
      quantity,
      stablecoin: m.usdc.address,
      maxStableIn: await m.converter.read.quoteStableIn([m.usdc.address, PRICE * BigInt(quantity)]),
      nonce: await m.tickets.read.nonces([fan]),
      deadline: BigInt(await time.latest()) + 3600n,
      ...overrides,
    } satisfies StablecoinBuyAuthorization;
  }

  function signOrder(m: Fixture, signer: PrivateKeyAccount, auth: StablecoinBuyAuthorization): Promise<Hex> {
    return signer.signTypedData({
      domain: { name: "MesiTickets", version: "1", chainId: m.chainId, verifyingContract: m.tickets.address },
      types: stablecoinBuyAuthorizationTypes,
      primaryType: "StablecoinBuyAuthorization",
      message: auth,
    });
  }

  /** The fan's EIP-2612 permit of USDC for the vault (TestUSDC's domain: its name, version "1"). */
  async function signUsdcPermit(m: Fixture, owner: PrivateKeyAccount, value: bigint, deadline: bigint) {
    const nonce = await m.usdc.read.nonces([owner.address]);
    const signature = await owner.signTypedData({
      domain: {
        name: await m.usdc.read.name(),
        version: "1",
        chainId: m.chainId,
        verifyingContract: m.usdc.address,
      },
      types: permitTypes,
      primaryType: "Permit",
      message: { owner: owner.address, spender: m.vault.address, value, nonce, deadline },
    });
    const { r, s, v, yParity } = parseSignature(signature);
    return { value, deadline, v: v === undefined ? yParity + 27 : Number(v), r, s } satisfies PermitArgs;
  }

  /** A signed order and permit for `quantity` tickets at today's quote, from a fresh gasless fan holding 10 USDC. */
  async function signedPurchase(m: Fixture, overrides: Partial<StablecoinBuyAuthorization> = {}) {
    const fan = await gaslessFan(m, USDC(10));
    const auth = await authFor(m, fan.address, overrides);
    const permit = await signUsdcPermit(m, fan, auth.maxStableIn, auth.deadline);
    return { fan, auth, permit, signature: await signOrder(m, fan, auth) };
  }

  /** Nothing moved: no ticket sold, the fan's USDC and nonce and the vault's float as they were. */
  async function assertNothingChanged(m: Fixture, fan: Address, floatBefore: bigint) {
    assert.equal((await m.tickets.read.saleOf([STREAM])).sold, 0);
    assert.equal(await m.tickets.read.balanceOf([fan, STREAM]), 0n);
    assert.equal(await m.tickets.read.nonces([fan]), 0n);
    assert.equal(await m.usdc.read.balanceOf([fan]), USDC(10));
    assert.equal(await m.usdc.read.balanceOf([m.vault.address]), 0n);
    assert.equal(await m.vault.read.floatBalance(), floatBefore);
  }

  describe("happy path", () => {
    it("a fan with no native gas signs the order and a USDC permit; the relayer submits and pays the gas", async () => {
      const m = await load();
      const { tickets, vault, usdc, converter, creator, relayer, viem, publicClient } = m;
      const { fan, auth, permit, signature } = await signedPurchase(m);
      assert.equal(await publicClient.getBalance({ address: fan.address }), 0n);
      const stableIn = auth.maxStableIn;
      assert.equal(stableIn, USDC(1)); // 2 × 50 MESI at 0.01 USD
      const mesiOut = await converter.read.quote([usdc.address, stableIn]);
      const floatBefore = await vault.read.floatBalance();
      const relayerEthBefore = await publicClient.getBalance({ address: relayer.account.address });

      const hash = tickets.write.buyWithStablecoinBySig([auth, signature, permit], { account: relayer.account });
      await viem.assertions.emitWithArgs(hash, tickets, "TicketsPurchased", [
        STREAM,
        creator.account.address,
        fan.address,
        2,
        mesiOut,
        feeOf(mesiOut),
        Source.Stablecoin,
        zeroHash,
        2,
      ]);
      await viem.assertions.emitWithArgs(hash, vault, "ModuleStablecoinCredited", [
        tickets.address,
        creator.account.address,
        fan.address,
        usdc.address,
        stableIn,
        mesiOut,
        feeOf(mesiOut),
      ]);
      assert.equal(await tickets.read.balanceOf([fan.address, STREAM]), 2n);
      assert.equal(await usdc.read.balanceOf([fan.address]), USDC(10) - stableIn);
      assert.equal(await usdc.read.balanceOf([vault.address]), stableIn);
      assert.equal(await usdc.read.allowance([fan.address, vault.address]), 0n, "the permit was spent exactly");
      assert.equal(await vault.read.floatBalance(), floatBefore - mesiOut);
      assert.deepEqual(await vault.read.earningsOf([creator.account.address]), [
        mesiOut - feeOf(mesiOut),
        0n,
        feeOf(mesiOut),
      ]);
      assert.equal(await tickets.read.nonces([fan.address]), 1n);
      assert.equal((await tickets.read.saleOf([STREAM])).sold, 2);
      assert.equal(await publicClient.getBalance({ address: fan.address }), 0n, "the fan paid no gas");
      assert.ok((await publicClient.getBalance({ address: relayer.account.address })) < relayerEthBefore);
      await assertVaultConservation(m, [creator.account.address, m.creator2.account.address]);
    });

    it("pays only the quote: a higher maxStableIn leaves the rest with the fan (as unspent allowance)", async () => {
      const m = await load();
      const { tickets, usdc, vault, relayer } = m;
      const fan = await gaslessFan(m, USDC(10));
      const auth = await authFor(m, fan.address, { maxStableIn: USDC(3) });
      const permit = await signUsdcPermit(m, fan, USDC(3), auth.deadline);
      await m.wait(
        tickets.write.buyWithStablecoinBySig([auth, await signOrder(m, fan, auth), permit], {
          account: relayer.account,
        }),
      );
      assert.equal(await usdc.read.balanceOf([fan.address]), USDC(9));
      assert.equal(await usdc.read.allowance([fan.address, vault.address]), USDC(2));
    });

    it("with an allowance already in place no permit is needed; the ticket nonce is shared with buyBySig", async () => {
      const m = await load();
      const { tickets, usdc, vault, fan, other } = m;
      await m.wait(usdc.write.mint([fan.account.address, USDC(10)]));
      await m.wait(usdc.write.approve([vault.address, maxUint256], { account: fan.account }));
      const auth = await authFor(m, fan.account.address, { quantity: 1 });
      const signature = await fan.signTypedData({
        domain: { name: "MesiTickets", version: "1", chainId: m.chainId, verifyingContract: tickets.address },
        types: stablecoinBuyAuthorizationTypes,
        primaryType: "StablecoinBuyAuthorization",
        message: auth,
      });
      await m.wait(tickets.write.buyWithStablecoinBySig([auth, signature, NO_PERMIT], { account: other.account }));
      assert.equal(await tickets.read.balanceOf([fan.account.address, STREAM]), 1n);
      assert.equal(await tickets.read.nonces([fan.account.address]), 1n);
    });

    it("digest matches EIP-712 (domain MesiTickets/1) and the published typehash", async () => {
      const m = await load();
      const auth = await authFor(m, m.fan.account.address);
      const expected = hashTypedData({
        domain: { name: "MesiTickets", version: "1", chainId: m.chainId, verifyingContract: m.tickets.address },
        types: stablecoinBuyAuthorizationTypes,
        primaryType: "StablecoinBuyAuthorization",
        message: auth,
      });
      assert.equal(await m.tickets.read.stablecoinBuyAuthorizationDigest([auth]), expected);
      assert.equal(
        await m.tickets.read.STABLECOIN_BUY_AUTHORIZATION_TYPEHASH(),
        keccak256(
          toHex(
            "StablecoinBuyAuthorization(address fan,uint256 streamId,uint32 quantity,address stablecoin,uint256 maxStableIn,uint256 nonce,uint256 deadline)",
          ),
        ),
      );
    });
  });

  describe("failures change nothing", () => {
    it("reverts Tickets_SignatureExpired after the deadline", async () => {
      const m = await load();
      const deadline = BigInt(await time.latest()) + 100n;
      const { fan, auth, permit, signature } = await signedPurchase(m, { deadline });
      const floatBefore = await m.vault.read.floatBalance();
      await time.setNextBlockTimestamp(deadline + 1n);
      await m.viem.assertions.revertWithCustomErrorWithArgs(
        m.tickets.write.buyWithStablecoinBySig([auth, signature, permit], { account: m.relayer.account }),
        m.tickets,
        "Tickets_SignatureExpired",
        [deadline, deadline + 1n],
      );
      await assertNothingChanged(m, fan.address, floatBefore);
    });

    it("reverts Tickets_InvalidSignature for another signer or a tampered field; the permit is not applied", async () => {
      const m = await load();
      const { tickets, usdc, vault, relayer, viem } = m;
      const { fan, auth, permit, signature } = await signedPurchase(m);
      const floatBefore = await vault.read.floatBalance();
      const stranger = privateKeyToAccount(generatePrivateKey());
      const as = { account: relayer.account };
      await viem.assertions.revertWithCustomErrorWithArgs(
        tickets.write.buyWithStablecoinBySig([auth, await signOrder(m, stranger, auth), permit], as),
        tickets,
        "Tickets_InvalidSignature",
        [fan.address],
      );
      for (const tampered of [
        { ...auth, streamId: 2n },
        { ...auth, quantity: 3 },
        { ...auth, stablecoin: m.mesi.address },
        { ...auth, maxStableIn: auth.maxStableIn + 1n },
        { ...auth, deadline: auth.deadline + 1n },
      ]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          tickets.write.buyWithStablecoinBySig([tampered, signature, permit], as),
          tickets,
          "Tickets_InvalidSignature",
          [fan.address],
        );
      }
      assert.equal(await usdc.read.allowance([fan.address, vault.address]), 0n);
      await assertNothingChanged(m, fan.address, floatBefore);
    });

    it("reverts InvalidAccountNonce on replay; the fan paid once", async () => {
      const m = await load();
      const { tickets, usdc, relayer, viem } = m;
      const { fan, auth, permit, signature } = await signedPurchase(m);
      await m.wait(tickets.write.buyWithStablecoinBySig([auth, signature, permit], { account: relayer.account }));
      await viem.assertions.revertWithCustomErrorWithArgs(
        tickets.write.buyWithStablecoinBySig([auth, signature, permit], { account: relayer.account }),
        tickets,
        "InvalidAccountNonce",
        [fan.address, 1n],
      );
      assert.equal(await tickets.read.balanceOf([fan.address, STREAM]), 2n);
      assert.equal(await usdc.read.balanceOf([fan.address]), USDC(10) - auth.maxStableIn);
      assert.equal((await tickets.read.saleOf([STREAM])).sold, 2);
    });

    it("reverts Tickets_PriceTooHigh in USDC units when the creator raised the price after signing", async () => {
      const m = await load();
      const { tickets, converter, usdc, creator, relayer, viem } = m;
      const { fan, auth, permit, signature } = await signedPurchase(m);
      const floatBefore = await m.vault.read.floatBalance();
      await m.wait(tickets.write.configureSale([STREAM, PRICE * 2n, SUPPLY, false, 0], { account: creator.account }));
      const quoted = await converter.read.quoteStableIn([usdc.address, PRICE * 2n * 2n]);
      await viem.assertions.revertWithCustomErrorWithArgs(
        tickets.write.buyWithStablecoinBySig([auth, signature, permit], { account: relayer.account }),
        tickets,
        "Tickets_PriceTooHigh",
        [STREAM, quoted, auth.maxStableIn],
      );
      assert.equal(quoted, USDC(2));
      await assertNothingChanged(m, fan.address, floatBefore);
    });

    it("reverts Tickets_SoldOut when fewer tickets remain than the order asks for", async () => {
      const m = await load();
      const { tickets, creator, relayer, viem } = m;
      await m.wait(tickets.write.configureSale([STREAM, PRICE, 1, false, 0], { account: creator.account }));
      const { fan, auth, permit, signature } = await signedPurchase(m);
      const floatBefore = await m.vault.read.floatBalance();
      await viem.assertions.revertWithCustomErrorWithArgs(
        tickets.write.buyWithStablecoinBySig([auth, signature, permit], { account: relayer.account }),
        tickets,
        "Tickets_SoldOut",
        [STREAM, 2, 1],
      );
      await assertNothingChanged(m, fan.address, floatBefore);
    });

    it("reverts Tickets_SaleClosed once the creator closed the sale", async () => {
      const m = await load();
      const { tickets, creator, relayer, viem } = m;
      const { fan, auth, permit, signature } = await signedPurchase(m);
      const floatBefore = await m.vault.read.floatBalance();
      await m.wait(tickets.write.closeSale([STREAM], { account: creator.account }));
      await viem.assertions.revertWithCustomErrorWithArgs(
        tickets.write.buyWithStablecoinBySig([auth, signature, permit], { account: relayer.account }),
        tickets,
        "Tickets_SaleClosed",
        [STREAM],
      );
      await assertNothingChanged(m, fan.address, floatBefore);
    });

    it("a blocked fan cannot buy (Vault_Blocked); the nonce stays unused", async () => {
      const m = await load();
      const { tickets, vault, creator, relayer, viem } = m;
      const { fan, auth, permit, signature } = await signedPurchase(m);
      const floatBefore = await vault.read.floatBalance();
      await m.wait(vault.write.blockFan([fan.address], { account: creator.account }));
      await viem.assertions.revertWithCustomErrorWithArgs(
        tickets.write.buyWithStablecoinBySig([auth, signature, permit], { account: relayer.account }),
        vault,
        "Vault_Blocked",
        [creator.account.address, fan.address],
      );
      await assertNothingChanged(m, fan.address, floatBefore);
    });

    it("without a permit or allowance the vault's pull reverts ERC20InsufficientAllowance", async () => {
      const m = await load();
      const { tickets, usdc, vault, relayer, viem } = m;
      const { fan, auth, signature } = await signedPurchase(m);
      const floatBefore = await vault.read.floatBalance();
      await viem.assertions.revertWithCustomErrorWithArgs(
        tickets.write.buyWithStablecoinBySig([auth, signature, NO_PERMIT], { account: relayer.account }),
        usdc,
        "ERC20InsufficientAllowance",
        [vault.address, 0n, auth.maxStableIn],
      );
      await assertNothingChanged(m, fan.address, floatBefore);
    });

    it("tolerates a front-run permit: the allowance it set is used", async () => {
      const m = await load();
      const { tickets, usdc, vault, relayer, other } = m;
      const { fan, auth, permit, signature } = await signedPurchase(m);
      await m.wait(
        usdc.write.permit([fan.address, vault.address, permit.value, permit.deadline, permit.v, permit.r, permit.s], {
          account: other.account,
        }),
      );
      await m.wait(tickets.write.buyWithStablecoinBySig([auth, signature, permit], { account: relayer.account }));
      assert.equal(await tickets.read.balanceOf([fan.address, STREAM]), 2n);
    });
  });
});
