// One-to-one calls from a creator's profile in a real headless Chromium against the whole platform: request
// through ERC-1363 (one transaction, no approval), the status read from the index and refreshed live, cancel for a
// refund, KYF consent when the creator asks, and every bad input — each checked on chain and in the index.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";

import { readSessionState, sessionIdOf, SessionStatus, type Deployment } from "@mesi/deployments";
import type { Browser } from "playwright-core";
import { parseEther, type Address } from "viem";

import { chainClients, connectWallet, graph, openWithWallet, PHONE, screenshot, waitFor } from "../support/fixtures.ts";
import { freshFan } from "../support/people.ts";
import { shared } from "../support/shared.ts";
import type { Stack } from "../support/stack.ts";

let stack: Stack;
let browser: Browser;
let mesi: Deployment;

async function latestStatus(fan: Address): Promise<number> {
  const { publicClient } = chainClients(stack);
  const [, status] = await publicClient.readContract({
    ...mesi.OneToOneEscrow,
    functionName: "latestSessionOf",
    args: [fan, stack.accounts.creatorAlice.address],
  });
  return status;
}

async function indexedStatus(fan: Address, status: string): Promise<void> {
  await waitFor(`the session ${status} in the index`, async () => {
    const d = await graph<{ oneToOneSessions: { status: string }[] }>(
      stack,
      `query ($fan: String!) { oneToOneSessions(where: { fan: $fan }, orderBy: seq, orderDirection: desc, first: 1) { status } }`,
      { fan: fan.toLowerCase() },
    );
    return d.oneToOneSessions[0]?.status === status ? true : undefined;
  });
}

/** Alice calls the escrow about the fan's first session: accept, or ask for KYF. */
async function aliceCalls(fan: Address, functionName: "accept" | "requestKyf"): Promise<void> {
  const alice = stack.accounts.creatorAlice;
  const { publicClient, walletClient } = chainClients(stack, alice.privateKey);
  const { record } = await readSessionState(
    publicClient,
    { address: mesi.OneToOneEscrow.address },
    sessionIdOf(fan, alice.address, 1n),
  );
  await publicClient.waitForTransactionReceipt({
    hash: await walletClient!.writeContract({ ...mesi.OneToOneEscrow, chain: null, functionName, args: [record] }),
  });
}

