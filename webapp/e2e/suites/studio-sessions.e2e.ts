// The creator's one-to-one desk (/studio/sessions) in a real headless Chromium against the whole platform: a new
// creator sets their settings (bad ones explained, nothing sent), declines one request (refunded), accepts another
// and watches the call's countdown; the local chain's clock moves past the call and then past the dispute window
// (anvil's evm_increaseTime + evm_mine); the creator refunds a request left unanswered past its time, releases the
// call's escrow and claims — every step checked on chain.
// This suite moves the chain's clock, so all.test.ts runs it after the others.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";

import { readSessionState, sessionIdOf, SessionStatus, type Deployment } from "@mesi/deployments";
import type { Browser, Page } from "playwright-core";
import { parseEther, type Address, type Hex } from "viem";

import {
  chainClients,
  connectWallet,
  DESKTOP,
  moveChainClock,
  openWithWallet,
  PHONE,
  requestCall,
  screenshot,
  sentTransactions,
  waitFor,
} from "../support/fixtures.ts";
import { freshCreator as freshCreatorOf, freshFan } from "../support/people.ts";
import { shared } from "../support/shared.ts";
import type { Stack } from "../support/stack.ts";

let stack: Stack;

let browser: Browser;
let mesi: Deployment;

/** A new registered creator, with no $MESI and no one-to-one settings yet (the test sets them in the page). */
async function freshCreator(): Promise<{ key: Hex; address: Address }> {
  return freshCreatorOf(stack, mesi, { name: "Studio Sessions Test" });
}

async function fillSettings(page: Page, amount: string, shortest: string, longest: string): Promise<void> {
  await page.getByLabel("Minimum price (MESI)").fill(amount);
  await page.getByLabel("Shortest (min)").fill(shortest);
  await page.getByLabel("Longest (min)").fill(longest);
  await page.getByTestId("settings-save").click();
}

