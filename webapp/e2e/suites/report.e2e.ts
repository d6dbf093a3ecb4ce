// Reporting abuse in a real headless Chromium against the whole platform: a blocked fan reports an accepted call
// (escrow.report freezes the payment) and a fan reports a tip (AbuseReports.fileReport), after signing in with
// SIWE; the evidence (text + screenshots) is kept by the webapp's server, readable only by the reporter and a
// moderator, and its hash on chain matches what the server stored. Bad input is explained next to the field.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";

import { readSessionState, sessionIdOf, SessionStatus, type Deployment } from "@mesi/deployments";
import type { Browser, Page } from "playwright-core";
import { parseEther, parseEventLogs, type Hex, type WalletClient } from "viem";

import { chainClients, connectWallet, graph, openWithWallet, PHONE, screenshot, waitFor } from "../support/fixtures.ts";
import { freshFan, siweCookie } from "../support/people.ts";
import { shared } from "../support/shared.ts";
import type { Stack } from "../support/stack.ts";

let stack: Stack;
let browser: Browser;
let mesi: Deployment;

/** Bob sends one transaction and it succeeds. */
async function asBob(send: (wallet: WalletClient) => Promise<Hex>): Promise<void> {
  const { publicClient, walletClient } = chainClients(stack, stack.accounts.creatorBob.privateKey);
  const receipt = await publicClient.waitForTransactionReceipt({ hash: await send(walletClient!) });
  assert.equal(receipt.status, "success");
}

async function signInOnPage(page: Page): Promise<void> {
  await page.getByTestId("sign-in").click();
  try {
    await page.getByTestId("send-report").waitFor({ timeout: 20_000 });
  } catch (error) {
    await screenshot(page, "report-sign-in-failed");
    const shown = await page.getByTestId("report-error").allTextContents();
    throw new Error(`sign-in did not open the form; the page says: ${shown.join(" | ") || "(nothing)"}`, {
      cause: error,
    });
  }
}

async function png(page: Page): Promise<Buffer> {
  return page.screenshot({ clip: { x: 0, y: 0, width: 80, height: 60 } });
}

