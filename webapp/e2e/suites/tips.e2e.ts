// The fans' dApp in a real headless Chromium against the whole local platform (`npm start`): connect,
// switch chain, tip four ways from a profile and from a tipping link, and every bad input — each checked
// on-chain and in the index, with a screenshot of every page at phone and desktop widths.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";

import type { Deployment } from "@mesi/deployments";
import type { Browser } from "playwright-core";
import { erc20Abi, parseEther, parseUnits, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";

import { formatAmount } from "../../src/lib/amounts/formatAmount.ts";
import {
  chainClients,
  connectWallet,
  DESKTOP,
  expectOutcome,
  graph,
  openWithWallet,
  PHONE,
  screenshot,
  waitFor,
} from "../support/fixtures.ts";
import { shared } from "../support/shared.ts";
import type { Stack } from "../support/stack.ts";

let stack: Stack;
let browser: Browser;
let mesi: Deployment;

interface TipRow {
  id: string;
  amount: string;
  channel: string;
  source: string;
  transactionHash: string;
  fan: { id: string };
}

async function tipsByTx(hash: string): Promise<TipRow[]> {
  const data = await graph<{ tips: TipRow[] }>(
    stack,
    `query ($tx: Bytes!) { tips(where: { transactionHash: $tx }) { id amount channel source transactionHash fan { id } } }`,
    { tx: hash.toLowerCase() },
  );
  return data.tips;
}

describe("fans' dApp: connect and tip", () => {
  before(async () => {
    ({ stack, browser, mesi } = await shared());
  });

  it("lists creators on the home page and searches them", async () => {
    const { context, page } = await openWithWallet(browser, stack, stack.accounts.fan1.privateKey);
    await page.goto(stack.urls.webapp);
    await page.getByRole("heading", { name: "Discover creators" }).waitFor();
    assert.ok(await page.getByText("Alice Demo").isVisible());
    assert.ok(await page.getByText("Bob Demo").isVisible());
    await screenshot(page, "home-desktop");
    await page.setViewportSize(PHONE);
    await screenshot(page, "home-phone");
    await page.getByLabel("Search creators").fill("bob");
    await page.getByLabel("Search creators").press("Enter");
    await page.waitForURL(/\?q=bob/);
    assert.equal(await page.getByText("Alice Demo").count(), 0);
    assert.ok(await page.getByText("Bob Demo").isVisible());
    await context.close();
  });

  it("connects a wallet found by EIP-6963 on another chain, asks it to switch, and prompts when it wanders off", async () => {
    const { context, page, wallet } = await openWithWallet(browser, stack, stack.accounts.fan2.privateKey, {
      startChainId: 1,
    });
    await page.goto(`${stack.urls.webapp}/c/alice`);
    await connectWallet(page);
    assert.ok(
      wallet.requests.some((r) => r.method === "wallet_switchEthereumChain"),
      "connecting asked the wallet to switch to Mesi's chain",
    );
    assert.equal(wallet.chainId, stack.chainId);
    // The fan picks another network in the wallet: the app asks to switch back.
    await wallet.userSwitchesTo(1);
    const switchButton = page.getByRole("button", { name: "Switch to Mesi local" });
    await switchButton.waitFor();
    await screenshot(page, "wrong-chain");
    await switchButton.click();
    await switchButton.waitFor({ state: "detached" });
    assert.equal(wallet.chainId, stack.chainId);
    await context.close();
  });

  it("tips in $MESI from a profile: one transaction, the fee shown, the tip in the history without a reload", async () => {
    const fan = stack.accounts.fan1;
    const alice = stack.accounts.creatorAlice.address;
    const { publicClient } = chainClients(stack);
    const before = await publicClient.readContract({ ...mesi.MesiVault, functionName: "earningsOf", args: [alice] });
    const { context, page, wallet } = await openWithWallet(browser, stack, fan.privateKey);
    await page.goto(`${stack.urls.webapp}/c/alice`);
    await screenshot(page, "profile-desktop");
    await connectWallet(page);
    await page.getByTestId("open-tip").click();
    await page.getByLabel(/Amount/).fill("12.5");
    await page.getByTestId("creator-receives").filter({ hasText: "11.25 MESI" }).waitFor();
    await screenshot(page, "tip-dialog");
    await page.getByTestId("send-tip").click();
    await page.getByTestId("tip-confirmed").waitFor({ timeout: 30_000 });
    const hash = (await page.getByTestId("tip-tx").textContent())!.trim() as Hex;
    const sent = wallet.requests.filter((r) => r.method === "eth_sendTransaction");
    assert.equal(sent.length, 1, "one transaction, no approval");
    const receipt = await publicClient.getTransactionReceipt({ hash });
    assert.equal(receipt.status, "success");
    const afterTip = await publicClient.readContract({ ...mesi.MesiVault, functionName: "earningsOf", args: [alice] });
    assert.equal(afterTip[0] - before[0], parseEther("11.25"), "cleared earnings grew by the tip minus the 10 % fee");
    const [tip] = await waitFor("the tip in the index", async () => {
      const rows = await tipsByTx(hash);
      return rows.length > 0 ? rows : undefined;
    });
    assert.equal(tip!.amount, parseEther("12.5").toString());
    assert.equal(tip!.channel, "PROFILE");
    await page.keyboard.press("Escape");
    await page.locator(`[data-testid="tip-row"][data-tx="${hash}"]`).waitFor({ timeout: 10_000 });
    await context.close();
  });

  it("tips gasless: a fan with no ETH signs, the relayer submits and pays", async () => {
    const key = generatePrivateKey();
    const fanAddress = privateKeyToAccount(key).address;
    const { publicClient, walletClient } = chainClients(stack, stack.accounts.fan3.privateKey);
    await publicClient.waitForTransactionReceipt({
      hash: await walletClient!.writeContract({
        ...mesi.MesiToken,
        chain: null,
        functionName: "transfer",
        args: [fanAddress, parseEther("100")],
      }),
    });
    assert.equal(await publicClient.getBalance({ address: fanAddress }), 0n);
    const { context, page } = await openWithWallet(browser, stack, key);
    await page.goto(`${stack.urls.webapp}/c/bob`);
    await connectWallet(page);
    await page.getByTestId("open-tip").click();
    await page.getByTestId("method-gasless").click();
    await page.getByLabel(/Amount/).fill("20");
    await page.getByTestId("send-tip").click();
    await expectOutcome(page, () => page.getByTestId("tip-confirmed").waitFor({ timeout: 60_000 }));
    const hash = (await page.getByTestId("tip-tx").textContent())!.trim() as Hex;
    const tx = await publicClient.getTransaction({ hash });
    assert.equal(tx.from.toLowerCase(), stack.accounts.relayer.address.toLowerCase(), "the relayer sent it");
    assert.equal(await publicClient.getBalance({ address: fanAddress }), 0n, "the fan paid no gas");
    assert.equal(
      await publicClient.readContract({ ...mesi.MesiToken, functionName: "balanceOf", args: [fanAddress] }),
      parseEther("80"),
    );
    const [tip] = await waitFor("the gasless tip in the index", async () => {
      const rows = await tipsByTx(hash);
      return rows.length > 0 ? rows : undefined;
    });
    assert.equal(tip!.fan.id, fanAddress.toLowerCase());
    await context.close();
  });

  it("tips in USDC without gas, converted at the converter's rate", async () => {
    const fan = stack.accounts.fan2;
    const { publicClient } = chainClients(stack);
    // The local chain always has TestUSDC.
    const usdc = mesi.TestUSDC!;
    const usdcBefore = await publicClient.readContract({
      ...usdc,
      functionName: "balanceOf",
      args: [fan.address],
    });
    const { context, page } = await openWithWallet(browser, stack, fan.privateKey);
    await page.goto(`${stack.urls.webapp}/c/alice`);
    await connectWallet(page);
    await page.getByTestId("open-tip").click();
    await page.getByTestId("method-stablecoin").click();
    await page.getByLabel(/Amount/).fill("3.5");
    await page.getByTestId("creator-receives").filter({ hasText: /\d/ }).waitFor();
    await page.getByTestId("send-tip").click();
    await expectOutcome(page, () => page.getByTestId("tip-confirmed").waitFor({ timeout: 60_000 }));
    const hash = (await page.getByTestId("tip-tx").textContent())!.trim() as Hex;
    const usdcAfter = await publicClient.readContract({
      ...usdc,
      functionName: "balanceOf",
      args: [fan.address],
    });
    assert.equal(usdcBefore - usdcAfter, parseUnits("3.5", 6));
    const [tip] = await waitFor("the USDC tip in the index", async () => {
      const rows = await tipsByTx(hash);
      return rows.length > 0 ? rows : undefined;
    });
    assert.equal(tip!.source, "STABLECOIN");
    await context.close();
  });

  it("tips in USDC paid directly: approve, then tipWithStablecoin; exact USDC out, the creator credited, the index says STABLECOIN", async () => {
    // A fresh fan with ETH for gas and USDC only, so every approval on record is this test's.
    const key = generatePrivateKey();
    const fan = privateKeyToAccount(key).address;
    const alice = stack.accounts.creatorAlice.address;
    const usdc = mesi.TestUSDC!;
    const vault = mesi.MesiVault.address;
    const { publicClient, walletClient } = chainClients(stack, stack.accounts.fan3.privateKey);
    await publicClient.waitForTransactionReceipt({
      hash: await walletClient!.sendTransaction({ chain: null, to: fan, value: parseEther("1") }),
    });
    await publicClient.waitForTransactionReceipt({
      hash: await walletClient!.writeContract({
        ...usdc,
        chain: null,
        functionName: "mint",
        args: [fan, parseUnits("10", 6)],
      }),
    });
    const stableAmount = parseUnits("2.5", 6);
    const mesiOut = await publicClient.readContract({
      ...mesi.StableConverter,
      functionName: "quote",
      args: [usdc.address, stableAmount],
    });
    const feeBps = await publicClient.readContract({ ...mesi.MesiVault, functionName: "feeBps" });
    const fee = (mesiOut * feeBps) / 10_000n; // FeeMath.feeOf rounds down
    const usdcOf = () => publicClient.readContract({ ...usdc, functionName: "balanceOf", args: [fan] });
    const allowance = () => publicClient.readContract({ ...usdc, functionName: "allowance", args: [fan, vault] });
    const approvals = async () =>
      (
        await publicClient.getContractEvents({
          address: usdc.address,
          abi: erc20Abi,
          eventName: "Approval",
          args: { owner: fan, spender: vault },
          fromBlock: 0n,
        })
      ).map((log) => log.args.value);
    const cleared = async () =>
      (await publicClient.readContract({ ...mesi.MesiVault, functionName: "earningsOf", args: [alice] }))[0];

    const { context, page, wallet } = await openWithWallet(browser, stack, key, { viewport: PHONE });
    await page.goto(`${stack.urls.webapp}/c/alice`);
    await connectWallet(page);
    await page.getByTestId("open-tip").click();
    await page.getByTestId("method-stablecoin").click();
    await page.getByLabel(/Amount/).fill("2.5");
    await page.getByLabel("Pay the gas myself").check();
    await page
      .getByTestId("creator-receives")
      .filter({ hasText: `${formatAmount(mesiOut - fee, 18)} MESI` })
      .waitFor();
    await screenshot(page, "tip-usdc-direct-phone");

    /** One tip from the open form; returns its hash once the page confirms it. */
    const tipOnce = async (): Promise<Hex> => {
      await page.getByTestId("send-tip").click();
      await expectOutcome(page, () => page.getByTestId("tip-confirmed").waitFor({ timeout: 60_000 }));
      return (await page.getByTestId("tip-tx").textContent())!.trim() as Hex;
    };
    const sent = () => wallet.requests.filter((r) => r.method === "eth_sendTransaction").length;

    // First tip: ensureAllowance finds no allowance, approves exactly the tip, then the tip pulls it all.
    let usdcBefore = await usdcOf();
    let creatorBefore = await cleared();
    const first = await tipOnce();
    assert.equal(sent(), 2, "approve, then tipWithStablecoin");
    assert.deepEqual(await approvals(), [stableAmount], "one approval, of exactly the tip");
    assert.equal(await allowance(), 0n, "no standing allowance is left behind");
    assert.equal(usdcBefore - (await usdcOf()), stableAmount, "exactly the tip's USDC left the wallet");
    assert.equal(
      (await cleared()) - creatorBefore,
      mesiOut - fee,
      "the creator is credited the converted tip less the fee",
    );
    const tip = await waitFor("the direct USDC tip in the index", async () => (await tipsByTx(first))[0]);
    assert.deepEqual(
      { source: tip.source, amount: tip.amount, fan: tip.fan.id },
      { source: "STABLECOIN", amount: mesiOut.toString(), fan: fan.toLowerCase() },
    );
    await page.setViewportSize(DESKTOP);
    await screenshot(page, "tip-usdc-direct-desktop");

    // A second tip of the same size: the exact approval was used up, so ensureAllowance approves again.
    await page.getByRole("button", { name: "Send another" }).click();
    assert.equal(await page.getByLabel(/Amount/).inputValue(), "2.5", "the form keeps the amount");
    assert.ok(await page.getByLabel("Pay the gas myself").isChecked(), "and the way to pay");
    usdcBefore = await usdcOf();
    creatorBefore = await cleared();
    await tipOnce();
    assert.equal(sent(), 4, "approve again, then tip");
    assert.deepEqual(await approvals(), [stableAmount, stableAmount]);
    assert.equal(usdcBefore - (await usdcOf()), stableAmount);
    assert.equal((await cleared()) - creatorBefore, mesiOut - fee);

    // An allowance that already covers the tip (given elsewhere) is used as it is: no approve, one transaction.
    const fanWallet = chainClients(stack, key).walletClient!;
    await publicClient.waitForTransactionReceipt({
      hash: await fanWallet.writeContract({
        ...usdc,
        chain: null,
        functionName: "approve",
        args: [vault, 2n * stableAmount],
      }),
    });
    await page.getByRole("button", { name: "Send another" }).click();
    await tipOnce();
    assert.equal(sent(), 5, "only tipWithStablecoin");
    assert.equal((await approvals()).length, 3, "no approval from the page");
    assert.equal(await allowance(), stableAmount, "the tip used its share of the standing allowance");
    await context.close();
  });

  it("tips by card through the labelled test-card page and the relayer's simulator", async () => {
    const fan = stack.accounts.fan3;
    const { context, page } = await openWithWallet(browser, stack, fan.privateKey);
    // npm start takes cards with the simulator: Stripe.js (js.stripe.com) must never load there.
    const stripeRequests: string[] = [];
    page.on("request", (request) => {
      if (new URL(request.url()).hostname.endsWith("stripe.com")) stripeRequests.push(request.url());
    });
    await page.goto(`${stack.urls.webapp}/c/alice`);
    await connectWallet(page);
    await page.getByTestId("open-tip").click();
    await page.getByTestId("method-card").click();
    // 1 MESI = $0.01 locally; a card charge is at least $0.50.
    await page.getByLabel(/Amount/).fill("400");
    await page.getByTestId("send-tip").click();
    await expectOutcome(page, () => page.waitForURL(/\/pay\//, { timeout: 60_000 }));
    await page.getByTestId("dev-notice").waitFor();
    await screenshot(page, "card-checkout");
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, "card-checkout-390");
    await page.setViewportSize({ width: 1280, height: 800 });
    assert.equal(await page.getByTestId("stripe-payment-element").count(), 0);
    await page.getByTestId("pay-card").click();
    await page.getByTestId("card-done").waitFor({ timeout: 60_000 });
    assert.deepEqual(stripeRequests, []);
    assert.equal(await page.locator('script[src*="stripe.com"]').count(), 0);
    const data = await waitFor("the card tip in the index", async () => {
      const d = await graph<{ tips: TipRow[] }>(
        stack,
        `query ($fan: String!) { tips(where: { fan: $fan, source: FIAT }) { id amount channel source transactionHash fan { id } } }`,
        { fan: fan.address.toLowerCase() },
      );
      // This fan may have paid by card in an earlier suite: look for this tip, of 400 MESI.
      const mine = d.tips.filter((tip) => tip.amount === parseEther("400").toString());
      return mine.length > 0 ? mine : undefined;
    });
    assert.equal(data.length, 1);
    assert.equal(data[0]!.amount, parseEther("400").toString());
    await context.close();
  });

  it("opens a tipping link pre-filled, previews it for social sites, and records the TIP_LINK channel", async () => {
    const html = await (await fetch(`${stack.urls.webapp}/tip/alice?amount=5&memo=Encore!`)).text();
    assert.match(html, /<meta property="og:title" content="Tip Alice Demo on Mesi"/);
    assert.match(html, /<meta name="twitter:card"/);
    const { context, page } = await openWithWallet(browser, stack, stack.accounts.fan1.privateKey, { viewport: PHONE });
    await page.goto(`${stack.urls.webapp}/tip/alice?amount=5&memo=Encore!`);
    assert.equal(await page.getByLabel(/Amount/).inputValue(), "5");
    assert.equal(await page.getByLabel(/Message/).inputValue(), "Encore!");
    await screenshot(page, "tip-link-phone");
    await connectWallet(page);
    await page.getByTestId("send-tip").click();
    await page.getByTestId("tip-confirmed").waitFor({ timeout: 30_000 });
    const hash = (await page.getByTestId("tip-tx").textContent())!.trim();
    const [tip] = await waitFor("the link tip in the index", async () => {
      const rows = await tipsByTx(hash);
      return rows.length > 0 ? rows : undefined;
    });
    assert.equal(tip!.channel, "TIP_LINK");
    await context.close();
  });

  it("explains every bad input next to the field, keeps what was typed and sends nothing", async () => {
    const { context, page, wallet } = await openWithWallet(browser, stack, stack.accounts.fan1.privateKey);
    await page.goto(`${stack.urls.webapp}/tip/bob`);
    await connectWallet(page);
    const amount = page.getByLabel(/Amount/);
    const error = page.locator("#tip-amount-error");
    const cases: [string, RegExp][] = [
      ["", /Enter an amount/],
      ["0", /more than zero/],
      ["-3", /can't be negative/],
      ["abc", /Enter a number/],
      ["1.0000000000000000001", /at most 18 decimal places/],
      ["100000000000", /more than your balance/],
    ];
    for (const [typed, message] of cases) {
      await amount.fill(typed);
      await page.getByTestId("send-tip").click();
      await error.filter({ hasText: message }).waitFor({ timeout: 5_000 });
      assert.equal(await amount.inputValue(), typed, "the form keeps what the fan typed");
    }
    await screenshot(page, "tip-bad-input");
    assert.equal(wallet.requests.filter((r) => r.method === "eth_sendTransaction").length, 0);

    // A rejected signature: a sentence, the amount kept, nothing sent.
    await amount.fill("1");
    wallet.rejectNext("eth_sendTransaction");
    await page.getByTestId("send-tip").click();
    await page.getByTestId("tip-error").filter({ hasText: "You cancelled in your wallet" }).waitFor();
    assert.equal(await amount.inputValue(), "1");
    await context.close();
  });

  it("tells a blocked fan why the tip can't go through, with the contract's reason", async () => {
    const fan = stack.accounts.fan3;
    const bob = stack.accounts.creatorBob;
    const { publicClient, walletClient } = chainClients(stack, bob.privateKey);
    await publicClient.waitForTransactionReceipt({
      hash: await walletClient!.writeContract({
        ...mesi.MesiVault,
        chain: null,
        functionName: "blockFan",
        args: [fan.address],
      }),
    });
    const { context, page } = await openWithWallet(browser, stack, fan.privateKey);
    await page.goto(`${stack.urls.webapp}/tip/bob`);
    await connectWallet(page);
    await page.getByLabel(/Amount/).fill("2");
    await page.getByTestId("send-tip").click();
    await page.getByTestId("tip-error").waitFor({ timeout: 30_000 });
    assert.match((await page.getByTestId("tip-error").textContent()) ?? "", /blocked you/);
    await screenshot(page, "tip-blocked");
    await context.close();
  });

  it("renders the profile at phone width without horizontal scrolling", async () => {
    const { context, page } = await openWithWallet(browser, stack, stack.accounts.fan1.privateKey, { viewport: PHONE });
    await page.goto(`${stack.urls.webapp}/c/alice`);
    await screenshot(page, "profile-phone");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `page is ${overflow}px wider than the phone`);
    await page.setViewportSize(DESKTOP);
    await context.close();
  });
});