describe("studio: one-to-one calls", () => {
  before(async () => {
    ({ stack, browser, mesi } = await shared());
  });

  it("sets the settings, accepts a request, and after the dispute window releases and claims", async () => {
    const creator = await freshCreator();
    const { publicClient } = chainClients(stack);
    const { context, page, wallet } = await openWithWallet(browser, stack, creator.key, { viewport: DESKTOP });
    await page.goto(`${stack.urls.webapp}/studio/sessions`);
    await connectWallet(page);
    await page.getByTestId("session-settings").waitFor({ timeout: 20_000 });

    // Bad settings: explained next to the field, nothing sent.
    await page.getByTestId("settings-enabled").check({ force: true });
    const cases: [string, string, string, string, RegExp][] = [
      ["50", "4", "15", "#settings-min-minutes-error", /from 5 to 30/],
      ["50", "5", "31", "#settings-max-minutes-error", /from 5 to 30/],
      ["50", "7.5", "15", "#settings-min-minutes-error", /from 5 to 30/],
      ["50", "20", "10", "#settings-max-minutes-error", /can't be shorter than the shortest/],
      ["0", "5", "15", "#settings-min-amount-error", /more than zero/],
      ["100000000000", "5", "15", "#settings-min-amount-error", /larger than any call can cost/],
    ];
    for (const [amount, shortest, longest, errorId, message] of cases) {
      await fillSettings(page, amount, shortest, longest);
      await page.locator(errorId).filter({ hasText: message }).waitFor({ timeout: 10_000 });
      assert.equal(await page.getByLabel("Shortest (min)").inputValue(), shortest, "the form keeps the input");
    }
    await screenshot(page, "studio-sessions-bad-settings");
    assert.equal(sentTransactions(wallet), 0, "no bad setting was sent");

    await fillSettings(page, "50", "5", "15");
    await page.getByTestId("settings-saved").waitFor({ timeout: 30_000 });
    const settings = await publicClient.readContract({
      ...mesi.OneToOneEscrow,
      functionName: "settingsOf",
      args: [creator.address],
    });
    assert.deepEqual(settings, { enabled: true, minMinutes: 5, maxMinutes: 15, minAmount: parseEther("50") });

    // A fan requests a 5-minute call for 80 MESI (ERC-1363, as the fan's page does).
    const fan = await freshFan(stack, mesi, parseEther("100"));
    const amount = parseEther("80");
    await requestCall(stack, mesi, fan.key, creator.address, amount, 5);
    const sessionId = sessionIdOf(fan.address, creator.address, 1n);
    const row = page.locator(`[data-testid="session-request-row"][data-session="${sessionId}"]`);
    await row.waitFor({ timeout: 30_000 });
    await row
      .getByTestId("answer-countdown")
      .filter({ hasText: /\d+ h \d+ min left to answer|\d+:\d\d left to answer/ })
      .waitFor();
    await screenshot(page, "studio-sessions-request-desktop");
    await page.setViewportSize(PHONE);
    await screenshot(page, "studio-sessions-request-phone");
    await page.setViewportSize(DESKTOP);

    // A second fan asks too; the creator declines and the escrow refunds that fan in full.
    const other = await freshFan(stack, mesi, parseEther("60"));
    await requestCall(stack, mesi, other.key, creator.address, parseEther("60"), 10);
    const otherId = sessionIdOf(other.address, creator.address, 1n);
    const otherRow = page.locator(`[data-testid="session-request-row"][data-session="${otherId}"]`);
    await otherRow.getByTestId("session-decline").click();
    await otherRow.waitFor({ state: "detached", timeout: 30_000 });
    assert.equal(
      (await readSessionState(publicClient, { address: mesi.OneToOneEscrow.address }, otherId)).status,
      SessionStatus.Declined,
    );
    assert.equal(
      await publicClient.readContract({ ...mesi.MesiToken, functionName: "balanceOf", args: [other.address] }),
      parseEther("60"),
      "the declined fan is refunded",
    );

    // A third fan's request is left unanswered: after its time anyone may refund it, the creator with one click.
    const ignored = await freshFan(stack, mesi, parseEther("55"));
    await requestCall(stack, mesi, ignored.key, creator.address, parseEther("55"), 5);
    const ignoredId = sessionIdOf(ignored.address, creator.address, 1n);
    await page.locator(`[data-testid="session-request-row"][data-session="${ignoredId}"]`).waitFor({ timeout: 30_000 });

    await row.getByTestId("session-accept").click();
    const running = page.locator(`[data-testid="session-running"][data-session="${sessionId}"]`);
    await running.waitFor({ timeout: 30_000 });
    const countdown = running.getByTestId("running-countdown");
    await countdown.filter({ hasText: /^\s*[45]:\d\d left\s*$/ }).waitFor({ timeout: 10_000 });
    const first = await countdown.textContent();
    await waitFor("the call's countdown to tick", async () =>
      (await countdown.textContent()) !== first ? true : undefined,
    );
    const state = await readSessionState(publicClient, { address: mesi.OneToOneEscrow.address }, sessionId);
    assert.equal(state.status, SessionStatus.Accepted);
    await screenshot(page, "studio-sessions-running-desktop");
    await page.setViewportSize(PHONE);
    await screenshot(page, "studio-sessions-running-phone");
    await page.setViewportSize(DESKTOP);

    // The call ends: the money waits out the dispute window, with the time until release shown, no button yet.
    await moveChainClock(stack, 5 * 60 + 5);
    const releaseRow = page.locator(`[data-testid="session-release-row"][data-session="${sessionId}"]`);
    await releaseRow.and(page.locator('[data-stage="inDisputeWindow"]')).waitFor({ timeout: 30_000 });
    await releaseRow
      .getByTestId("release-countdown")
      .filter({ hasText: /Can be released in \d+ h \d\d min/ })
      .waitFor();
    assert.equal(await releaseRow.getByTestId("session-release").count(), 0, "no release before the window ends");
    await screenshot(page, "studio-sessions-dispute-window");

    // Past the dispute window (read from the session's record): release, then claim.
    const disputeWindow = Number(state.record.disputeWindow);
    await moveChainClock(stack, disputeWindow + 5);
    await releaseRow.and(page.locator('[data-stage="releasable"]')).waitFor({ timeout: 30_000 });
    await screenshot(page, "studio-sessions-releasable");
    const ignoredRow = page.locator(`[data-testid="session-request-row"][data-session="${ignoredId}"]`);
    await ignoredRow.getByTestId("session-expire").click();
    await ignoredRow.waitFor({ state: "detached", timeout: 30_000 });
    assert.equal(
      (await readSessionState(publicClient, { address: mesi.OneToOneEscrow.address }, ignoredId)).status,
      SessionStatus.Expired,
    );
    assert.equal(
      await publicClient.readContract({ ...mesi.MesiToken, functionName: "balanceOf", args: [ignored.address] }),
      parseEther("55"),
      "the unanswered request is refunded",
    );
    const [clearedBefore] = await publicClient.readContract({
      ...mesi.MesiVault,
      functionName: "earningsOf",
      args: [creator.address],
    });
    assert.equal(clearedBefore, 0n);
    await releaseRow.getByTestId("session-release").click();
    await page.locator(`[data-testid="session-recent-row"][data-status="RELEASED"]`).waitFor({ timeout: 30_000 });
    const released = await readSessionState(publicClient, { address: mesi.OneToOneEscrow.address }, sessionId);
    assert.equal(released.status, SessionStatus.Released);
    const feeBps = await publicClient.readContract({ ...mesi.MesiVault, functionName: "feeBps" });
    const expected = amount - (amount * BigInt(feeBps)) / 10_000n;
    const [cleared] = await publicClient.readContract({
      ...mesi.MesiVault,
      functionName: "earningsOf",
      args: [creator.address],
    });
    assert.equal(cleared, expected, "the escrow, minus the platform fee, is cleared to the creator");

    const balance = () =>
      publicClient.readContract({ ...mesi.MesiToken, functionName: "balanceOf", args: [creator.address] });
    const before = await balance();
    await page.getByTestId("studio-cleared").filter({ hasText: /[1-9]/ }).waitFor({ timeout: 20_000 });
    await page.getByTestId("studio-claim").click();
    await page.getByTestId("studio-claimed").waitFor({ timeout: 30_000 });
    assert.equal((await balance()) - before, expected, "the claim paid the cleared earnings to the creator's wallet");
    const [afterClaim] = await publicClient.readContract({
      ...mesi.MesiVault,
      functionName: "earningsOf",
      args: [creator.address],
    });
    assert.equal(afterClaim, 0n);
    await screenshot(page, "studio-sessions-claimed-desktop");
    await page.setViewportSize(PHONE);
    await screenshot(page, "studio-sessions-claimed-phone");
    await context.close();
  });
});
