// A fan's own side of the dApp in a real Chromium against `npm start`: their Mesi account (opened by the fan,
// tipped by another fan on its profile, claimed), following and joining a creator's tier, and their activity
// paged from the index — each checked on-chain and in the index, with screenshots at 390 px and 1280 px.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";

import type { Deployment } from "@mesi/deployments";
import type { Browser, Page } from "playwright-core";
import { parseEther, zeroHash, type Abi, type Address, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";

import { encodeTipData } from "../../src/lib/tips/tipData.ts";
import {
  chainClients,
  connectWallet,
  DESKTOP,
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

/** A fresh wallet with 1 ETH for gas and `mesi` $MESI from fan3, so suites never share balances. */
async function freshFan(mesiAmount: bigint): Promise<{ key: Hex; address: Address }> {
  const key = generatePrivateKey();
  const address = privateKeyToAccount(key).address;
  const { publicClient, walletClient } = chainClients(stack, stack.accounts.fan3.privateKey);
  await publicClient.waitForTransactionReceipt({
    hash: await walletClient!.sendTransaction({ chain: null, to: address, value: parseEther("1") }),
  });
  if (mesiAmount > 0n) {
    await publicClient.waitForTransactionReceipt({
      hash: await walletClient!.writeContract({
        ...mesi.MesiToken,
        chain: null,
        functionName: "transfer",
        args: [address, mesiAmount],
      }),
    });
  }
  return { key, address };
}

async function bothWidths(page: Page, name: string): Promise<void> {
  await page.setViewportSize(PHONE);
  await screenshot(page, `${name}-phone`);
  await page.setViewportSize(DESKTOP);
  await screenshot(page, `${name}-desktop`);
}

const vaultHasOpenAccount = (): boolean =>
  (mesi.MesiVault.abi as Abi).some((item) => item.type === "function" && item.name === "openAccount");

describe("fans' dApp: my account, memberships and activity", () => {
  before(async () => {
    ({ stack, browser, mesi } = await shared());
  });

  it("a fan opens a Mesi account, another fan tips its profile, and the owner claims the tip", async () => {
    const { publicClient } = chainClients(stack);
    const owner = await freshFan(0n);
    const tipper = await freshFan(parseEther("100"));

    const ownerTab = await openWithWallet(browser, stack, owner.key);
    await ownerTab.page.goto(`${stack.urls.webapp}/me`);
    await ownerTab.page.getByTestId("account-connect").waitFor();
    await connectWallet(ownerTab.page);
    if (vaultHasOpenAccount()) {
      await ownerTab.page.getByTestId("account-closed").waitFor();
      await bothWidths(ownerTab.page, "account-closed");
      await ownerTab.page.getByTestId("open-account").click();
      await ownerTab.page.getByTestId("account-open").waitFor({ timeout: 30_000 });
      assert.equal(
        await publicClient.readContract({ ...mesi.MesiVault, functionName: "isLedgerOpen", args: [owner.address] }),
        true,
        "the vault has the account open",
      );
    } else {
      await ownerTab.page.getByTestId("account-closed").waitFor();
    }

    // Another fan tips the new account from its profile, though it is no registered creator.
    const tipTab = await openWithWallet(browser, stack, tipper.key);
    await tipTab.page.goto(`${stack.urls.webapp}/c/${owner.address}`);
    await tipTab.page.getByRole("heading", { level: 1 }).waitFor();
    assert.equal(await tipTab.page.getByTestId("follow").count(), 0, "no follow button for a non-creator");
    await connectWallet(tipTab.page);
    await tipTab.page.getByTestId("open-tip").click();
    await tipTab.page.getByLabel(/Amount/).fill("10");
    await tipTab.page.getByTestId("send-tip").click();
    await tipTab.page.getByTestId("tip-confirmed").waitFor({ timeout: 60_000 });
    const hash = (await tipTab.page.getByTestId("tip-tx").textContent())!.trim() as Hex;
    await tipTab.page.keyboard.press("Escape");
    await tipTab.page.locator(`[data-testid="tip-row"][data-tx="${hash}"]`).waitFor({ timeout: 15_000 });
    await bothWidths(tipTab.page, "account-profile");
    await tipTab.context.close();

    const [cleared] = await publicClient.readContract({
      ...mesi.MesiVault,
      functionName: "earningsOf",
      args: [owner.address],
    });
    assert.ok(cleared > 0n && cleared <= parseEther("10"), `cleared ${cleared}`);

    // The owner sees the tip received and claims it to their wallet.
    await ownerTab.page.reload();
    await ownerTab.page.locator(`[data-testid="tip-row"][data-tx="${hash}"]`).waitFor({ timeout: 15_000 });
    await ownerTab.page.getByTestId("claim").waitFor();
    await bothWidths(ownerTab.page, "account-earnings");
    const balanceBefore = await publicClient.readContract({
      ...mesi.MesiToken,
      functionName: "balanceOf",
      args: [owner.address],
    });
    await ownerTab.page.getByTestId("claim").click();
    await ownerTab.page.getByTestId("claim-done").waitFor({ timeout: 30_000 });
    const balanceAfter = await publicClient.readContract({
      ...mesi.MesiToken,
      functionName: "balanceOf",
      args: [owner.address],
    });
    assert.equal(balanceAfter - balanceBefore, cleared, "the cleared earnings reached the wallet");
    const [clearedAfter] = await publicClient.readContract({
      ...mesi.MesiVault,
      functionName: "earningsOf",
      args: [owner.address],
    });
    assert.equal(clearedAfter, 0n);
    const claims = await waitFor("the claim in the index", async () => {
      const data = await graph<{ claims: { amount: string; to: string }[] }>(
        stack,
        `query ($c: String!) { claims(where: { creator: $c }) { amount to } }`,
        { c: owner.address.toLowerCase() },
      );
      return data.claims.length > 0 ? data.claims : undefined;
    });
    assert.equal(claims[0]!.amount, cleared.toString());
    assert.equal(claims[0]!.to, owner.address.toLowerCase());
    await ownerTab.context.close();
  });

  it("follows, unfollows and joins a creator's tier (approve + subscribe), state from the index", async () => {
    const { publicClient } = chainClients(stack);
    const fan = await freshFan(parseEther("1000"));
    const bob = stack.accounts.creatorBob.address;
    const { context, page } = await openWithWallet(browser, stack, fan.key);
    await page.goto(`${stack.urls.webapp}/c/bob`);
    await connectWallet(page);
    const follow = page.getByTestId("follow");
    await follow.waitFor();
    assert.equal(await follow.getAttribute("aria-pressed"), "false");
    await follow.click();
    await page.locator('[data-testid="follow"][aria-pressed="true"]').waitFor({ timeout: 30_000 });
    assert.equal(
      await publicClient.readContract({
        ...mesi.CreatorRegistry,
        functionName: "isFollowing",
        args: [fan.address, bob],
      }),
      true,
    );
    const followingInIndex = async () =>
      (
        await graph<{ creatorFans: { following: boolean }[] }>(
          stack,
          `query ($c: String!, $f: String!) { creatorFans(where: { creator: $c, fan: $f }) { following } }`,
          { c: bob.toLowerCase(), f: fan.address.toLowerCase() },
        )
      ).creatorFans[0]?.following;
    assert.equal(await followingInIndex(), true);

    await page.getByTestId("join-tier").first().click();
    await page.getByTestId("membership").waitFor({ timeout: 60_000 });
    const subscription = await publicClient.readContract({
      ...mesi.CreatorRegistry,
      functionName: "subscriptionOf",
      args: [bob, fan.address],
    });
    assert.ok(subscription.expiresAt > BigInt(Math.floor(Date.now() / 1000)), "subscribed on-chain");
    const subs = await graph<{ fanSubscriptions: { rank: number; expiresAt: string }[] }>(
      stack,
      `query ($c: String!, $f: String!) { fanSubscriptions(where: { creator: $c, fan: $f }) { rank expiresAt } }`,
      { c: bob.toLowerCase(), f: fan.address.toLowerCase() },
    );
    assert.equal(subs.fanSubscriptions[0]?.expiresAt, subscription.expiresAt.toString());
    await bothWidths(page, "profile-member");

    await follow.click();
    await page.locator('[data-testid="follow"][aria-pressed="false"]').waitFor({ timeout: 30_000 });
    assert.equal(
      await publicClient.readContract({
        ...mesi.CreatorRegistry,
        functionName: "isFollowing",
        args: [fan.address, bob],
      }),
      false,
    );
    assert.equal(await followingInIndex(), false);

    // Following oneself is refused by the registry; the sentence comes through describeError.
    const bobTab = await openWithWallet(browser, stack, stack.accounts.creatorBob.privateKey);
    await bobTab.page.goto(`${stack.urls.webapp}/c/bob`);
    await connectWallet(bobTab.page);
    await bobTab.page.getByTestId("follow").click();
    const error = bobTab.page.getByTestId("membership-error").first();
    await error.waitFor({ timeout: 30_000 });
    assert.match((await error.textContent())!, /can't follow yourself/);
    await bobTab.context.close();
    await context.close();
  });

  it("lists the fan's activity from the index, paged, with empty states", async () => {
    const { publicClient } = chainClients(stack);
    const fan = await freshFan(parseEther("100"));
    const { walletClient: fanClient } = chainClients(stack, fan.key);
    const alice = stack.accounts.creatorAlice.address;
    const hashes: Hex[] = [];
    for (let i = 0; i < 11; i += 1) {
      const hash = await fanClient!.writeContract({
        ...mesi.MesiToken,
        chain: null,
        functionName: "transferAndCall",
        args: [mesi.MesiVault.address, parseEther(String(i + 1)), encodeTipData(alice, 0, zeroHash, zeroHash)],
      });
      await publicClient.waitForTransactionReceipt({ hash });
      hashes.push(hash);
    }
    await waitFor("11 tips in the index", async () => {
      const data = await graph<{ tips: { id: string }[] }>(
        stack,
        `query ($f: String!) { tips(where: { fan: $f }) { id } }`,
        {
          f: fan.address.toLowerCase(),
        },
      );
      return data.tips.length === 11 ? true : undefined;
    });

    const { context, page } = await openWithWallet(browser, stack, fan.key);
    await page.goto(`${stack.urls.webapp}/me/activity`);
    await page.getByTestId("activity-connect").waitFor();
    await connectWallet(page);
    await page.getByTestId("activity-rows").waitFor({ timeout: 15_000 });
    assert.equal(await page.getByTestId("activity-row").count(), 10, "a page holds ten rows");
    assert.equal(await page.locator(`[data-tx="${hashes[10]}"]`).count(), 1, "newest first");
    const align = await page
      .locator('[data-testid="activity-row"] .amount')
      .first()
      .evaluate((el) => {
        const style = getComputedStyle(el);
        return `${style.textAlign} ${style.fontVariantNumeric}`;
      });
    assert.equal(align, "right tabular-nums");
    await bothWidths(page, "activity-tips");
    await page.getByTestId("activity-next").click();
    await page.waitForURL(/page=2/);
    await page.locator(`[data-testid="activity-row"][data-tx="${hashes[0]}"]`).waitFor();
    assert.equal(await page.getByTestId("activity-row").count(), 1);
    await page.getByTestId("activity-prev").click();
    await page.waitForURL((url) => !url.search.includes("page=2"));
    await page.getByTestId("activity-row").first().waitFor();
    await page.getByTestId("activity-tab-reports").click();
    await page.waitForURL(/tab=reports/);
    await page.getByTestId("activity-empty").waitFor({ timeout: 15_000 });
    assert.match((await page.getByTestId("activity-empty").textContent())!, /haven't filed a report/);
    await bothWidths(page, "activity-empty");
    await context.close();
  });
});
