// The auditor explorer in a real Chromium against `npm start`, no wallet: an auditor filters by creator, source
// and day and exports a CSV whose totals equal the on-chain figures (the vault's Tipped events read from the
// local chain); bad input is refused on the page without a single request; rows open their transaction; the
// fiat reconciliation and "verify" views answer from the auditor API. Screenshots at 390 px and 1280 px.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { before, describe, it } from "node:test";

import { quoteRequestDomain, quoteRequestTypes, type Deployment } from "@mesi/deployments";
import type { Browser, Page } from "playwright-core";
import { parseEther, zeroHash, type Address } from "viem";
import { privateKeyToAccount } from "viem/accounts";

import { encodeTipData } from "../../src/lib/tips/tipData.ts";
import { chainClients, DESKTOP, PHONE, screenshot, waitFor } from "../support/fixtures.ts";
import { shared } from "../support/shared.ts";
import type { Stack } from "../support/stack.ts";

let stack: Stack;
let browser: Browser;
let mesi: Deployment;

const today = (): string => new Date().toISOString().slice(0, 10);
const dayStart = (day: string): bigint => BigInt(Date.parse(`${day}T00:00:00Z`) / 1000);

async function bothWidths(page: Page, name: string): Promise<void> {
  await page.setViewportSize(PHONE);
  await page.waitForTimeout(300);
  await screenshot(page, `${name}-phone`);
  await page.setViewportSize(DESKTOP);
  await page.waitForTimeout(300);
  await screenshot(page, `${name}-desktop`);
}

/** The vault's own record: every Tipped event for `creator` whose block falls on `day` (UTC). */
async function tippedOnChain(creator: Address, day: string): Promise<{ count: number; amount: bigint; fee: bigint }> {
  const { publicClient } = chainClients(stack);
  const events = await publicClient.getContractEvents({
    ...mesi.MesiVault,
    eventName: "Tipped",
    args: { creator },
    fromBlock: 0n,
    toBlock: "latest",
  });
  const from = dayStart(day);
  const to = from + 86_400n;
  let count = 0;
  let amount = 0n;
  let fee = 0n;
  const times = new Map<bigint, bigint>();
  for (const event of events) {
    let time = times.get(event.blockNumber);
    if (time === undefined) {
      time = (await publicClient.getBlock({ blockNumber: event.blockNumber })).timestamp;
      times.set(event.blockNumber, time);
    }
    if (time < from || time >= to) continue;
    const args = event.args as { amount: bigint; fee: bigint };
    count += 1;
    amount += args.amount;
    fee += args.fee;
  }
  return { count, amount, fee };
}

async function ready(page: Page, includes: string): Promise<void> {
  await page.locator(`[data-testid="audit-results"][data-state="ready"][data-key*="${includes}"]`).waitFor({
    timeout: 30_000,
  });
}

