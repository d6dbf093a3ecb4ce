// Card tips on hold, in a real headless Chromium against `npm start`: a fan pays a new creator by card (the relayer's
// quote, paid through its dev simulator as Stripe's webhook would); the creator's earnings page shows the credit as
// pending with the release date the vault set; the local chain's clock moves past the hold (anvil's
// evm_increaseTime + evm_mine), the relayer settles it, the page shows it cleared, and the creator claims it
// (balances checked on chain). This suite moves the chain's clock, so all.test.ts runs it after the others.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";

import type { Deployment } from "@mesi/deployments";
import type { Browser } from "playwright-core";
import { parseEther, type Hex } from "viem";

import { formatAmount } from "../../src/lib/amounts/formatAmount.ts";

import {
  chainClients,
  connectWallet,
  DESKTOP,
  moveChainClock,
  openWithWallet,
  PHONE,
  screenshot,
  waitFor,
} from "../support/fixtures.ts";
import { freshCreator, freshFan } from "../support/people.ts";
import { shared } from "../support/shared.ts";
import type { Stack } from "../support/stack.ts";

let stack: Stack;
let browser: Browser;
let mesi: Deployment;

async function relayer<T>(method: "GET" | "POST", path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${stack.urls.relayer}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  assert.ok(response.ok, `${method} ${path}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

describe("studio: card earnings on hold", () => {
  before(async () => {
    ({ stack, browser, mesi } = await shared());
  });

  it("shows a card tip as pending with its release date, then cleared and claimable after the hold", async () => {
    const { publicClient } = chainClients(stack);
    const creator = await freshCreator(stack, mesi, { name: "Hold Test", handle: `hold_${Date.now().toString(36)}` });
    const fan = await freshFan(stack, mesi, 0n);
    const amount = parseEther("400"); // $4 at the local price; a card charge is at least $0.50

    // The fan pays by card: the relayer's quote, paid as Stripe's signed webhook would (the dev simulator).
    const quote = await relayer<{ quoteId: string }>("POST", "/quotes", {
      fan: fan.address,
      creator: creator.address,
      purpose: "tip",
      mesiAmount: amount.toString(),
    });
    await relayer("POST", "/dev/simulate-payment", { quoteId: quote.quoteId });
    const paymentRef = await waitFor("the card credit on chain", async () => {
      const { paymentRef: ref } = await relayer<{ paymentRef: Hex | null }>("GET", `/quotes/${quote.quoteId}`);
      if (ref === null) return undefined;
      const payment = await relayer<{ status: string }>("GET", `/payments/${ref}`);
      return payment.status === "credited" ? ref : undefined;
    });
    const [status, , , heldAmount, clearsAt] = await publicClient.readContract({
      ...mesi.MesiVault,
      functionName: "creditOf",
      args: [paymentRef],
    });
    assert.equal(heldAmount, amount);
    const holdPeriod = await publicClient.readContract({ ...mesi.MesiVault, functionName: "holdPeriod" });
    const { timestamp: now } = await publicClient.getBlock();
    assert.ok(clearsAt > now, `the credit (status ${status}) is held until ${clearsAt}, after the head's ${now}`);

    // The creator's earnings page: pending, with the vault's release date; nothing to claim yet.
    const { context, page } = await openWithWallet(browser, stack, creator.key, { viewport: DESKTOP });
    await page.goto(`${stack.urls.webapp}/studio/earnings`);
    await connectWallet(page);
    await page.getByTestId("earnings-pending").filter({ hasText: "400 MESI" }).waitFor({ timeout: 30_000 });
    await page
      .getByTestId("earnings-cleared")
      .filter({ hasText: /^0 MESI$/ })
      .waitFor();
    const row = page.getByTestId("held-row");
    await row.filter({ hasText: "400 MESI" }).waitFor({ timeout: 30_000 });
    assert.equal(
      await row.locator("time").getAttribute("datetime"),
      new Date(Number(clearsAt) * 1000).toISOString(),
      "the page shows the release date the vault set",
    );
    assert.match((await row.textContent())!, /clears /);
    await page.getByTestId("next-release").filter({ hasText: "400 MESI from card payments clears" }).waitFor();
    await page.setViewportSize(PHONE);
    await screenshot(page, "studio-earnings-held-phone");
    await page.setViewportSize(DESKTOP);
    await screenshot(page, "studio-earnings-held-desktop");
    const nonce = () => publicClient.getTransactionCount({ address: creator.address });
    const nonceBefore = await nonce();
    await page.getByTestId("claim-all").click();
    await page
      .getByTestId("earnings-error")
      .filter({ hasText: /Nothing has cleared yet/ })
      .waitFor();
    assert.equal(await nonce(), nonceBefore, "nothing on hold can be claimed: no transaction was sent");

    // The hold passes on chain; the relayer settles the credit (settleCredits) and the page follows the index.
    await moveChainClock(stack, Number(holdPeriod) + 60);
    const cleared = await waitFor(
      "the relayer to settle the held credit",
      async () => {
        const [settledCleared, pending] = await publicClient.readContract({
          ...mesi.MesiVault,
          functionName: "earningsOf",
          args: [creator.address],
        });
        return pending === 0n && settledCleared > 0n ? settledCleared : undefined;
      },
      90_000,
    );
    const [, , feesOwed] = await publicClient.readContract({
      ...mesi.MesiVault,
      functionName: "earningsOf",
      args: [creator.address],
    });
    assert.equal(cleared + feesOwed, amount, "the whole credit moved from pending to cleared and the fee");
    await page
      .getByTestId("earnings-pending")
      .filter({ hasText: /^0 MESI$/ })
      .waitFor({ timeout: 30_000 });
    const shown = `${formatAmount(cleared, 18, { maxFractionDigits: 4 })} MESI`;
    await page.getByTestId("earnings-cleared").filter({ hasText: shown }).waitFor({ timeout: 30_000 });
    await page.getByText("Nothing on hold.").waitFor({ timeout: 30_000 });
    assert.equal(await page.getByTestId("earnings-error").count(), 0, "'nothing cleared' is gone once it cleared");
    assert.equal(await page.getByTestId("next-release").count(), 0);
    await page.setViewportSize(PHONE);
    await screenshot(page, "studio-earnings-cleared-phone");
    await page.setViewportSize(DESKTOP);
    await screenshot(page, "studio-earnings-cleared-desktop");

    // Claimable now: the creator's wallet receives exactly the cleared amount.
    const balance = () =>
      publicClient.readContract({ ...mesi.MesiToken, functionName: "balanceOf", args: [creator.address] });
    const before = await balance();
    await page.getByTestId("claim-all").click();
    await page.getByTestId("claim-done").waitFor({ timeout: 60_000 });
    assert.equal((await balance()) - before, cleared);
    await context.close();
  });
});