describe("fans' dApp: report abuse", () => {
  before(async () => {
    ({ stack, browser, mesi } = await shared());
  });

  it("a blocked fan reports an accepted call: evidence stored privately, its hash on chain, the payment frozen", async () => {
    const bob = stack.accounts.creatorBob.address;
    await asBob((w) =>
      w.writeContract({
        ...mesi.OneToOneEscrow,
        chain: null,
        account: w.account!,
        functionName: "setSettings",
        args: [{ enabled: true, minMinutes: 5, maxMinutes: 30, minAmount: parseEther("20") }],
      }),
    );
    await waitFor("Bob's one-to-one settings in the index", async () => {
      const d = await graph<{ creator: { oneToOneEnabled: boolean } | null }>(
        stack,
        `query ($id: ID!) { creator(id: $id) { oneToOneEnabled } }`,
        { id: bob.toLowerCase() },
      );
      return d.creator?.oneToOneEnabled ? true : undefined;
    });
    const fan = await freshFan(stack, mesi, parseEther("100"));
    const { context, page } = await openWithWallet(browser, stack, fan.key);
    await page.goto(`${stack.urls.webapp}/c/bob`);
    await connectWallet(page);
    await page.getByLabel("Offer (MESI)").fill("30");
    await page.getByLabel("Minutes", { exact: true }).fill("5");
    await page.getByTestId("session-request").click();
    await page.locator('[data-testid="session-status"][data-stage="waiting"]').waitFor({ timeout: 30_000 });
    const { publicClient } = chainClients(stack);
    const sessionId = sessionIdOf(fan.address, bob, 1n);
    const { record } = await readSessionState(publicClient, { address: mesi.OneToOneEscrow.address }, sessionId);
    await asBob((w) =>
      w.writeContract({
        ...mesi.OneToOneEscrow,
        chain: null,
        account: w.account!,
        functionName: "accept",
        args: [record],
      }),
    );
    await asBob((w) =>
      w.writeContract({
        ...mesi.MesiVault,
        chain: null,
        account: w.account!,
        functionName: "blockFan",
        args: [fan.address],
      }),
    );
    await page.locator('[data-testid="session-status"][data-stage="accepted"]').waitFor({ timeout: 20_000 });
    const shot = await png(page);

    await page.getByTestId("session-report").click();
    await page.waitForURL(/\/report\?session=/);
    await screenshot(page, "report-sign-in");
    await signInOnPage(page);
    await page.getByLabel("What happened", { exact: true }).selectOption("1");
    await page.getByLabel("Tell the moderators").fill("He blocked me right after accepting the paid call.");
    await page.getByLabel(/Screenshots/).setInputFiles({ name: "call.png", mimeType: "image/png", buffer: shot });
    await screenshot(page, "report-form-desktop");
    await page.getByTestId("send-report").click();
    await page.getByTestId("report-done").waitFor({ timeout: 30_000 });
    const evidenceHash = (await page.getByTestId("report-evidence-hash").textContent())!.trim() as Hex;
    const txHash = (await page.getByTestId("report-tx").textContent())!.trim() as Hex;
    await screenshot(page, "report-done-desktop");
    await page.setViewportSize(PHONE);
    await screenshot(page, "report-done-phone");

    const receipt = await publicClient.getTransactionReceipt({ hash: txHash });
    const [disputed] = parseEventLogs({
      abi: mesi.OneToOneEscrow.abi,
      logs: receipt.logs,
      eventName: "SessionDisputed",
    });
    assert.equal(disputed?.args.evidenceHash, evidenceHash, "the on-chain hash is the one shown");
    const [, status] = await publicClient.readContract({
      ...mesi.OneToOneEscrow,
      functionName: "latestSessionOf",
      args: [fan.address, bob],
    });
    assert.equal(status, SessionStatus.Disputed, "the payment is frozen");

    // The reporter's list, through the page's own SIWE cookie.
    const mine = (await (await page.request.get(`${stack.urls.webapp}/api/reports`)).json()) as {
      reports: { id: string; evidenceHash: string; txHash: string }[];
    };
    assert.equal(mine.reports.length, 1);
    const reportId = mine.reports[0]!.id;
    assert.equal(mine.reports[0]!.txHash, txHash.toLowerCase());

    // A moderator (MODERATOR_ROLE on chain) reads it and sees it intact; another fan can't.
    const moderator = await siweCookie(stack, stack.accounts.moderator.privateKey);
    const read = await fetch(`${stack.urls.webapp}/api/reports/${reportId}`, { headers: { cookie: moderator } });
    assert.equal(read.status, 200);
    const body = (await read.json()) as {
      intact: boolean;
      report: { evidenceHash: string; files: { hash: string }[] };
    };
    assert.equal(body.intact, true);
    assert.equal(body.report.evidenceHash, evidenceHash);
    const file = await fetch(`${stack.urls.webapp}/api/reports/${reportId}/files/${body.report.files[0]!.hash}`, {
      headers: { cookie: moderator },
    });
    assert.equal(file.status, 200);
    assert.deepEqual(Buffer.from(await file.arrayBuffer()), shot);
    const stranger = await siweCookie(stack, stack.accounts.fan2.privateKey);
    assert.equal(
      (await fetch(`${stack.urls.webapp}/api/reports/${reportId}`, { headers: { cookie: stranger } })).status,
      403,
    );
    assert.equal((await fetch(`${stack.urls.webapp}/api/reports/${reportId}`)).status, 401);
    await context.close();
  });

  it("reports a tip through AbuseReports; bad text and a file that isn't an image are explained and nothing is sent", async () => {
    const fan = stack.accounts.fan2;
    const tips = await graph<{ tips: { transactionHash: Hex }[] }>(
      stack,
      `query ($fan: String!) { tips(where: { fan: $fan }, first: 1) { transactionHash } }`,
      { fan: fan.address.toLowerCase() },
    );
    const tipTx = tips.tips[0]!.transactionHash;
    const { context, page, wallet } = await openWithWallet(browser, stack, fan.privateKey);
    await page.goto(`${stack.urls.webapp}/c/alice/report?payment=${tipTx}`);
    await connectWallet(page);
    await signInOnPage(page);
    const text = page.getByLabel("Tell the moderators");
    await text.fill("bad");
    await page.getByLabel(/Screenshots/).setInputFiles({
      name: "notes.pdf",
      mimeType: "application/pdf",
      buffer: Buffer.from("%PDF-1.7"),
    });
    await page.getByTestId("send-report").click();
    await page
      .locator("#report-text-error")
      .filter({ hasText: /at least a sentence/ })
      .waitFor();
    await page
      .locator("#report-files-error")
      .filter({ hasText: /notes.pdf isn't a PNG/ })
      .waitFor();
    assert.equal(await text.inputValue(), "bad", "the form keeps what was typed");
    await screenshot(page, "report-bad-input");
    assert.equal(wallet.requests.filter((r) => r.method === "eth_sendTransaction").length, 0);

    await page.getByLabel(/Screenshots/).setInputFiles([]);
    await text.fill("The creator promised a shout-out for this tip and mocked me instead.");
    wallet.rejectNext("eth_sendTransaction");
    await page.getByTestId("send-report").click();
    await page
      .getByTestId("report-error")
      .filter({ hasText: "You cancelled in your wallet" })
      .waitFor({ timeout: 20_000 });
    await page.getByTestId("send-report").click();
    await page.getByTestId("report-done").waitFor({ timeout: 30_000 });
    const mine = (await (await page.request.get(`${stack.urls.webapp}/api/reports`)).json()) as { reports: unknown[] };
    assert.equal(mine.reports.length, 1, "the evidence was stored once, not again on the retry");
    const { publicClient } = chainClients(stack);
    const txHash = (await page.getByTestId("report-tx").textContent())!.trim() as Hex;
    const [filed] = parseEventLogs({
      abi: mesi.AbuseReports.abi,
      logs: (await publicClient.getTransactionReceipt({ hash: txHash })).logs,
      eventName: "ReportFiled",
    });
    assert.equal(filed?.args.relatedRef, tipTx);
    assert.equal(filed?.args.subject.toLowerCase(), stack.accounts.creatorAlice.address.toLowerCase());
    await context.close();
  });
});