describe("auditor explorer", () => {
  before(async () => {
    ({ stack, browser, mesi } = await shared());
  });

  it("filters by creator, source and day, and exports a CSV whose totals equal the chain's Tipped events", async () => {
    const alice = stack.accounts.creatorAlice.address;
    const creator = alice.toLowerCase();
    // Three more $MESI tips to Alice, straight on the chain.
    const { publicClient, walletClient } = chainClients(stack, stack.accounts.fan2.privateKey);
    const hashes: `0x${string}`[] = [];
    for (const amount of ["1.25", "3", "0.000000000000000007"]) {
      hashes.push(
        await walletClient!.writeContract({
          ...mesi.MesiToken,
          chain: null,
          functionName: "transferAndCall",
          args: [mesi.MesiVault.address, parseEther(amount), encodeTipData(alice, 0, zeroHash, zeroHash)],
        }),
      );
      await publicClient.waitForTransactionReceipt({ hash: hashes[hashes.length - 1]! });
    }
    const day = today();
    const onChain = await tippedOnChain(alice, day);
    assert.ok(onChain.count >= 3, `expected Alice's tips on-chain today, found ${onChain.count}`);

    const context = await browser.newContext({ viewport: DESKTOP, acceptDownloads: true });
    const page = await context.newPage();
    page.on("pageerror", (error) => console.log(`[page error] ${error.message}`));
    await page.goto(`${stack.urls.webapp}/audit`);
    await page.locator("html[data-hydrated=true]").waitFor();
    await page.locator('[data-testid="audit-results"][data-state="ready"]').waitFor({ timeout: 30_000 });

    await page.getByTestId("audit-creator").fill(alice);
    await page.getByTestId("audit-source").selectOption("mesi");
    await page.getByTestId("audit-from").fill(day);
    await page.getByTestId("audit-to").fill(day);
    await ready(page, `creator=${creator}`);
    // Wait for the index to have every tip made above, then compare the page's totals with the chain's.
    await waitFor("the index to show every tip", async () => {
      await page.reload();
      await ready(page, `creator=${creator}`);
      const shown = await page.getByTestId("audit-table").getAttribute("data-rows");
      return Number(shown) === onChain.count ? true : undefined;
    });
    // The view is in the URL: a reload (or a shared link) shows the same filters.
    const url = new URL(page.url());
    assert.equal(url.searchParams.get("creator"), creator);
    assert.equal(url.searchParams.get("source"), "mesi");
    assert.equal(url.searchParams.get("from"), day);
    assert.equal(url.searchParams.get("to"), day);
    assert.equal(await page.getByTestId("audit-creator").inputValue(), creator);
    assert.equal(
      await page.getByTestId("audit-total-amount").getAttribute("data-base-units"),
      onChain.amount.toString(),
    );
    assert.equal(await page.getByTestId("audit-total-fee").getAttribute("data-base-units"), onChain.fee.toString());
    await page.getByTestId("audit-chart").waitFor();
    await bothWidths(page, "audit-explorer");

    // The CSV export, streamed by the auditor API with the same filters.
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("audit-export-csv").click()]);
    const csv = readFileSync(await download.path(), "utf8")
      .trim()
      .split("\n");
    const header = csv[0]!.split(",");
    const rows = csv.slice(1).map((line) => line.split(","));
    const at = (name: string) => header.indexOf(name);
    assert.equal(rows.length, onChain.count);
    assert.ok(rows.every((row) => row[at("creator")] === creator && row[at("source")] === "MESI"));
    assert.equal(
      rows.reduce((sum, row) => sum + BigInt(row[at("amount")]!), 0n),
      onChain.amount,
    );
    assert.equal(
      rows.reduce((sum, row) => sum + BigInt(row[at("fee")]!), 0n),
      onChain.fee,
    );

    // Sorting by amount, smallest first: the 7-wei tip leads.
    await page.getByTestId("audit-sort-amount").click();
    await page.getByTestId("audit-sort-amount").click();
    await ready(page, "|amount|asc");
    assert.equal(await page.getByTestId("audit-row").first().getAttribute("data-tx"), hashes[2]);
    assert.match((await page.getByTestId("audit-row").first().textContent()) ?? "", /< 0\.0001/);

    // Every row opens its transaction (the local view here: no block explorer is configured).
    const firstTx = (await page.getByTestId("audit-row").first().getAttribute("data-tx"))!;
    await page.getByTestId("audit-tx-link").first().click();
    await page.getByTestId("audit-tx").waitFor();
    const receipt = await publicClient.getTransactionReceipt({ hash: firstTx as `0x${string}` });
    assert.equal(await page.getByTestId("audit-tx-block").textContent(), receipt.blockNumber.toString());
    assert.match((await page.getByTestId("audit-tx").textContent()) ?? "", /MesiVault\.Tipped/);
    await context.close();
  });

  it("refuses a malformed address and an inverted date range with a clear message and no request", async () => {
    const context = await browser.newContext({ viewport: DESKTOP });
    const page = await context.newPage();
    await page.goto(`${stack.urls.webapp}/audit`);
    await page.locator("html[data-hydrated=true]").waitFor();
    await page.locator('[data-testid="audit-results"][data-state="ready"]').waitFor({ timeout: 30_000 });
    const requests: string[] = [];
    page.on("request", (request) => {
      if (new URL(request.url()).pathname.startsWith("/audit/tips")) requests.push(request.url());
    });

    // Typing an address character by character sends nothing; a malformed one, submitted, is explained.
    await page.getByTestId("audit-fan").pressSequentially("0x12345zz", { delay: 10 });
    await page.getByTestId("audit-fan").press("Enter");
    await page.getByText("Fan must be an address: 0x followed by 40 hex characters.").waitFor();
    assert.equal(await page.getByTestId("audit-fan").getAttribute("aria-invalid"), "true");
    await page.getByTestId("audit-fan").fill("");

    await page.getByTestId("audit-from").fill("2026-03-10");
    await page.getByTestId("audit-to").fill("2026-03-01");
    await page.getByText("The start date is after the end date.", { exact: false }).waitFor();
    await bothWidths(page, "audit-bad-input");
    assert.deepEqual(requests, []);
    // The refused range never reached the URL: it still holds the last valid view (the start day alone).
    assert.equal(new URL(page.url()).searchParams.get("to"), null);

    // A range in the past shows no rows (and says so) — the date filter excludes, not only includes.
    await page.getByTestId("audit-from").fill("2020-01-01");
    await page.getByTestId("audit-to").fill("2020-01-02");
    await page.getByTestId("audit-empty").waitFor({ timeout: 30_000 });
    await context.close();
  });

  it("shows the fiat reconciliation and verifies every account against the contracts at a block", async () => {
    const context = await browser.newContext({ viewport: DESKTOP });
    const page = await context.newPage();
    // A fan tips Bob by card (signed quote, the relayer's payment simulator); the relayer credits it on-chain.
    const fan = privateKeyToAccount(stack.accounts.fan3.privateKey);
    const bob = stack.accounts.creatorBob.address;
    const issuedAt = BigInt(Math.floor(Date.now() / 1000));
    const mesiAmount = parseEther("100");
    const message = {
      fan: fan.address,
      creator: bob,
      purpose: "tip",
      mesiAmount,
      streamId: 0n,
      quantity: 0,
      channel: 0,
      channelRef: zeroHash,
      issuedAt,
    } as const;
    const signature = await fan.signTypedData({
      domain: quoteRequestDomain(stack.chainId),
      types: quoteRequestTypes,
      primaryType: "QuoteRequest",
      message,
    });
    const post = async (path: string, body: unknown) => {
      const response = await fetch(`${stack.urls.relayer}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      assert.ok(response.ok, `${path} answered ${response.status}: ${await response.clone().text()}`);
      return (await response.json()) as { quoteId: string };
    };
    const quote = await post("/quotes", {
      fan: fan.address,
      creator: bob,
      purpose: "tip",
      mesiAmount: mesiAmount.toString(),
      issuedAt: issuedAt.toString(),
      signature,
    });
    await post("/dev/simulate-payment", { quoteId: quote.quoteId });
    const auditApi = `${new URL(stack.urls.indexer).origin}/audit`;
    await waitFor(
      "the card payment credited on-chain and reconciled",
      async () => {
        const report = (await (await fetch(`${auditApi}/reconcile`)).json()) as { matched: number };
        return report.matched >= 1 ? true : undefined;
      },
      90_000,
    );
    await page.goto(`${stack.urls.webapp}/audit/reconcile`);
    const reconciled = page.getByTestId("reconcile-report");
    await reconciled.waitFor({ timeout: 30_000 });
    assert.equal(await reconciled.getAttribute("data-mismatches"), "0");
    const matched = page.locator('[data-testid="reconcile-row"][data-problem=""]');
    assert.ok((await matched.count()) >= 1);
    assert.match((await matched.first().textContent()) ?? "", /100/);
    await bothWidths(page, "audit-reconcile");

    await page.goto(`${stack.urls.webapp}/audit/verify`);
    await page.locator("html[data-hydrated=true]").waitFor();
    await page.getByTestId("verify-run").click();
    const report = page.getByTestId("verify-report");
    await report.waitFor({ timeout: 60_000 });
    const block = Number(await report.getAttribute("data-block"));
    const { publicClient } = chainClients(stack);
    assert.ok(block > 0 && BigInt(block) <= (await publicClient.getBlockNumber()));
    assert.equal(await report.getAttribute("data-ok"), "true");
    // Alice's row: her earnings as the vault holds them at that block, equal to the recomputed ones.
    const alice = stack.accounts.creatorAlice.address.toLowerCase();
    const row = page.locator(`[data-testid="verify-row"][data-creator="${alice}"]`);
    assert.equal(await row.getAttribute("data-ok"), "true");
    const [cleared, pending, fees] = (await publicClient.readContract({
      ...mesi.MesiVault,
      functionName: "earningsOf",
      args: [stack.accounts.creatorAlice.address],
      blockNumber: BigInt(block),
    })) as readonly [bigint, bigint, bigint];
    assert.equal(await row.getAttribute("data-cleared"), cleared.toString());
    assert.equal(await row.getAttribute("data-pending"), pending.toString());
    assert.equal(await row.getAttribute("data-fees"), fees.toString());
    // The vault's own facts at that block: how many accounts are open (the vault's count).
    const accounts = (await publicClient.readContract({
      ...mesi.MesiVault,
      functionName: "accountCount",
      blockNumber: BigInt(block),
    })) as bigint;
    assert.equal((await page.getByTestId("verify-accounts").textContent())?.trim(), accounts.toString());
    await bothWidths(page, "audit-verify");
    await context.close();
  });
});