describe("fans' dApp: one-to-one calls", () => {
  before(async () => {
    ({ stack, browser, mesi } = await shared());
  });

  it("requests a call in one transaction, sees it waiting with the time left, cancels for a refund", async () => {
    const fan = await freshFan(stack, mesi, parseEther("500"));
    const { context, page, wallet } = await openWithWallet(browser, stack, fan.key);
    await page.goto(`${stack.urls.webapp}/c/alice`);
    await connectWallet(page);
    await page.getByLabel("Offer (MESI)").fill("250");
    await page.getByLabel("Minutes", { exact: true }).fill("10");
    await page.getByTestId("session-request").click();
    const status = page.getByTestId("session-status");
    await status.and(page.locator('[data-stage="waiting"]')).waitFor({ timeout: 30_000 });
    await page
      .getByTestId("session-countdown")
      .filter({ hasText: /left to answer/ })
      .waitFor();
    assert.equal(wallet.requests.filter((r) => r.method === "eth_sendTransaction").length, 1, "one transaction");
    assert.equal(await latestStatus(fan.address), SessionStatus.Requested);
    const { publicClient } = chainClients(stack);
    const balance = () =>
      publicClient.readContract({ ...mesi.MesiToken, functionName: "balanceOf", args: [fan.address] });
    assert.equal(await balance(), parseEther("250"));
    await screenshot(page, "one-to-one-waiting-desktop");
    await page.setViewportSize(PHONE);
    await screenshot(page, "one-to-one-waiting-phone");

    await page.getByTestId("session-cancel").click();
    await status.and(page.locator('[data-stage="cancelled"]')).waitFor({ timeout: 30_000 });
    assert.equal(await latestStatus(fan.address), SessionStatus.Cancelled);
    assert.equal(await balance(), parseEther("500"), "refunded");
    await indexedStatus(fan.address, "CANCELLED");
    await page.getByTestId("session-request").waitFor(); // may request again
    await context.close();
  });

  it("shows the accepted call with a countdown, and consent when the creator asks for KYF", async () => {
    const fan = await freshFan(stack, mesi, parseEther("500"));
    const { publicClient, walletClient } = chainClients(stack, stack.accounts.verifier.privateKey);
    await publicClient.waitForTransactionReceipt({
      hash: await walletClient!.writeContract({
        ...mesi.KyfRegistry,
        chain: null,
        functionName: "attest",
        args: [fan.address, 1, BigInt(Math.floor(Date.now() / 1000) + 86_400)],
      }),
    });
    const { context, page } = await openWithWallet(browser, stack, fan.key);
    await page.goto(`${stack.urls.webapp}/c/alice`);
    await connectWallet(page);
    await page.getByLabel("Offer (MESI)").fill("200");
    await page.getByLabel("Minutes", { exact: true }).fill("5");
    await page.getByTestId("session-request").click();
    const status = page.getByTestId("session-status");
    await status.and(page.locator('[data-stage="waiting"]')).waitFor({ timeout: 30_000 });

    await aliceCalls(fan.address, "requestKyf");
    await status.and(page.locator('[data-stage="kyf"]')).waitFor({ timeout: 20_000 });
    await page
      .getByTestId("session-countdown")
      .filter({ hasText: /left to consent/ })
      .waitFor();
    await screenshot(page, "one-to-one-kyf");
    await page.getByTestId("session-consent").click();
    await waitFor("consent on chain", async () =>
      (await publicClient.readContract({
        ...mesi.KyfRegistry,
        functionName: "hasConsented",
        args: [stack.accounts.creatorAlice.address, fan.address],
      }))
        ? true
        : undefined,
    );
    await page.getByTestId("session-consented").waitFor({ timeout: 10_000 });

    await aliceCalls(fan.address, "accept");
    await status.and(page.locator('[data-stage="accepted"]')).waitFor({ timeout: 20_000 });
    await page
      .getByTestId("session-countdown")
      .filter({ hasText: /left in the call/ })
      .waitFor();
    await page.getByTestId("session-report").waitFor();
    assert.equal(await latestStatus(fan.address), SessionStatus.Accepted);
    await screenshot(page, "one-to-one-accepted");
    await context.close();
  });

  it("explains every bad request next to its field, keeps what was typed and sends nothing", async () => {
    const fan = await freshFan(stack, mesi, parseEther("300"));
    const { context, page, wallet } = await openWithWallet(browser, stack, fan.key);
    await page.goto(`${stack.urls.webapp}/c/alice`);
    await connectWallet(page);
    const amount = page.getByLabel("Offer (MESI)");
    const minutes = page.getByLabel("Minutes", { exact: true });
    const cases: [string, string, string, RegExp][] = [
      ["0", "10", "#session-amount-error", /more than zero/],
      ["200.0000000000000000001", "10", "#session-amount-error", /at most 18 decimal places/],
      ["199", "10", "#session-amount-error", /minimum for a call is 200 MESI/],
      ["301", "10", "#session-amount-error", /more than your balance/],
      ["250", "4", "#session-minutes-error", /from 5 to 30/],
      ["250", "31", "#session-minutes-error", /from 5 to 30/],
      ["250", "7.5", "#session-minutes-error", /from 5 to 30/],
    ];
    for (const [typedAmount, typedMinutes, errorId, message] of cases) {
      await amount.fill(typedAmount);
      await minutes.fill(typedMinutes);
      await page.getByTestId("session-request").click();
      await page.locator(errorId).filter({ hasText: message }).waitFor({ timeout: 10_000 });
      assert.equal(await amount.inputValue(), typedAmount, "the form keeps the amount");
      assert.equal(await minutes.inputValue(), typedMinutes, "the form keeps the length");
    }
    await screenshot(page, "one-to-one-bad-input");
    assert.equal(wallet.requests.filter((r) => r.method === "eth_sendTransaction").length, 0);

    await amount.fill("250");
    await minutes.fill("10");
    wallet.rejectNext("eth_sendTransaction");
    await page.getByTestId("session-request").click();
    await page.getByTestId("session-error").filter({ hasText: "You cancelled in your wallet" }).waitFor();
    assert.equal(await amount.inputValue(), "250");
    assert.equal(await latestStatus(fan.address), SessionStatus.None);
    await context.close();
  });
});
